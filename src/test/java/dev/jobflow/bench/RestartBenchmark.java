package dev.jobflow.bench;

import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.Props;
import akka.actor.typed.javadsl.Behaviors;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.jobflow.cluster.ClusterNode;
import dev.jobflow.cluster.ClusterSettings;
import dev.jobflow.flow.EngineHealth;
import dev.jobflow.flow.EngineSettings;
import dev.jobflow.flow.FlowCommand;
import dev.jobflow.flow.FlowDefinition;
import dev.jobflow.flow.FlowEntity;
import dev.jobflow.flow.FlowEvent;
import dev.jobflow.flow.FlowId;
import dev.jobflow.flow.FlowListener;
import dev.jobflow.flow.FlowRouter;
import dev.jobflow.flow.FlowStatusUpdate;
import dev.jobflow.journal.JournalSettings;
import dev.jobflow.step.InMemoryJobRuntime;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A controller restart with many flows in flight, on the H2 file journal and under Cluster Sharding as the controller
 * runs flows ({@link FlowRouter}, a cluster of one, the real akka-persistence-jdbc journal and snapshot store), with
 * an in-memory cluster whose Jobs stay Active (a long step). Per run:
 * <ol>
 *   <li>N flows start (a chain of 2 steps); each has its first step's Job running. The actor system stops.</li>
 *   <li>A new actor system on the same journal. The controller's informer lists every JobFlow at start: each flow's
 *   spec is sent, as it would. Timed until every flow has recovered and its step actor has adopted its running Job
 *   (its create-if-absent call): then it is running again.</li>
 *   <li>Heap: used heap after a full GC with the N idle running flows live, minus the same before they were sent
 *   (the in-memory cluster's Jobs exist in both), divided by N.</li>
 * </ol>
 * Runs the baseline size first, then the large one, in the same JVM; prints the load average with the figures.
 *
 * <p>{@code bin/bench RestartBenchmark [flows=10000] [baseline=1000] [h2|postgres]}
 */
public final class RestartBenchmark {
  static final int START_BATCH = 500;

  public static void main(String[] args) throws Exception {
    int flows = EngineBenchmark.arg(args, 0, 10_000);
    int baseline = EngineBenchmark.arg(args, 1, 1_000);
    postgres = args.length > 2 && args[2].equals("postgres");
    System.out.printf("RestartBenchmark: " + (postgres ? "PostgreSQL" : "H2 file") + " journal, sharded flows"
        + " (cluster of one), Jobs that stay Active;"
        + " %d cores, max heap %d MiB, java %s%n", Runtime.getRuntime().availableProcessors(),
        Runtime.getRuntime().maxMemory() >> 20, System.getProperty("java.version"));
    run(200, true); // warm-up: class loading, JIT
    for (int n : List.of(baseline, flows)) {
      run(n, false);
    }
    System.exit(0);
  }

  record Result(int flows, double startSeconds, double restartSeconds, double bytesPerFlow) {}

  /**
   * On the PostgreSQL journal (a fresh schema per size) instead of the embedded H2 file: then the heap holds no
   * database page cache, which H2 fills as it reads (bounded, and so a fixed cost counted per flow here).
   */
  static boolean postgres;

  static Result run(int n, boolean quiet) throws Exception {
    if (postgres) {
      try (dev.jobflow.journal.PostgresTestDatabase pg = dev.jobflow.journal.PostgresTestDatabase.create()) {
        journal = base -> JournalSettings.fromConfig(base).withUrl(pg.url())
            .withUser(dev.jobflow.journal.PostgresTestDatabase.USER);
        return runOn(n, quiet);
      }
    }
    return runOn(n, quiet);
  }

  static java.util.function.Function<Config, JournalSettings> journal;

  static Result runOn(int n, boolean quiet) throws Exception {
    Path dir = Files.createTempDirectory("restart-bench");
    if (!postgres) {
      journal = base -> JournalSettings.fromConfig(base).withDataDir(dir);
    }
    List<FlowDefinition> defs = EngineBenchmark.chains(n, 2, "r" + n);
    InMemoryJobRuntime cluster = new InMemoryJobRuntime(Clock.systemUTC());

    Adoptions first = new Adoptions();
    cluster.onCreateCall(a -> first.called(a.flowUid()));
    ActorSystem<Void> before = start(dir, cluster);
    long t0 = System.nanoTime();
    ActorRef<FlowRouter.Command> router = router(before, cluster);
    // Set-up, not measured: in batches, as flows arrive in a cluster (10,000 new flows at once time out H2's writes).
    for (int from = 0; from < n; from += START_BATCH) {
      for (FlowDefinition d : defs.subList(from, Math.min(n, from + START_BATCH))) {
        router.tell(new FlowRouter.Deliver(d.uid(), new FlowCommand.SpecSeen(d)));
      }
      first.await("start of " + n + " flows", Math.min(n, from + START_BATCH));
    }
    double startSeconds = (System.nanoTime() - t0) / 1e9;
    stop(before);
    RECOVERIES.clear();

    Adoptions again = new Adoptions();
    cluster.onCreateCall(a -> again.called(a.flowUid()));
    ActorSystem<Void> after = start(dir, cluster);
    ActorRef<FlowRouter.Command> router2 = router(after, cluster);
    boolean histogram = !quiet && Boolean.getBoolean("bench.histogram");
    Map<String, long[]> classesBefore = histogram ? classes() : Map.of();
    long heapBefore = usedHeapAfterGc();
    long t1 = System.nanoTime();
    for (FlowDefinition d : defs) {
      router2.tell(new FlowRouter.Deliver(d.uid(), new FlowCommand.SpecSeen(d)));
    }
    again.await("restart of " + n + " flows", n);
    double restartSeconds = (System.nanoTime() - t1) / 1e9;
    double perFlow = (usedHeapAfterGc() - heapBefore) / (double) n;
    if (histogram) {
      System.out.println(perFlowGrowth(classesBefore, classes(), n, Integer.getInteger("bench.histogram.lines", 40))); // where the heap of the idle flows goes
    }
    String dump = System.getProperty("bench.heapDump");
    if (!quiet && dump != null) { // for a heap analyser: what the live flows hold, object by object
      Path file = Path.of(dump + "-" + n + ".hprof");
      Files.deleteIfExists(file);
      ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class)
          .dumpHeap(file.toString(), true);
    }
    stop(after);
    if (!quiet) {
      System.out.printf("%,6d flows: started in %.2f s; restart until all running again %.2f s (%.0f flows/s);"
          + " heap per idle running flow %.1f KiB; load average %s%n        recovery per entity: %s%n", n,
          startSeconds, restartSeconds, n / restartSeconds, perFlow / 1024, loadAverage(), recoveryPercentiles());
    }
    return new Result(n, startSeconds, restartSeconds, perFlow);
  }

  /** Counts flows whose running step called create-if-absent: created at the first start, adopted after. */
  static final class Adoptions {
    final Set<String> flows = ConcurrentHashMap.newKeySet();
    final AtomicInteger calls = new AtomicInteger();

    void called(String flowUid) {
      calls.incrementAndGet();
      flows.add(flowUid);
    }

    void await(String what, int count) throws InterruptedException {
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
      while (flows.size() < count) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(what + ": only " + flows.size() + " of " + count + " flows running");
        }
        Thread.sleep(5); // polling a counter: the figure's resolution is 5 ms
      }
    }
  }

  static ActorSystem<Void> start(Path dir, InMemoryJobRuntime cluster) {
    Config base = ConfigFactory.parseString("akka.loglevel = WARNING").withFallback(ConfigFactory.load());
    ClusterSettings clusterSettings = ClusterSettings.clusterOfOne();
    Config config = clusterSettings.akkaConfig()
        .withFallback(journal.apply(base).prepare()).withFallback(base);
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), ClusterSettings.SYSTEM_NAME, config);
    ClusterNode.join(system, clusterSettings);
    return system;
  }

  /** Each entity's recovery time (its start to RecoveryCompleted: waiting for a recovery permit, reading the journal). */
  static final List<Long> RECOVERIES = java.util.Collections.synchronizedList(new java.util.ArrayList<>());

  static final EngineHealth RECOVERY_TIMES = new EngineHealth() {
    @Override
    public void recovered(String uid, java.time.Duration took) {
      RECOVERIES.add(took.toNanos());
    }
  };

  static String recoveryPercentiles() {
    long[] s;
    synchronized (RECOVERIES) {
      s = RECOVERIES.stream().mapToLong(Long::longValue).sorted().toArray();
      RECOVERIES.clear();
    }
    if (s.length == 0) {
      return "none";
    }
    return String.format("p50 %.0f ms, p99 %.0f ms, max %.0f ms", s[s.length / 2] / 1e6,
        s[Math.max(0, (int) Math.ceil(s.length * 0.99) - 1)] / 1e6, s[s.length - 1] / 1e6);
  }

  static ActorRef<FlowRouter.Command> router(ActorSystem<Void> system, InMemoryJobRuntime cluster) {
    FlowListener quiet = new FlowListener() {
      @Override
      public void statusChanged(FlowStatusUpdate update) {}

      @Override
      public void eventRecorded(FlowId flow, FlowEvent event) {}
    };
    EngineSettings settings = EngineSettings.from(system.settings().config());
    FlowEntity.Dependencies deps = new FlowEntity.Dependencies(settings, cluster, quiet, RECOVERY_TIMES,
        Clock.systemUTC());
    return system.systemActorOf(FlowRouter.create(deps), "flows", Props.empty());
  }

  static void stop(ActorSystem<Void> system) throws Exception {
    system.terminate();
    system.getWhenTerminated().toCompletableFuture().get(2, TimeUnit.MINUTES);
  }

  static long usedHeapAfterGc() throws InterruptedException {
    var memory = ManagementFactory.getMemoryMXBean();
    long used = Long.MAX_VALUE;
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(100);
      used = Math.min(used, memory.getHeapMemoryUsage().getUsed());
    }
    return used;
  }

  /** The live heap's class histogram (jcmd GC.class_histogram, in-process): class name to {instances, bytes}. */
  static Map<String, long[]> classes() throws Exception {
    String all = (String) ManagementFactory.getPlatformMBeanServer().invoke(
        new javax.management.ObjectName("com.sun.management:type=DiagnosticCommand"), "gcClassHistogram",
        new Object[] {new String[0]}, new String[] {String[].class.getName()});
    Map<String, long[]> classes = new HashMap<>();
    for (String line : all.split("\n")) {
      String[] f = line.trim().split("\\s+");
      if (f.length >= 4 && f[0].endsWith(":")) {
        // Lambda classes carry a per-run suffix: counted under their host, as one kind of object.
        String name = f[3].replaceAll("\\$\\$Lambda\\$.*", "\\$\\$Lambda");
        classes.merge(name, new long[] {Long.parseLong(f[1]), Long.parseLong(f[2])},
            (a, b) -> new long[] {a[0] + b[0], a[1] + b[1]});
      }
    }
    return classes;
  }

  /** The classes that grew most from {@code before} to {@code after}, per flow: instances and bytes. */
  static String perFlowGrowth(Map<String, long[]> before, Map<String, long[]> after, int flows, int lines) {
    StringBuilder out = new StringBuilder(String.format("%12s %12s  class (growth per flow, %,d flows)%n",
        "instances", "bytes", flows));
    after.entrySet().stream()
        .map(e -> Map.entry(e.getKey(), new long[] {
            e.getValue()[0] - before.getOrDefault(e.getKey(), new long[2])[0],
            e.getValue()[1] - before.getOrDefault(e.getKey(), new long[2])[1]}))
        .sorted((a, b) -> Long.compare(b.getValue()[1], a.getValue()[1]))
        .limit(lines)
        .forEach(e -> out.append(String.format("%12.2f %12.1f  %s%n", e.getValue()[0] / (double) flows,
            e.getValue()[1] / (double) flows, e.getKey())));
    return out.toString();
  }

  static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
    } catch (java.io.IOException e) {
      return String.format("%.2f", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }
  }
}
