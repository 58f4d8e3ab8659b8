package dev.jobflow.bench;

import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.javadsl.AskPattern;
import akka.actor.typed.javadsl.Behaviors;
import akka.persistence.testkit.PersistenceTestKitSnapshotPlugin;
import akka.serialization.SerializationExtension;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.jobflow.api.FanOutLimits;
import dev.jobflow.flow.EngineHealth;
import dev.jobflow.flow.EngineSettings;
import dev.jobflow.flow.FanOutDefinition;
import dev.jobflow.flow.FlowCommand;
import dev.jobflow.flow.FlowDefinition;
import dev.jobflow.flow.FlowEntity;
import dev.jobflow.flow.FlowEvent;
import dev.jobflow.flow.FlowId;
import dev.jobflow.flow.FlowListener;
import dev.jobflow.flow.FlowStatusUpdate;
import dev.jobflow.flow.StepDefinition;
import dev.jobflow.journal.JournalSettings;
import dev.jobflow.status.FlowStatusProjection;
import dev.jobflow.step.InMemoryJobRuntime;
import dev.jobflow.step.JobState;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One flow with one fan-out step of N instances ({@code withSequence}, step parallelism 500), Jobs succeeding the
 * moment they are created (in-memory runtime), run by a real flow entity: wall time, step transitions/s, heap after
 * GC when half the instances have succeeded (measured while the flow runs on), the size of the flow's state (its snapshot, CBOR), journal events and
 * bytes, the JobFlow status object's size, and the time a new entity takes to recover the finished flow. Printed for
 * a baseline of 1,000 instances and for N, and for a flow of N/10 plain steps (no dependencies, flow parallelism
 * 500), all in the same run. Journal: {@code memory} (every event serialized to CBOR, as a database journal does,
 * kept in memory: {@link InMemoryJournal}) or {@code h2} (the controller's H2 file journal, akka-persistence-jdbc,
 * snapshots included).
 *
 * <p>{@code bin/bench FanOutBenchmark [instances=100000] [journal=memory|h2]}
 */
public final class FanOutBenchmark {
  static final String TEMPLATE =
      "{\"template\":{\"spec\":{\"restartPolicy\":\"Never\",\"containers\":[{\"name\":\"main\",\"image\":\"busybox\","
          + "\"args\":[\"--shard={{item}}\"]}]}}}";

  public static void main(String[] args) throws Exception {
    int instances = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
    String journal = args.length > 1 ? args[1] : "memory";
    System.out.printf("FanOutBenchmark: journal %s, in-memory Jobs that succeed at once; %d cores, java %s, -Xmx %d MiB,"
            + " load average %s%n", journal, Runtime.getRuntime().availableProcessors(),
        System.getProperty("java.version"), Runtime.getRuntime().maxMemory() >> 20, load());
    run("warm-up", fanOut("warm", 2_000), journal, true);
    run("baseline: 1 fan-out step x 1,000 instances", fanOut("base", 1_000), journal, false);
    run(String.format("1 fan-out step x %,d instances", instances), fanOut("big", instances), journal, false);
    run(String.format("plain: %,d independent steps, flow parallelism 500", instances / 10),
        plain("plain", instances / 10), journal, false);
    System.out.printf("load average at the end: %s%n", load());
    System.exit(0);
  }

  static FlowDefinition fanOut(String name, int n) {
    StepDefinition shard = new StepDefinition("shard", List.of(), 0, null, null, null, null, TEMPLATE, null, null,
        null, new FanOutDefinition(null, null, (long) n, null, null, null, null, n, 500));
    StepDefinition merge = new StepDefinition("merge", List.of("shard"), 0, null, null, null, null,
        TEMPLATE.replace("--shard={{item}}", "merge"));
    return new FlowDefinition("bench", name, "uid-" + name, 1, null, null, null, false, null, Map.of(),
        List.of(shard, merge), List.of()).withLimits(new FanOutLimits(Math.max(n, FanOutLimits.DEFAULT_MAX_ITEMS_CAP)));
  }

  static FlowDefinition plain(String name, int n) {
    List<StepDefinition> steps = new ArrayList<>(n);
    String template = TEMPLATE.replace("--shard={{item}}", "work");
    for (int i = 0; i < n; i++) {
      steps.add(new StepDefinition("s" + i, List.of(), 0, null, null, null, null, template));
    }
    return new FlowDefinition("bench", name, "uid-" + name, 1, 500, null, null, false, null, Map.of(), steps,
        List.of());
  }

  static Config config(String journal, Path dir) {
    Config base = ConfigFactory.parseString("akka.loglevel = WARNING").withFallback(ConfigFactory.load());
    if (journal.equals("h2")) {
      JournalSettings settings = JournalSettings.fromConfig(base).withDataDir(dir);
      return settings.prepare().withFallback(base);
    }
    return InMemoryJournal.config().withFallback(PersistenceTestKitSnapshotPlugin.config()).withFallback(base);
  }

