package dev.jobflow.bench;

import dev.jobflow.api.JobFlow;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The end-to-end pipe, measured in one run against its own limit. (1) The limit: an emulator process
 * (simulate executor) driven by a plain fabric8 client that creates the same Jobs in the same DAG order a
 * controller would (a Job as soon as its dependencies completed), no controller. (2) Jobflow: a fresh
 * emulator process plus {@code jobflow controller} as its own process, given the same flows as JobFlows.
 * Each runs a cold batch and then a warm batch of the same size in the same processes; completion is
 * seen through a watch (an informer), never by polling.
 *
 * <p>Prints steps/s for both and their ratio, the controller's API requests per step by verb and
 * resource (the delta of its own {@code jobflow_kube_requests_total}), and the CPU milliseconds per
 * step of the controller and of the emulator (utime + stime from {@code /proc/PID/stat}).
 *
 * <p>{@code bin/bench-e2e [flows=100] [duration=50ms] [warm batches=1]}; each flow is 10 steps: one, then 8 in
 * parallel after it, then one after those. {@code JOBFLOW_BENCH_CONTROLLER_OPTS} and
 * {@code JOBFLOW_BENCH_EMULATOR_OPTS} pass JVM options to the two processes (default {@code -Xmx512m}).
 */
public final class EndToEndBenchmark {
  static final int FAN_OUT = 8;
  static final int STEPS_PER_FLOW = FAN_OUT + 2;
  private static final long CLOCK_TICKS_PER_SECOND = 100; // USER_HZ on Linux
  private static final long METRICS_TICK_WAIT_MS = 2_500;
  private static final Pattern REQUESTS = Pattern.compile("^jobflow_kube_requests_total\\{([^}]*)}\\s+([0-9.eE+]+)",
      Pattern.MULTILINE);
  private static final Pattern LABEL = Pattern.compile("(\\w+)=\"([^\"]*)\"");

  private final Path dir;
  private final String jar;
  private final int flows;
  private final String duration;
  private final List<String> batchNames;

  EndToEndBenchmark(Path dir, String jar, int flows, String duration, int warmBatches) {
    this.dir = dir;
    this.jar = jar;
    this.flows = flows;
    this.duration = duration;
    List<String> names = new ArrayList<>(List.of("cold"));
    for (int i = 1; i <= warmBatches; i++) {
      names.add(warmBatches == 1 ? "warm" : "warm" + i);
    }
    this.batchNames = List.copyOf(names);
  }

