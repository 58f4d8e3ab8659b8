package dev.jobflow.bench;

import dev.jobflow.controller.ControllerCluster;
import dev.jobflow.kube.JobflowLabels;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import java.io.ByteArrayInputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Replicas on PostgreSQL, in one run: the controller's cluster as separate processes of the built jar
 * ({@link ControllerCluster}: the emulator's simulate executor, a fresh schema per cluster).
 *
 * <ol>
 *   <li><b>Throughput</b> with 1, 2 and 3 replicas: the same batch of flows (EndToEndBenchmark's 10-step flows) on a
 *       fresh cluster each, steps/s from the first create to the last Succeeded; 1 replica is the baseline.</li>
 *   <li><b>Failover</b> (the 3 replicas of the last throughput run): long chains of short steps run, so every flow creates a Job every second or
 *       so; one replica is killed with {@code kill -9}. Per flow, the time from the kill to its first Job created
 *       after it: the survivors' flows carry on within a step, the lost replica's flows only once they moved (the
 *       failure detector, the Split Brain Resolver, recovery and adoption). Prints the largest such time (goal
 *       &le; 15 s) and how many flows waited longer than 3 steps.</li>
 *   <li><b>Rolling restart</b> (3 replicas, the killed one back first): each replica stopped with SIGTERM (its shards
 *       handed off) and started again, one by one. Per flow, the longest gap between two of its Job creations during
 *       the restart, next to the same flows' longest gap before it.</li>
 * </ol>
 *
 * <p>{@code bin/bench-replicas [flows=60] [chains=30]}; flows 0 runs the failover and the rolling restart only. The
 * cluster's timings are production's (heartbeat pause 3 s, stable-after 5 s, down-removal margin 2 s) unless
 * {@code JOBFLOW_CLUSTER_HEARTBEAT_PAUSE} / {@code JOBFLOW_CLUSTER_STABLE_AFTER} /
 * {@code JOBFLOW_CLUSTER_DOWN_REMOVAL_MARGIN} say otherwise; on a machine so loaded that a JVM stalls for seconds, a slow replica may then be downed too, which the
 * figures show as a second, unplanned pause.
 */
public final class ReplicasBenchmark {
  private static final String CHAIN_STEP_DURATION = "500ms";
  private static final int CHAIN_STEPS = 400;
  private static final String CHAIN_PREFIX = "chain-";

  private final Path dir;

  private ReplicasBenchmark(Path dir) {
    this.dir = dir;
  }

  public static void main(String[] args) throws Exception {
    int flows = args.length > 0 ? Integer.parseInt(args[0]) : 60;
    int chains = args.length > 1 ? Integer.parseInt(args[1]) : 30;
    Path dir = Path.of("target", "bench-replicas").toAbsolutePath();
    Files.createDirectories(dir);
    System.out.printf("ReplicasBenchmark: throughput %d flows x %d steps (1 -> %d -> 1, 50ms Jobs); failover and "
            + "rolling restart on %d chains of %s steps; %d cores, load average %.1f%n", flows,
        EndToEndBenchmark.STEPS_PER_FLOW, EndToEndBenchmark.FAN_OUT, chains, CHAIN_STEP_DURATION,
        Runtime.getRuntime().availableProcessors(), load());
    ReplicasBenchmark bench = new ReplicasBenchmark(dir);
    // Production's timings (conf/application.conf) unless the environment overrides them.
    Map<String, String> timings = new java.util.HashMap<>();
    for (String name : List.of("JOBFLOW_CLUSTER_HEARTBEAT_PAUSE", "JOBFLOW_CLUSTER_STABLE_AFTER",
        "JOBFLOW_CLUSTER_DOWN_REMOVAL_MARGIN")) {
      if (System.getenv(name) != null) {
        timings.put(name, System.getenv(name));
      }
    }
    // The JVM as production runs it (C2, G1), unlike the process tests.
    String javaOptions = System.getenv().getOrDefault("JOBFLOW_REPLICA_JAVA_OPTS", "-Xmx384m");
    List<String> throughput = new ArrayList<>();
    double baseline = 0;
    if (flows == 0) { // failover and rolling restart only
      try (ControllerCluster cluster = ControllerCluster.start(
          Files.createDirectories(dir.resolve("failover")), 3, timings, javaOptions)) {
        bench.failoverAndRollingRestart(cluster, chains, throughput);
      }
      return;
    }
    for (int replicas = 1; replicas <= 3; replicas++) {
      try (ControllerCluster cluster = ControllerCluster.start(
          Files.createDirectories(dir.resolve("throughput-" + replicas)), replicas, timings, javaOptions)) {
        double stepsPerSecond = bench.throughput(cluster, flows);
        baseline = replicas == 1 ? stepsPerSecond : baseline;
        throughput.add(String.format("  %d replica%s %8.1f steps/s  ratio %.2f  (load %.1f)", replicas,
            replicas == 1 ? " " : "s", stepsPerSecond, stepsPerSecond / baseline, load()));
        System.out.println(throughput.get(throughput.size() - 1));
        if (replicas == 3) {
          bench.failoverAndRollingRestart(cluster, chains, throughput);
        }
      }
    }
  }

  /** Runs a batch of warm-up flows, then the measured batch; steps per second of the measured one. */
  private double throughput(ControllerCluster cluster, int flows) throws Exception {
    try (EndToEndBenchmark.FlowWaiter waiter = new EndToEndBenchmark.FlowWaiter(cluster.client())) {
      waiter.run("warm", Math.max(1, flows / 4), "50ms");
      long started = System.nanoTime();
      waiter.run("measured", flows, "50ms");
      double seconds = (System.nanoTime() - started) / 1e9;
      return flows * EndToEndBenchmark.STEPS_PER_FLOW / seconds;
    }
  }

  private void failoverAndRollingRestart(ControllerCluster cluster, int chains, List<String> throughput)
      throws Exception {
    KubernetesClient client = cluster.client();
    try (JobCreationTimes jobs = new JobCreationTimes(client)) {
      for (int c = 0; c < chains; c++) {
        client.resource(new ByteArrayInputStream(chainYaml(CHAIN_PREFIX + c).getBytes(StandardCharsets.UTF_8)))
            .inNamespace("default").create();
      }
      jobs.awaitEveryFlowProgressing(chains, 3);
      long beforeKill = System.nanoTime();
      jobs.awaitEveryFlowProgressing(chains, 5);
      long killed = System.nanoTime();
      double loadAtKill = load();
      cluster.kill(1);
      jobs.awaitEveryFlowCreatedAfter(chains, killed);
      List<Double> resumed = jobs.firstCreationAfter(killed);
      double normalGap = percentile(jobs.longestGaps(beforeKill, killed), 0.5);

      cluster.restart(1);
      long rollStarted = System.nanoTime();
      jobs.awaitEveryFlowCreatedAfter(chains, rollStarted);
      List<String> restarts = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        long t = System.nanoTime();
        cluster.stop(i);
        double stopped = (System.nanoTime() - t) / 1e9;
        cluster.restart(i);
        restarts.add(String.format("replica %d stopped in %.1f s, ready %.1f s after the SIGTERM", i, stopped,
            (System.nanoTime() - t) / 1e9));
      }
      long rollEnded = System.nanoTime();
      jobs.awaitEveryFlowCreatedAfter(chains, rollEnded);
      double rollLoad = load();
      List<Double> rollGaps = jobs.longestGaps(rollStarted, rollEnded);
      List<Double> quietGaps = jobs.longestGaps(beforeKill, killed);

      System.out.println();
      System.out.println("Throughput, same workload per cluster (1 replica is the baseline):");
      throughput.forEach(System.out::println);
      System.out.printf("%nFailover (kill -9 of 1 of 3 replicas, %d chains, load %.1f at the kill):%n", chains,
          loadAtKill);
      long moved = resumed.stream().filter(s -> s > 3 * Math.max(normalGap, 0.5)).count();
      System.out.printf("  time from the kill to the next Job of each flow: p50 %.1f s, max %.1f s (goal <= 15 s);"
          + " %d flows waited longer than 3 normal steps (%.1f s each): the lost replica's%n",
          percentile(resumed, 0.5), percentile(resumed, 1.0), moved, normalGap);
      System.out.printf("%nRolling restart of all 3 replicas (load %.1f after it):%n", rollLoad);
      restarts.forEach(r -> System.out.println("  " + r));
      System.out.printf("  longest pause between two Jobs of a flow during the restart: p50 %.1f s, p90 %.1f s,"
              + " max %.1f s; before the kill, p50 %.1f s, max %.1f s%n", percentile(rollGaps, 0.5),
          percentile(rollGaps, 0.9), percentile(rollGaps, 1.0), percentile(quietGaps, 0.5),
          percentile(quietGaps, 1.0));
      System.out.println("  replicas that exited by themselves (downed while stalled) and were started again: "
          + cluster.unplannedExits());
    }
  }

  /** A chain of short sequential steps, long enough to outlast the failover and the rolling restart. */
  static String chainYaml(String name) {
    StringBuilder y = new StringBuilder("apiVersion: jobflow.dev/v1alpha1\nkind: JobFlow\nmetadata: {name: " + name
        + ", namespace: default}\nspec:\n  steps:\n");
    for (int s = 0; s < CHAIN_STEPS; s++) {
      y.append("    - name: s").append(s).append('\n');
      if (s > 0) {
        y.append("      dependsOn: [s").append(s - 1).append("]\n");
      }
      y.append("      template: {template: {metadata: {annotations: {sim.jobflow.dev/duration: ")
          .append(CHAIN_STEP_DURATION)
          .append("}}, spec: {restartPolicy: Never, containers: [{name: main, image: busybox}]}}}\n");
    }
    return y.toString();
  }

  /** When each flow's Jobs were created, as the API server's watch reports them (the flow's label). */
  static final class JobCreationTimes implements AutoCloseable {
    private final Map<String, List<Long>> byFlow = new ConcurrentHashMap<>();
    private final Watch watch;

    JobCreationTimes(KubernetesClient client) {
      watch = client.batch().v1().jobs().inNamespace("default").watch(new Watcher<Job>() {
        @Override
        public void eventReceived(Action action, Job job) {
          String flow = job.getMetadata().getLabels() == null ? null : job.getMetadata().getLabels().get(JobflowLabels.FLOW);
          // The watch starts with every existing Job (the throughput batches' too): only the chains count.
          if (action == Action.ADDED && flow != null && flow.startsWith(CHAIN_PREFIX)) {
            byFlow.computeIfAbsent(flow, f -> new CopyOnWriteArrayList<>()).add(System.nanoTime());
          }
        }

        @Override
        public void onClose(WatcherException cause) {}
      });
    }

    /** Waits until each of {@code flows} flows has at least {@code jobs} more Jobs than when called. */
    void awaitEveryFlowProgressing(int flows, int jobs) throws InterruptedException {
      Map<String, Integer> start = new ConcurrentHashMap<>();
      byFlow.forEach((f, t) -> start.put(f, t.size()));
      awaitUntil(() -> byFlow.size() >= flows && byFlow.entrySet().stream()
          .allMatch(e -> e.getValue().size() >= start.getOrDefault(e.getKey(), 0) + jobs));
    }

    void awaitEveryFlowCreatedAfter(int flows, long nanos) throws InterruptedException {
      awaitUntil(() -> byFlow.size() >= flows
          && byFlow.values().stream().allMatch(t -> t.get(t.size() - 1) > nanos));
    }

    /** Per flow, seconds from {@code nanos} to its first Job created after it. */
    List<Double> firstCreationAfter(long nanos) {
      List<Double> out = new ArrayList<>();
      byFlow.values().forEach(t -> t.stream().filter(n -> n > nanos).findFirst()
          .ifPresent(n -> out.add((n - nanos) / 1e9)));
      return out;
    }

    /** Per flow, the longest gap in seconds between Job creations in [from, to], its edges counted as creations. */
    List<Double> longestGaps(long from, long to) {
      List<Double> out = new ArrayList<>();
      for (List<Long> times : byFlow.values()) {
        long previous = from;
        long longest = 0;
        for (long t : times) {
          if (t > from && t <= to) {
            longest = Math.max(longest, t - previous);
            previous = t;
          }
        }
        out.add(Math.max(longest, to - previous) / 1e9);
      }
      return out;
    }

    private static void awaitUntil(java.util.function.BooleanSupplier condition) throws InterruptedException {
      long deadline = System.nanoTime() + 600_000_000_000L;
      while (!condition.getAsBoolean()) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("flows stopped progressing for 10 minutes");
        }
        Thread.sleep(100);
      }
    }

    @Override
    public void close() {
      watch.close();
    }
  }

  static double percentile(List<Double> values, double p) {
    if (values.isEmpty()) {
      return Double.NaN;
    }
    List<Double> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    return sorted.get((int) Math.min(sorted.size() - 1, Math.ceil(p * sorted.size()) - 1 < 0 ? 0
        : Math.ceil(p * sorted.size()) - 1));
  }

  private static double load() {
    return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
  }
}
