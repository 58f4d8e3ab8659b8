package dev.jobflow.bench;

import dev.jobflow.api.FanOutStatus;
import dev.jobflow.api.JobFlow;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One flow with a fan-out of N instances through the real pipe: an emulator process (simulate executor) and
 * {@code jobflow controller} as its own process with its H2 journal, as {@link EndToEndBenchmark} starts them. A
 * 1,000-instance flow first is the baseline, in the same processes. Half way through the large flow the controller
 * is killed ({@code kill -9}) and started again: the time until the flow moves again is its recovery mid-run.
 *
 * <p>Prints wall time, instances/s, the controller's heap after a full GC half way (before the kill) and at the
 * end, the largest JobFlow object seen (JSON bytes), the Jobs in the cluster, and the journal's events and bytes.
 * Completion and progress are seen through an informer on the JobFlow, never by polling.
 *
 * <p>{@code bin/bench FanOutEmulatorBenchmark [instances=100000] [parallelism=500]}; the jar must be built
 * ({@code mvn -DskipTests package}). {@code JOBFLOW_BENCH_CONTROLLER_OPTS} / {@code JOBFLOW_BENCH_EMULATOR_OPTS}
 * set the processes' JVM options (defaults here: {@code -Xmx1g} and {@code -Xmx2g}).
 */
public final class FanOutEmulatorBenchmark {
  private static final Pattern HEAP_USED = Pattern.compile("used (\\d+)K");

