package dev.jobflow.bench;

import akka.actor.typed.ActorSystem;
import akka.actor.typed.javadsl.Behaviors;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.typesafe.config.ConfigFactory;
import dev.jobflow.admission.AdmissionObserver;
import dev.jobflow.admission.AdmissionRequest;
import dev.jobflow.admission.AdmissionResponse;
import dev.jobflow.admission.MutatingAdmission;
import dev.jobflow.admission.ValidatingAdmission;
import dev.jobflow.admission.AdmissionServer;
import dev.jobflow.admission.AdmissionSettings;
import dev.jobflow.http.TestCertificates;
import dev.jobflow.http.TestCertificates.Issued;
import dev.jobflow.http.TestCertificates.KeyFormat;
import dev.jobflow.api.JobFlowTemplate;
import dev.jobflow.api.JobFlowTemplateSpec;
import dev.jobflow.emulator.Emulator;
import dev.jobflow.emulator.EmulatorOptions;
import dev.jobflow.template.ClusterTemplates;
import dev.jobflow.validation.JobFlowValidator;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Admission latency and throughput over TLS on loopback: {@code bin/bench AdmissionBenchmark [--seconds S]
 * [--clients C] [--warmup S]}. Each client is a keep-alive HTTP/1.1 connection sending one review after
 * another, as the API server's webhook client does. Client and server share this JVM and its cores, so
 * the figures are a floor for a webhook pod with the cores to itself.
 */
public final class AdmissionBenchmark {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String SYSTEM = "admission-bench";