  public static void main(String[] args) throws Exception {
    int flows = args.length > 0 ? Integer.parseInt(args[0]) : 100;
    String duration = args.length > 1 ? args[1] : "50ms";
    int warmBatches = args.length > 2 ? Integer.parseInt(args[2]) : 1;
    Path dir = Path.of("target", "bench-e2e").toAbsolutePath();
    Files.createDirectories(dir);
    EndToEndBenchmark bench = new EndToEndBenchmark(dir, System.getProperty("jobflow.jar", "target/jobflow.jar"),
        flows, duration, warmBatches);
    System.out.printf("EndToEndBenchmark: %d flows x %d steps (1 -> %d -> 1), %s simulated Jobs, per batch; "
            + "%d cores, load average %.1f%n", flows, STEPS_PER_FLOW, FAN_OUT, duration,
        Runtime.getRuntime().availableProcessors(),
        java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    // JOBFLOW_BENCH_E2E_LIMIT=off: the controller's side only, to compare two builds of it (JOBFLOW_JAR) run by run.
    boolean withLimit = !"off".equals(System.getenv("JOBFLOW_BENCH_E2E_LIMIT"));
    List<Batch> limit = withLimit ? bench.limit() : List.of();
    List<Batch> jobflow = bench.jobflow();
    bench.report(limit, jobflow);
  }

  /** One measured batch: its wall time, CPU of each process, and the controller's requests. */
  record Batch(String name, int steps, double seconds, long emulatorCpuMs, long controllerCpuMs,
               Map<String, Double> requests, Map<String, Long> controllerCpuMsByThreads) {
    double stepsPerSecond() {
      return steps / seconds;
    }
  }

  // ---- (1) the limit: a raw client, no controller ------------------------------------------

  List<Batch> limit() throws Exception {
    Path kubeconfig = dir.resolve("limit.kubeconfig");
    Files.deleteIfExists(kubeconfig);
    Process emulator = startEmulator("limit", kubeconfig);
    try (KubernetesClient client = clientFor(kubeconfig, emulator)) {
      RawDriver driver = new RawDriver(client, duration);
      List<Batch> batches = new ArrayList<>();
      for (String batch : batchNames) {
        long cpu = cpuMs(emulator.pid());
        long start = System.nanoTime();
        driver.run("raw-" + batch, flows);
        double seconds = (System.nanoTime() - start) / 1e9;
        batches.add(new Batch(batch, flows * STEPS_PER_FLOW, seconds, cpuMs(emulator.pid()) - cpu, 0, Map.of(),
            Map.of()));
      }
      driver.close();
      return batches;
    } finally {
      stop(emulator);
    }
  }

  /** Creates each flow's Jobs in DAG order, each as soon as the Jobs it depends on are Complete. */
  static final class RawDriver implements AutoCloseable {
    private final KubernetesClient client;
    private final String duration;
    private final ExecutorService creators = Executors.newFixedThreadPool(4);
    private final Map<String, Integer> fanInLeft = new ConcurrentHashMap<>();
    private final Set<String> complete = ConcurrentHashMap.newKeySet();
    private volatile CountDownLatch flowsLeft = new CountDownLatch(0);
    private final SharedIndexInformer<Job> informer;

    RawDriver(KubernetesClient client, String duration) {
      this.client = client;
      this.duration = duration;
      this.informer = client.batch().v1().jobs().inNamespace("default").withLabel("bench", "raw")
          .inform(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Job job) {
              seen(job);
            }

            @Override
            public void onUpdate(Job old, Job job) {
              seen(job);
            }

            @Override
            public void onDelete(Job job, boolean unknown) {}
          });
    }

    void run(String prefix, int flows) throws InterruptedException {
      flowsLeft = new CountDownLatch(flows);
      for (int f = 0; f < flows; f++) {
        String flow = prefix + "-" + f;
        fanInLeft.put(flow, FAN_OUT);
        create(flow, "first");
      }
      if (!flowsLeft.await(30, TimeUnit.MINUTES)) {
        throw new IllegalStateException("the raw driver did not finish: " + flowsLeft.getCount() + " flows left");
      }
    }

    private void seen(Job job) {
      var status = job.getStatus();
      if (status == null || status.getConditions() == null || status.getConditions().stream()
          .noneMatch(c -> "Complete".equals(c.getType()) && "True".equals(c.getStatus()))) {
        return;
      }
      String name = job.getMetadata().getName();
      if (!complete.add(name)) {
        return;
      }
      String flow = job.getMetadata().getLabels().get("flow");
      String step = job.getMetadata().getLabels().get("step");
      if (step.equals("first")) {
        for (int i = 0; i < FAN_OUT; i++) {
          create(flow, "middle-" + i);
        }
      } else if (step.startsWith("middle-")) {
        if (fanInLeft.merge(flow, -1, Integer::sum) == 0) {
          create(flow, "last");
        }
      } else {
        flowsLeft.countDown();
      }
    }

    private void create(String flow, String step) {
      creators.execute(() -> client.batch().v1().jobs().inNamespace("default").resource(job(flow, step)).create());
    }

    private Job job(String flow, String step) {
      return new JobBuilder().withNewMetadata().withName(flow + "-" + step)
          .addToLabels("bench", "raw").addToLabels("flow", flow).addToLabels("step", step)
          .addToLabels("jobflow.dev/attempt", "1").endMetadata()
          .withNewSpec().withBackoffLimit(0).withNewTemplate().withNewMetadata()
          .addToAnnotations("sim.jobflow.dev/duration", duration).endMetadata()
          .withNewSpec().withRestartPolicy("Never").addNewContainer().withName("main").withImage("busybox")
          .endContainer().endSpec().endTemplate().endSpec().build();
    }