  static void run(String name, FlowDefinition def, String journal, boolean quiet) throws Exception {
    Path dir = Files.createTempDirectory("fanout-bench");
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "bench", config(journal, dir));
    try {
      int expected = def.expectedSteps();
      CountDownLatch done = new CountDownLatch(1);
      CountDownLatch half = new CountDownLatch(1);
      AtomicLong transitions = new AtomicLong();
      AtomicLong events = new AtomicLong();
      AtomicLong succeeded = new AtomicLong();
      AtomicReference<FlowStatusUpdate> last = new AtomicReference<>();
      long eventsBefore = InMemoryJournal.EVENTS.get();
      long bytesBefore = InMemoryJournal.BYTES.get();
      FlowListener listener = new FlowListener() {
        @Override
        public void statusChanged(FlowStatusUpdate update) {
          last.set(update);
        }

        @Override
        public void eventRecorded(FlowId flow, FlowEvent event) {
          events.incrementAndGet();
          if (event instanceof FlowEvent.StepAttemptStarted || event instanceof FlowEvent.StepSucceeded) {
            transitions.incrementAndGet();
          }
          if (event instanceof FlowEvent.StepSucceeded && succeeded.incrementAndGet() == expected / 2) {
            half.countDown(); // measured from the main thread while the flow runs on: never block the entity
          }
          if (event instanceof FlowEvent.FlowSucceeded || event instanceof FlowEvent.FlowFailed) {
            done.countDown();
          }
        }
      };
      InMemoryJobRuntime runtime = new InMemoryJobRuntime(Clock.systemUTC()).finishWith(a -> JobState.Succeeded);
      FlowEntity.Dependencies deps = new FlowEntity.Dependencies(EngineSettings.defaults("bench")
          .withFanOut(def.limits()), runtime, listener, EngineHealth.NONE, Clock.systemUTC());
      long heapBefore = heapAfterGc();
      long start = System.nanoTime();
      ActorRef<FlowCommand> entity = system.systemActorOf(FlowEntity.create(def.uid(), deps, expected),
          "flow-" + def.uid(), akka.actor.typed.Props.empty());
      entity.tell(new FlowCommand.SpecSeen(def));
      half.await(30, TimeUnit.MINUTES);
      long heapMid = heapAfterGc();
      if (!done.await(30, TimeUnit.MINUTES)) {
        throw new IllegalStateException(name + ": the flow did not finish");
      }
      double secs = (System.nanoTime() - start) / 1e9;

      // Recovery: a new entity of the same flow replays its journal (snapshot and the events after it).
      awaitStopped(system, entity);
      long recoverStart = System.nanoTime();
      ActorRef<FlowCommand> recovered = system.systemActorOf(FlowEntity.create(def.uid(), deps, expected),
          "flow-" + def.uid() + "-recovered", akka.actor.typed.Props.empty());
      FlowStatusUpdate full = AskPattern.<FlowCommand, FlowStatusUpdate>ask(recovered, FlowCommand.GetStatus::new,
          Duration.ofMinutes(10), system.scheduler()).toCompletableFuture().get(10, TimeUnit.MINUTES);
      double recoverSecs = (System.nanoTime() - recoverStart) / 1e9;

      int stateBytes = journal.equals("h2") ? -1 : lastSnapshotBytes(system, def.uid());
      int statusBytes = Serialization.asJson(new FlowStatusProjection(500).apply(full))
          .getBytes(StandardCharsets.UTF_8).length;
      if (quiet) {
        return;
      }
      long journalEvents = journal.equals("h2") ? events.get() : InMemoryJournal.EVENTS.get() - eventsBefore;
      long journalBytes = journal.equals("h2") ? dirSize(dir) : InMemoryJournal.BYTES.get() - bytesBefore;
      System.out.printf("%s: %,d steps in %.2f s, %,.0f step transitions/s, %,.0f events/s%n", name,
          full.summary().totalSteps(), secs, transitions.get() / secs, events.get() / secs);
      System.out.printf("  heap after GC: %,d MiB before, %,d MiB at half way (+%,d MiB); state (latest snapshot, CBOR) %s;"
              + " status %,d bytes%n", heapBefore >> 20, heapMid >> 20, (heapMid - heapBefore) >> 20,
          stateBytes < 0 ? "n/a" : String.format("%,d KiB", stateBytes >> 10), statusBytes);
      System.out.printf("  journal: %,d events, %,d KiB%s; recovery of the finished flow: %.2f s (%s)%n",
          journalEvents, journalBytes >> 10, journal.equals("h2") ? " (H2 file)" : " (CBOR)", recoverSecs,
          full.summary().phase());
      testStop(system, recovered);
    } finally {
      system.terminate();
      system.getWhenTerminated().toCompletableFuture().get(60, TimeUnit.SECONDS);
    }
  }

  /** The size of the flow's latest snapshot (its whole state), serialized as the snapshot store stores it. */
  private static int lastSnapshotBytes(ActorSystem<Void> system, String uid) {
    var snapshots = akka.persistence.testkit.javadsl.SnapshotTestKit.create(system)
        .persistedInStorage(FlowEntity.persistenceId(uid).id());
    if (snapshots.isEmpty()) {
      return 0;
    }
    Object snapshot = snapshots.get(snapshots.size() - 1).second();
    return SerializationExtension.get(system).serialize(snapshot).get().length;
  }

  private static void testStop(ActorSystem<Void> system, ActorRef<FlowCommand> ref) {
    ref.tell(new FlowCommand.Stop());
  }

  private static void awaitStopped(ActorSystem<Void> system, ActorRef<FlowCommand> ref) throws Exception {
    CountDownLatch stopped = new CountDownLatch(1);
    system.systemActorOf(Behaviors.<Object>setup(ctx -> {
      ctx.watch(ref);
      return Behaviors.receive(Object.class).onSignal(akka.actor.typed.Terminated.class, t -> {
        stopped.countDown();
        return Behaviors.stopped();
      }).build();
    }), "watch-" + System.nanoTime(), akka.actor.typed.Props.empty());
    stopped.await(5, TimeUnit.MINUTES);
  }

  static long heapAfterGc() {
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  static long dirSize(Path dir) throws Exception {
    try (var files = Files.walk(dir)) {
      return files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
    }
  }

  static String load() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).trim();
    } catch (Exception e) {
      return "unknown";
    }
  }
}