  public static void main(String[] args) throws Exception {
    int seconds = intArg(args, "--seconds", 10);
    int clients = intArg(args, "--clients", 8);
    int warmup = intArg(args, "--warmup", 5);
    Path dir = Files.createTempDirectory("admission-bench");
    Issued cert = TestCertificates.ec("bench.test");
    Path[] files = cert.writeTo(dir, KeyFormat.TRADITIONAL);
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), SYSTEM,
        ConfigFactory.parseString("akka.loglevel = WARNING").withFallback(ConfigFactory.load()));
    // The API server the webhook reads templates from: the emulator, over HTTP, as a real one would be.
    Emulator emulator = Emulator.start(EmulatorOptions.defaults().withExecutor(EmulatorOptions.ExecutorKind.NONE)
        .withDataDir(dir.resolve("emulator")));
    try {
      emulator.client().namespaces().resource(new io.fabric8.kubernetes.api.model.NamespaceBuilder().withNewMetadata()
          .withName("data").endMetadata().build()).create();
      JobFlowTemplate template = new JobFlowTemplate();
      template.getMetadata().setName("bench");
      template.getMetadata().setNamespace("data");
      template.setSpec(JSON.treeToValue(review(10).at("/request/object/spec"), JobFlowTemplateSpec.class));
      emulator.client().resource(template).create();
      AdmissionServer server = AdmissionServer.start(system, AdmissionSettings.of("127.0.0.1", 0, files[0], files[1]),
          new JobFlowValidator(), new ClusterTemplates(emulator.client()), AdmissionObserver.NONE)
          .toCompletableFuture().get();
      System.out.printf("admission over TLS on loopback: %d keep-alive clients, %d s per case (after %d s warm-up), "
          + "%d cores%n", clients, seconds, warmup, Runtime.getRuntime().availableProcessors());
      System.out.printf("load average at start: %.1f%n", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
      System.out.printf("%-10s %-9s %9s %10s %9s %9s %9s %12s %12s%n", "flow", "endpoint", "body", "requests/s",
          "p50 ms", "p99 ms", "max ms", "cpu ms/req", "server cpu");
      for (int steps : new int[] {10, 1000}) {
        byte[] body = JSON.writeValueAsBytes(review(steps));
        printDecisionOnly(steps, body, warmup, seconds);
        for (String endpoint : List.of("/validate", "/mutate")) {
          URI uri = URI.create("https://localhost:" + server.port() + endpoint);
          run(cert, uri, body, clients, warmup);
          Result r = run(cert, uri, body, clients, seconds);
          System.out.printf("%-10s %-9s %8dB %10.0f %9.2f %9.2f %9.2f %12.3f %12.3f%n", steps + " steps", endpoint,
              body.length, r.perSecond(), r.percentile(50), r.percentile(99), r.percentile(100),
              r.cpuMillisPerRequest(), r.serverCpuMillisPerRequest());
        }
      }
      // A flow naming a 10-step template: one GET of the template from the API server, resolution, validation of the
      // resolved flow, on the blocking-IO dispatcher. Compare with the 10-step flow above (same steps, inline).
      byte[] templated = JSON.writeValueAsBytes(templatedReview());
      URI validate = URI.create("https://localhost:" + server.port() + "/validate");
      run(cert, validate, templated, clients, warmup);
      Result r = run(cert, validate, templated, clients, seconds);
      System.out.printf("%-10s %-9s %8dB %10.0f %9.2f %9.2f %9.2f %12.3f %12.3f   (reads the template: GET)%n",
          "template", "/validate", templated.length, r.perSecond(), r.percentile(50), r.percentile(99),
          r.percentile(100), r.cpuMillisPerRequest(), r.serverCpuMillisPerRequest());
    } finally {
      emulator.close();
      system.terminate();
      system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  /** The same review without HTTP and TLS: parse, judge, write the answer, on one thread. */
  static void printDecisionOnly(int steps, byte[] body, int warmup, int seconds) throws Exception {
    ValidatingAdmission validating = new ValidatingAdmission(new JobFlowValidator());
    MutatingAdmission mutating = new MutatingAdmission();
    for (String endpoint : List.of("/validate", "/mutate")) {
      Result result = null;
      for (int round = 0; round < 2; round++) {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(round == 0 ? warmup : seconds);
        long[] nanos = new long[1 << 16];
        int n = 0;
        long start = System.nanoTime();
        while (System.nanoTime() < end) {
          long t0 = System.nanoTime();
          AdmissionRequest request = AdmissionRequest.parse(body);
          AdmissionResponse response = endpoint.equals("/validate") ? validating.review(request) : mutating.review(request);
          if (response.toJsonBytes().length == 0 || !response.allowed()) {
            throw new IllegalStateException("benchmark flow was not admitted");
          }
          if (n == nanos.length) {
            nanos = Arrays.copyOf(nanos, n * 2);
          }
          nanos[n++] = System.nanoTime() - t0;
        }
        long[] sorted = Arrays.copyOf(nanos, n);
        Arrays.sort(sorted);
        result = new Result(sorted, (System.nanoTime() - start) / 1e9);
      }
      System.out.printf("%-10s %-9s %8dB %10.0f %9.2f %9.2f %9.2f %12s %12s   (decision only: no HTTP/TLS, 1 thread)%n",
          steps + " steps", endpoint, body.length, result.perSecond(), result.percentile(50), result.percentile(99),
          result.percentile(100), "", "");
    }
  }

  record Result(long[] nanos, double elapsedSeconds, long cpuNanos, long serverCpuNanos) {
    Result(long[] nanos, double elapsedSeconds) {
      this(nanos, elapsedSeconds, -1, -1);
    }

    /** CPU of the server's threads (the actor system's) per request: what a webhook pod would spend. */
    double serverCpuMillisPerRequest() {
      return serverCpuNanos < 0 || nanos.length == 0 ? Double.NaN : serverCpuNanos / 1e6 / nanos.length;
    }

    /** Process CPU per request (client and server together): a figure the machine's other load barely moves. */
    double cpuMillisPerRequest() {
      return cpuNanos < 0 || nanos.length == 0 ? Double.NaN : cpuNanos / 1e6 / nanos.length;
    }

    double perSecond() {
      return nanos.length / elapsedSeconds;
    }

    double percentile(double p) {
      if (nanos.length == 0) {
        return Double.NaN;
      }
      int index = (int) Math.min(nanos.length - 1, Math.ceil(p / 100.0 * nanos.length) - 1);
      return nanos[Math.max(0, index)] / 1e6;
    }
  }

  static Result run(Issued cert, URI uri, byte[] body, int clients, int seconds) throws Exception {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    long[][] perClient = new long[clients][];
    List<Thread> threads = new ArrayList<>();
    long cpuStart = processCpuNanos();
    long serverCpuStart = serverThreadsCpuNanos();
    long start = System.nanoTime();
    for (int c = 0; c < clients; c++) {
      // One JDK client per simulated API server connection: each keeps its own keep-alive connection.
      HttpClient client = cert.httpClient();
      int index = c;
      Thread thread = new Thread(() -> perClient[index] = loop(client, uri, body, end), "bench-client-" + c);
      threads.add(thread);
      thread.start();
    }
    for (Thread thread : threads) {
      thread.join();
    }
    double elapsed = (System.nanoTime() - start) / 1e9;
    long cpu = processCpuNanos() - cpuStart;
    long serverCpu = serverThreadsCpuNanos() - serverCpuStart;
    long[] all = Arrays.stream(perClient).flatMapToLong(Arrays::stream).sorted().toArray();
    return new Result(all, elapsed, cpu, serverCpu);
  }

  /** Threads of the actor system named {@value #SYSTEM}: akka-http, TLS and the admission code run there. */
  static long serverThreadsCpuNanos() {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    long total = 0;
    for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
      if (info != null && info.getThreadName().startsWith(SYSTEM)) {
        total += Math.max(0, threads.getThreadCpuTime(info.getThreadId()));
      }
    }
    return total;
  }

  static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
  }

  static long[] loop(HttpClient client, URI uri, byte[] body, long end) {
    long[] nanos = new long[1 << 16];
    int n = 0;
    while (System.nanoTime() < end) {
      HttpRequest request = HttpRequest.newBuilder(uri).header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
      long t0 = System.nanoTime();
      try {
        HttpResponse<byte[]> response = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
        if (response.statusCode() != 200) {
          throw new IllegalStateException("HTTP " + response.statusCode() + ": " + new String(response.body()));
        }
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
      if (n == nanos.length) {
        nanos = Arrays.copyOf(nanos, n * 2);
      }
      nanos[n++] = System.nanoTime() - t0;
    }
    return Arrays.copyOf(nanos, n);
  }

  /** A valid CREATE review of a chain of {@code steps} steps, as the API server sends it. */
  static ObjectNode review(int steps) {
    ObjectNode review = JSON.createObjectNode().put("apiVersion", "admission.k8s.io/v1").put("kind", "AdmissionReview");
    ObjectNode request = review.putObject("request").put("uid", UUID.randomUUID().toString())
        .put("operation", "CREATE").put("name", "bench").put("namespace", "data").put("dryRun", false);
    request.putObject("kind").put("group", "jobflow.dev").put("version", "v1alpha1").put("kind", "JobFlow");
    request.putObject("resource").put("group", "jobflow.dev").put("version", "v1alpha1").put("resource", "jobflows");
    request.putObject("userInfo").put("username", "bench").putArray("groups").add("system:authenticated");
    ObjectNode flow = request.putObject("object").put("apiVersion", "jobflow.dev/v1alpha1").put("kind", "JobFlow");
    flow.putObject("metadata").put("name", "bench").put("namespace", "data");
    ArrayNode list = flow.putObject("spec").putArray("steps");
    for (int i = 0; i < steps; i++) {
      ObjectNode step = list.addObject().put("name", "step-" + i);
      if (i > 0) {
        step.putArray("dependsOn").add("step-" + (i - 1));
      }
      step.putObject("template").putObject("template").putObject("spec").putArray("containers").addObject()
          .put("name", "main").put("image", "busybox:1.36").putArray("command").add("sh").add("-c").add("echo " + i);
    }
    request.putNull("oldObject");
    request.putObject("options").put("kind", "CreateOptions").put("apiVersion", "meta.k8s.io/v1");
    return review;
  }

  /** A flow that runs the 10-step template "bench" with spec.templateRef. */
  static ObjectNode templatedReview() {
    ObjectNode review = review(0);
    ObjectNode spec = (ObjectNode) review.at("/request/object/spec");
    spec.remove("steps");
    spec.putObject("templateRef").put("name", "bench");
    return review;
  }

  private static int intArg(String[] args, String name, int fallback) {
    for (int i = 0; i + 1 < args.length; i++) {
      if (args[i].equals(name)) {
        return Integer.parseInt(args[i + 1]);
      }
    }
    return fallback;
  }
}