    @Override
    public void close() {
      informer.close();
      creators.shutdownNow();
    }
  }

  // ---- (2) Jobflow: controller + emulator -----------------------------------------------------

  List<Batch> jobflow() throws Exception {
    Path kubeconfig = dir.resolve("jobflow.kubeconfig");
    Files.deleteIfExists(kubeconfig);
    Process emulator = startEmulator("jobflow-emulator", kubeconfig);
    Process controller = null;
    try (KubernetesClient client = clientFor(kubeconfig, emulator)) {
      Path journal = dir.resolve("journal");
      deleteTree(journal);
      Path controllerLog = dir.resolve("controller.log");
      // Kamon publishes counters once per tick (60 s by default): a short one makes each batch's delta whole.
      controller = start(List.of("controller", "--kubeconfig", kubeconfig.toString(), "--no-webhook",
          "--http-port", "0", "--metrics-port", "0", "--data-dir", journal.toString()),
          controllerLog, System.getenv().getOrDefault("JOBFLOW_BENCH_CONTROLLER_OPTS", "-Xmx512m")
              + " -Dkamon.metric.tick-interval=1s");
      int metricsPort = awaitMetricsPort(controllerLog, controller);
      FlowWaiter waiter = new FlowWaiter(client);
      List<Batch> batches = new ArrayList<>();
      for (String batch : batchNames) {
        Thread.sleep(METRICS_TICK_WAIT_MS); // start-up requests land before the batch's baseline
        Map<String, Double> before = requests(metricsPort);
        long emulatorCpu = cpuMs(emulator.pid());
        long controllerCpu = cpuMs(controller.pid());
        Map<String, Long> threadsCpu = cpuMsByThreads(controller.pid());
        long start = System.nanoTime();
        waiter.run("flow-" + batch, flows, duration);
        double seconds = (System.nanoTime() - start) / 1e9;
        long emulatorMs = cpuMs(emulator.pid()) - emulatorCpu;
        long controllerMs = cpuMs(controller.pid()) - controllerCpu;
        Map<String, Long> threadsMs = minusLong(cpuMsByThreads(controller.pid()), threadsCpu);
        Thread.sleep(METRICS_TICK_WAIT_MS); // the last writes of the batch reach the scrape after one tick
        batches.add(new Batch(batch, flows * STEPS_PER_FLOW, seconds, emulatorMs, controllerMs,
            minus(requests(metricsPort), before), threadsMs));
      }
      waiter.close();
      return batches;
    } finally {
      if (controller != null) {
        stop(controller);
      }
      stop(emulator);
    }
  }

  /** Submits JobFlows and waits, through an informer, until every one of them finished. */
  static final class FlowWaiter implements AutoCloseable {
    private final KubernetesClient client;
    private final Set<String> finished = ConcurrentHashMap.newKeySet();
    private final Map<String, String> failed = new ConcurrentHashMap<>();
    private volatile String prefix = "";
    private volatile CountDownLatch left = new CountDownLatch(0);
    private final SharedIndexInformer<JobFlow> informer;

    FlowWaiter(KubernetesClient client) {
      this.client = client;
      this.informer = client.resources(JobFlow.class).inNamespace("default").inform(new ResourceEventHandler<>() {
        @Override
        public void onAdd(JobFlow flow) {
          seen(flow);
        }

        @Override
        public void onUpdate(JobFlow old, JobFlow flow) {
          seen(flow);
        }

        @Override
        public void onDelete(JobFlow flow, boolean unknown) {}
      });
    }

    void run(String prefix, int flows, String duration) throws Exception {
      this.prefix = prefix;
      left = new CountDownLatch(flows);
      for (int f = 0; f < flows; f++) {
        String yaml = flowYaml(prefix + "-" + f, duration);
        client.resource(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8))).inNamespace("default").create();
      }
      if (!left.await(30, TimeUnit.MINUTES)) {
        throw new IllegalStateException("Jobflow did not finish: " + left.getCount() + " flows left");
      }
      if (!failed.isEmpty()) {
        throw new IllegalStateException("flows did not succeed: " + failed);
      }
    }

    private void seen(JobFlow flow) {
      String name = flow.getMetadata().getName();
      if (!name.startsWith(prefix + "-") || flow.getStatus() == null || flow.getStatus().getPhase() == null
          || !flow.getStatus().getPhase().isFinished() || !finished.add(name)) {
        return;
      }
      if (!"Succeeded".equals(flow.getStatus().getPhase().name())) {
        failed.put(name, flow.getStatus().getPhase() + ": " + flow.getStatus().getMessage());
      }
      left.countDown();
    }

    static String flowYaml(String name, String duration) {
      String template = "template: {template: {metadata: {annotations: {sim.jobflow.dev/duration: " + duration
          + "}}, spec: {restartPolicy: Never, containers: [{name: main, image: busybox}]}}}";
      StringBuilder yaml = new StringBuilder("""
          apiVersion: jobflow.dev/v1alpha1
          kind: JobFlow
          metadata: {name: %s, namespace: default}
          spec:
            steps:
              - name: first
                %s
          """.formatted(name, template));
      List<String> middle = new ArrayList<>();
      for (int i = 0; i < FAN_OUT; i++) {
        middle.add("middle-" + i);
        yaml.append("    - name: middle-").append(i).append("\n      dependsOn: [first]\n      ")
            .append(template).append('\n');
      }
      yaml.append("    - name: last\n      dependsOn: [").append(String.join(", ", middle)).append("]\n      ")
          .append(template).append('\n');
      return yaml.toString();
    }

    @Override
    public void close() {
      informer.close();
    }
  }

  // ---- the report ------------------------------------------------------------------------------

  void report(List<Batch> limit, List<Batch> jobflow) {
    System.out.println();
    System.out.printf("%-6s %14s %14s %7s %18s %18s %18s %14s%n", "batch", "limit steps/s", "jobflow st/s", "ratio",
        "limit emu ms/step", "jobflow emu ms/st", "controller ms/st", "API req/step");
    for (int i = 0; i < jobflow.size(); i++) {
      Batch j = jobflow.get(i);
      Batch l = i < limit.size() ? limit.get(i) : new Batch(j.name(), j.steps(), Double.NaN, 0, 0, Map.of(), Map.of());
      double requests = j.requests().values().stream().mapToDouble(Double::doubleValue).sum();
      System.out.printf("%-6s %14.1f %14.1f %7.2f %18.2f %18.2f %18.2f %14.2f%n", l.name(), l.stepsPerSecond(),
          j.stepsPerSecond(), j.stepsPerSecond() / l.stepsPerSecond(), (double) l.emulatorCpuMs() / l.steps(),
          (double) j.emulatorCpuMs() / j.steps(), (double) j.controllerCpuMs() / j.steps(), requests / j.steps());
    }
    for (Batch j : jobflow) {
      System.out.printf("%nController API requests per step, %s batch (verb resource):%n", j.name());
      j.requests().entrySet().stream().filter(e -> e.getValue() > 0)
          .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
          .forEach(e -> System.out.printf("  %-40s %7.3f%n", e.getKey(), e.getValue() / j.steps()));
    }
    for (Batch j : jobflow) {
      System.out.printf("%nController CPU ms per step by thread group, %s batch (/proc/PID/task; threads that ended "
          + "during the batch count only in the total):%n", j.name());
      j.controllerCpuMsByThreads().entrySet().stream().filter(e -> e.getValue() > 0)
          .sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(12)
          .forEach(e -> System.out.printf("  %-24s %7.2f%n", e.getKey(), (double) e.getValue() / j.steps()));
      System.out.printf("  %-24s %7.2f%n", "(total)", (double) j.controllerCpuMs() / j.steps());
    }
    System.out.println("\nGoals: ratio >= 0.7 warm; <= 2.5 API requests/step; controller <= 3 ms CPU/step warm; "
        + "emulator limit >= 300 Jobs/s.");
  }

  // ---- processes, metrics, CPU -----------------------------------------------------------------

  Process startEmulator(String name, Path kubeconfig) throws IOException {
    Path data = dir.resolve(name + "-data");
    return start(List.of("emulator", "--port", "0", "--kubeconfig-out", kubeconfig.toString(), "--executor", "simulate",
        "--data-dir", data.toString()), dir.resolve(name + ".log"),
        System.getenv().getOrDefault("JOBFLOW_BENCH_EMULATOR_OPTS", "-Xmx512m"));
  }

  Process start(List<String> args, Path log, String javaOpts) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    for (String opt : javaOpts.trim().split("\\s+")) {
      if (!opt.isEmpty()) {
        command.add(opt);
      }
    }
    command.addAll(List.of("-jar", jar));
    command.addAll(args);
    return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
  }

  static KubernetesClient clientFor(Path kubeconfig, Process emulator) throws Exception {
    awaitFile(kubeconfig, emulator);
    Config config = Config.fromKubeconfig(Files.readString(kubeconfig));
    config.setRequestTimeout(60_000);
    return new KubernetesClientBuilder().withConfig(config).build();
  }

  /** Waits for the file the process writes once it serves; the process's death ends the wait. */
  private static void awaitFile(Path file, Process owner) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
    while (!Files.exists(file) || Files.size(file) == 0) {
      if (!owner.isAlive() || System.nanoTime() > deadline) {
        throw new IllegalStateException("no " + file + " (process alive: " + owner.isAlive() + ")");
      }
      Thread.sleep(100);
    }
  }

  static int awaitMetricsPort(Path log, Process controller) throws Exception {
    Pattern port = Pattern.compile("metrics (\\d+)");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
    while (System.nanoTime() < deadline && controller.isAlive()) {
      if (Files.exists(log)) {
        Matcher m = port.matcher(Files.readString(log));
        if (m.find()) {
          return Integer.parseInt(m.group(1));
        }
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException("the controller did not start (see " + log + ")");
  }

  /** The controller's {@code jobflow_kube_requests_total}, keyed "verb resource". */
  static Map<String, Double> requests(int metricsPort) throws Exception {
    HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + metricsPort + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
    Map<String, Double> out = new TreeMap<>();
    Matcher m = REQUESTS.matcher(r.body());
    while (m.find()) {
      Map<String, String> labels = new TreeMap<>();
      Matcher l = LABEL.matcher(m.group(1));
      while (l.find()) {
        labels.put(l.group(1), l.group(2));
      }
      out.merge(labels.getOrDefault("verb", "?") + " " + labels.getOrDefault("resource", "?"),
          Double.parseDouble(m.group(2)), Double::sum);
    }
    return out;
  }

  static Map<String, Double> minus(Map<String, Double> after, Map<String, Double> before) {
    Map<String, Double> out = new TreeMap<>();
    after.forEach((k, v) -> out.put(k, v - before.getOrDefault(k, 0.0)));
    return out;
  }

  /** User plus system CPU time of a process so far, from fields 14 and 15 of /proc/PID/stat. */
  static long cpuMs(long pid) throws IOException {
    String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    // fields[0] is field 3 (state): utime is field 14, stime field 15.
    long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    return ticks * 1000 / CLOCK_TICKS_PER_SECOND;
  }

  /**
   * CPU time per group of threads of a process, from /proc/PID/task/TID/stat: a group is a thread name (the
   * kernel keeps its first 15 characters) without its trailing number, so "C2 CompilerThre" or "jobflow-akka.ac".
   */
  static Map<String, Long> cpuMsByThreads(long pid) throws IOException {
    Map<String, Long> out = new TreeMap<>();
    try (var tasks = Files.list(Path.of("/proc", String.valueOf(pid), "task"))) {
      for (Path task : (Iterable<Path>) tasks::iterator) {
        try {
          String stat = Files.readString(task.resolve("stat"));
          String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
          String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
          long ms = (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * 1000 / CLOCK_TICKS_PER_SECOND;
          out.merge(name.replaceAll("[-#\\s]*[0-9]+$", ""), ms, Long::sum);
        } catch (IOException | RuntimeException ended) {
          // the thread ended between the listing and the read
        }
      }
    }
    return out;
  }

  static Map<String, Long> minusLong(Map<String, Long> after, Map<String, Long> before) {
    Map<String, Long> out = new TreeMap<>();
    after.forEach((k, v) -> out.put(k, v - before.getOrDefault(k, 0L)));
    return out;
  }

  static void stop(Process p) throws InterruptedException {
    p.destroy();
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      p.waitFor(10, TimeUnit.SECONDS);
    }
  }

  static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (var paths = Files.walk(root)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