  public static void main(String[] args) throws Exception {
    int instances = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
    int parallelism = args.length > 1 ? Integer.parseInt(args[1]) : 500;
    Path dir = Path.of("target", "bench-fan-out-emulator").toAbsolutePath();
    EndToEndBenchmark.deleteTree(dir);
    Files.createDirectories(dir);
    EndToEndBenchmark processes = new EndToEndBenchmark(dir, System.getProperty("jobflow.jar", "target/jobflow.jar"),
        0, "0s", 1);
    System.out.printf("FanOutEmulatorBenchmark: %,d instances, step parallelism %d, 10ms simulated Jobs; emulator and"
            + " controller as processes, H2 journal; %d cores, load average %.2f%n", instances, parallelism,
        Runtime.getRuntime().availableProcessors(),
        java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    Path kubeconfig = dir.resolve("kubeconfig");
    Process emulator = processes.start(List.of("emulator", "--port", "0", "--kubeconfig-out", kubeconfig.toString(),
        "--executor", "simulate", "--data-dir", dir.resolve("emulator-data").toString()), dir.resolve("emulator.log"),
        System.getenv().getOrDefault("JOBFLOW_BENCH_EMULATOR_OPTS", "-Xmx2g"));
    Path journal = dir.resolve("journal");
    Process controller = null;
    try (KubernetesClient client = EndToEndBenchmark.clientFor(kubeconfig, emulator)) {
      controller = startController(processes, kubeconfig, journal, 1);
      Run baseline = new Run(client, "baseline", Math.min(1_000, instances), parallelism);
      baseline.submitAndAwait(null);
      baseline.print();
      Run wide = new Run(client, "wide", instances, parallelism);
      Process[] current = {controller};
      wide.submitAndAwait(() -> {
        long heap = heapAfterGc(current[0].pid());
        current[0].destroyForcibly();
        try {
          current[0].waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          throw new IllegalStateException(e);
        }
        long killedAt = System.nanoTime();
        // Read from the API server once the controller is dead: its last status is final then. The informer's count
        // is no measure: it waits on this thread's lock meanwhile, and a 100,000-instance run once counted the old
        // controller's queued updates as the new one's progress (moved again before the flow had recovered).
        int before = wide.succeededNow();
        current[0] = startController(processes, kubeconfig, journal, 2);
        long startedAt = System.nanoTime();
        wide.awaitProgressBeyond(before);
        double moved = (System.nanoTime() - killedAt) / 1e9;
        System.out.printf("  half way (%,d succeeded): controller heap after GC %d MiB; kill -9, restarted in %.1f s;"
                + " the flow moved again %.1f s after the kill%n", before, heap >> 20,
            (startedAt - killedAt) / 1e9, moved);
        wide.pause = moved;
      });
      controller = current[0];
      long endHeap = heapAfterGc(controller.pid());
      wide.print();
      System.out.printf("  controller heap after GC at the end: %d MiB; Jobs in the cluster: %,d%n", endHeap >> 20,
          countJobs(client));
      EndToEndBenchmark.stop(controller);
      controller = null;
      printJournal(journal);
    } finally {
      if (controller != null) {
        EndToEndBenchmark.stop(controller);
      }
      EndToEndBenchmark.stop(emulator);
    }
  }

  private static Process startController(EndToEndBenchmark processes, Path kubeconfig, Path journal, int n) {
    try {
      Path log = journal.resolveSibling("controller-" + n + ".log");
      Process p = processes.start(List.of("controller", "--kubeconfig", kubeconfig.toString(), "--no-webhook",
              "--http-port", "0", "--metrics-port", "0", "--data-dir", journal.toString()), log,
          System.getenv().getOrDefault("JOBFLOW_BENCH_CONTROLLER_OPTS", "-Xmx1g"));
      EndToEndBenchmark.awaitMetricsPort(log, p);
      return p;
    } catch (Exception e) {
      throw new IllegalStateException("the controller did not start: " + e.getMessage(), e);
    }
  }

  /** The Jobs in the namespace, read in pages as a controller reads them (one list of 100,000 outruns a timeout). */
  private static long countJobs(KubernetesClient client) {
    long n = 0;
    String next = null;
    do {
      var page = client.batch().v1().jobs().inNamespace("default").list(
          new io.fabric8.kubernetes.api.model.ListOptionsBuilder().withLimit(500L).withContinue(next).build());
      n += page.getItems().size();
      next = page.getMetadata().getContinue();
    } while (next != null && !next.isEmpty());
    return n;
  }

  /** The process's heap in use after a full GC, from {@code jcmd}. */
  private static long heapAfterGc(long pid) {
    try {
      String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
      run(jcmd, String.valueOf(pid), "GC.run");
      Matcher m = HEAP_USED.matcher(run(jcmd, String.valueOf(pid), "GC.heap_info"));
      return m.find() ? Long.parseLong(m.group(1)) << 10 : -1;
    } catch (Exception e) {
      return -1;
    }
  }

  private static String run(String... command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    p.waitFor(60, TimeUnit.SECONDS);
    return out;
  }

  private static void printJournal(Path journal) throws Exception {
    Path file = journal.resolve("journal.mv.db");
    try (var c = DriverManager.getConnection("jdbc:h2:file:" + journal.resolve("journal") + ";ACCESS_MODE_DATA=r", "sa", "");
         var rs = c.createStatement().executeQuery("SELECT COUNT(*) FROM \"event_journal\"")) {
      rs.next();
      System.out.printf("journal: %,d events in all, %,d KiB H2 file%n", rs.getLong(1), Files.size(file) >> 10);
    }
  }

  /** One flow: submitted, followed through an informer until it finished. */
  static final class Run {
    final KubernetesClient client;
    final String name;
    final int instances;
    final int parallelism;
    final AtomicInteger succeeded = new AtomicInteger();
    final AtomicInteger largestObject = new AtomicInteger();
    final AtomicReference<JobFlow> last = new AtomicReference<>();
    final Object progress = new Object();
    double seconds;
    double pause;

    Run(KubernetesClient client, String name, int instances, int parallelism) {
      this.client = client;
      this.name = name;
      this.instances = instances;
      this.parallelism = parallelism;
    }

    /** Submits the flow and waits until it finished; {@code halfWay} runs once, when half the instances succeeded. */
    void submitAndAwait(Runnable halfWay) throws Exception {
      SharedIndexInformer<JobFlow> informer = client.resources(JobFlow.class).inNamespace("default")
          .withField("metadata.name", name).inform(new ResourceEventHandler<>() {
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
      long start = System.nanoTime();
      client.resource(new ByteArrayInputStream(yaml().getBytes(StandardCharsets.UTF_8))).inNamespace("default").create();
      boolean halfDone = halfWay == null;
      synchronized (progress) {
        while (!finished()) {
          progress.wait(1_000);
          if (!halfDone && succeeded.get() >= instances / 2) {
            halfDone = true;
            halfWay.run();
          }
          if (System.nanoTime() - start > TimeUnit.MINUTES.toNanos(60)) {
            throw new IllegalStateException(name + " did not finish in 60 minutes: " + succeeded + " succeeded");
          }
        }
      }
      seconds = (System.nanoTime() - start) / 1e9;
      informer.close();
      if (!"Succeeded".equals(String.valueOf(last.get().getStatus().getPhase()))) {
        throw new IllegalStateException(name + " ended " + last.get().getStatus().getPhase() + ": "
            + last.get().getStatus().getMessage());
      }
    }

    /** The instances succeeded as the API server has the flow's status now. */
    int succeededNow() {
      JobFlow flow = client.resources(JobFlow.class).inNamespace("default").withName(name).get();
      FanOutStatus f = flow.getStatus() == null || flow.getStatus().getFanOut() == null ? null
          : flow.getStatus().getFanOut().get("shard");
      return f == null ? 0 : f.getSucceeded();
    }

    void awaitProgressBeyond(int count) {
      synchronized (progress) {
        while (succeeded.get() <= count && !finished()) {
          try {
            progress.wait(1_000);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
          }
        }
      }
    }

    private boolean finished() {
      JobFlow f = last.get();
      return f != null && f.getStatus() != null && f.getStatus().getPhase() != null && f.getStatus().getPhase().isFinished();
    }

    private void seen(JobFlow flow) {
      largestObject.accumulateAndGet(Serialization.asJson(flow).getBytes(StandardCharsets.UTF_8).length, Math::max);
      FanOutStatus f = flow.getStatus() == null || flow.getStatus().getFanOut() == null ? null
          : flow.getStatus().getFanOut().get("shard");
      synchronized (progress) {
        if (f != null) {
          succeeded.set(f.getSucceeded());
        }
        last.set(flow);
        progress.notifyAll();
      }
    }

    void print() {
      System.out.printf("%s: %,d instances + 1 fan-in step in %.1f s, %,.0f instances/s%s; largest JobFlow object %,d"
              + " bytes; status %s%n", name, instances, seconds, instances / seconds,
          pause > 0 ? String.format(" (%,.0f/s without the %.1f s restart)", instances / (seconds - pause), pause) : "",
          largestObject.get(), last.get().getStatus().getProgress());
    }

    private String yaml() {
      String template = "      template: {template: {metadata: {annotations: {sim.jobflow.dev/duration: 10ms}},"
          + " spec: {restartPolicy: Never, containers: [{name: main, image: busybox}]}}}\n";
      return "apiVersion: jobflow.dev/v1alpha1\nkind: JobFlow\nmetadata: {name: " + name + "}\nspec:\n  steps:\n"
          + "    - name: shard\n      withSequence: {count: " + instances + "}\n      maxItems: " + instances + "\n      parallelism: " + parallelism + "\n"
          + template + "    - name: merge\n      dependsOn: [shard]\n" + template;
    }
  }
}
