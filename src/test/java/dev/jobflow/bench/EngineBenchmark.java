package dev.jobflow.bench;

import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.Behavior;
import akka.actor.typed.BehaviorInterceptor;
import akka.actor.typed.TypedActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.persistence.testkit.PersistenceTestKitSnapshotPlugin;
import com.typesafe.config.ConfigFactory;
import dev.jobflow.flow.EngineSettings;
import dev.jobflow.flow.FlowCommand;
import dev.jobflow.flow.FlowDefinition;
import dev.jobflow.flow.FlowEntity;
import dev.jobflow.flow.FlowEvent;
import dev.jobflow.flow.FlowId;
import dev.jobflow.flow.FlowListener;
import dev.jobflow.flow.EngineHealth;
import dev.jobflow.flow.FlowStatusUpdate;
import dev.jobflow.flow.StepDefinition;
import dev.jobflow.step.AttemptSpec;
import dev.jobflow.step.InMemoryJobRuntime;
import dev.jobflow.step.JobState;
import dev.jobflow.step.StepOutcome;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Speed of the engine alone: Jobs succeed the moment they are created (in-memory runtime), events go to an
 * in-memory journal that serializes each event to CBOR once, as a database journal would ({@link InMemoryJournal}),
 * snapshots to Akka's persistence testkit snapshot store (serialized too). Prints step
 * transitions per second for 1,000 flows of 10 steps and for one flow of 10,000 steps, and the time from a
 * step's outcome reaching its entity to the create call of the step it unblocks. Each scenario runs twice in one run:
 * without conditions, and with a {@code when} on every step that has a dependency
 * ({@code params.env == 'prod' && !has(steps.DEP.outputs.skip)}: the upstream Job's results are read, the condition
 * evaluated and its verdict journaled, one event more per step).
 *
 * <p>{@code bin/bench EngineBenchmark [flows=1000] [steps=10] [bigSteps=10000] [snapshotEvery=100]}
 */
public final class EngineBenchmark {
  static final String TEMPLATE =
      "{\"template\":{\"spec\":{\"restartPolicy\":\"Never\",\"containers\":[{\"name\":\"main\",\"image\":\"busybox\"}]}}}";

  /** Outcome arrival times per "uid/step", and the unblock latencies measured at create calls. */
  static final class Latencies {
    final Map<String, Long> outcomeAt = new ConcurrentHashMap<>();
    final Map<String, Map<String, List<String>>> depsByFlow = new ConcurrentHashMap<>();
    final List<Long> samples = java.util.Collections.synchronizedList(new ArrayList<>());

    void createCalled(AttemptSpec a) {
      long now = System.nanoTime();
      List<String> deps = depsByFlow.get(a.flowUid()).get(a.step());
      if (deps == null || deps.isEmpty()) {
        return;
      }
      long last = Long.MIN_VALUE;
      for (String d : deps) {
        Long at = outcomeAt.get(a.flowUid() + "/" + d);
        if (at == null) {
          return;
        }
        last = Math.max(last, at);
      }
      samples.add(now - last);
    }

    String percentiles() {
      long[] s;
      synchronized (samples) {
        s = samples.stream().mapToLong(Long::longValue).toArray();
      }
      Arrays.sort(s);
      if (s.length == 0) {
        return "no samples";
      }
      return String.format("p50 %.3f ms, p99 %.3f ms, max %.3f ms (%d samples)",
          s[s.length / 2] / 1e6, s[(int) Math.min(s.length - 1, Math.ceil(s.length * 0.99) - 1)] / 1e6,
          s[s.length - 1] / 1e6, s.length);
    }
  }

  public static void main(String[] args) throws Exception {
    int flows = arg(args, 0, 1000);
    int steps = arg(args, 1, 10);
    int bigSteps = arg(args, 2, 10_000);
    int snapshotEvery = arg(args, 3, 100);
    System.out.printf("EngineBenchmark: in-memory runtime (Jobs succeed at once), in-memory journal with CBOR"
        + " serialization, snapshot every max(%d, steps) events; %d cores, java %s%n",
        snapshotEvery, Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"));

    run("warm-up: 200 flows x 10 steps", chains(200, 10, "warm"), snapshotEvery, true);
    run("warm-up with conditions", chains(200, 10, "warmc", true), snapshotEvery, true);
    for (boolean conditions : List.of(false, true)) {
      String with = conditions ? " [conditions on]" : " [conditions off]";
      run(flows + " flows x " + steps + " steps (chains)" + with, chains(flows, steps, "chain" + conditions, conditions),
          snapshotEvery, false);
      run("light load: 10 flows x " + steps + " steps (chains)" + with, chains(10, steps, "light" + conditions,
          conditions), snapshotEvery, false);
      int width = (int) Math.max(1, Math.round(Math.sqrt(bigSteps)));
      run("1 flow x " + bigSteps + " steps (" + (bigSteps / width) + " layers of " + width + ", 2 deps each)" + with,
          List.of(layered("big" + conditions, bigSteps, width, conditions)), snapshotEvery, false);
    }
    System.exit(0);
  }

  static void run(String name, List<FlowDefinition> defs, int snapshotEvery, boolean quiet) throws Exception {
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "bench", InMemoryJournal.config()
        .withFallback(PersistenceTestKitSnapshotPlugin.config())
        .withFallback(ConfigFactory.parseString("akka.loglevel = WARNING"))
        .withFallback(ConfigFactory.load()));
    try {
      Latencies lat = new Latencies();
      for (FlowDefinition d : defs) {
        Map<String, List<String>> deps = new HashMap<>();
        d.steps().forEach(s -> deps.put(s.name(), s.dependsOn()));
        lat.depsByFlow.put(d.uid(), deps);
      }
      InMemoryJobRuntime runtime = new InMemoryJobRuntime(Clock.systemUTC())
          .finishWith(a -> JobState.Succeeded).onCreateCall(lat::createCalled);
      CountDownLatch done = new CountDownLatch(defs.size());
      AtomicLong stepEvents = new AtomicLong();
      AtomicLong allEvents = new AtomicLong();
      FlowListener observer = new FlowListener() {
        @Override
        public void statusChanged(FlowStatusUpdate update) {}

        @Override
        public void eventRecorded(FlowId flow, FlowEvent event) {
          allEvents.incrementAndGet();
          if (event instanceof FlowEvent.StepAttemptStarted || event instanceof FlowEvent.StepSucceeded) {
            stepEvents.incrementAndGet();
          }
          if (event instanceof FlowEvent.FlowSucceeded || event instanceof FlowEvent.FlowFailed) {
            done.countDown();
          }
        }
      };
      EngineSettings settings = EngineSettings.defaults("bench").withSnapshotEvery(snapshotEvery);
      FlowEntity.Dependencies deps = new FlowEntity.Dependencies(settings, runtime, observer, EngineHealth.NONE,
          Clock.systemUTC());

      long start = System.nanoTime();
      for (FlowDefinition d : defs) {
        int size = d.steps().size() + d.finallySteps().size();
        ActorRef<FlowCommand> entity = system.systemActorOf(timed(FlowEntity.create(d.uid(), deps, size), lat),
            "flow-" + d.uid(), akka.actor.typed.Props.empty());
        entity.tell(new FlowCommand.SpecSeen(d));
      }
      if (!done.await(30, TimeUnit.MINUTES)) {
        throw new IllegalStateException(name + ": flows did not finish (" + done.getCount() + " left)");
      }
      double secs = (System.nanoTime() - start) / 1e9;
      long totalSteps = defs.stream().mapToLong(d -> d.steps().size()).sum();
      if (quiet) {
        return;
      }
      System.out.printf("%s: %d steps in %.2f s%n", name, totalSteps, secs);
      System.out.printf("  %.0f steps completed/s, %.0f step transitions/s (attempt started + succeeded), %.0f events/s%n",
          totalSteps / secs, stepEvents.get() / secs, allEvents.get() / secs);
      System.out.printf("  outcome reaches entity -> next create call: %s%n", lat.percentiles());
    } finally {
      system.terminate();
      system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  /** Records when a step's success reaches the entity (dequeued from its mailbox, before anything is stored). */
  static Behavior<FlowCommand> timed(Behavior<FlowCommand> entity, Latencies lat) {
    return Behaviors.intercept(() -> new BehaviorInterceptor<FlowCommand, FlowCommand>(FlowCommand.class) {
      @Override
      public Behavior<FlowCommand> aroundReceive(TypedActorContext<FlowCommand> ctx, FlowCommand msg,
                                                 ReceiveTarget<FlowCommand> target) {
        if (msg instanceof FlowCommand.AttemptReported r && r.outcome() instanceof StepOutcome.Succeeded s) {
          String uid = ctx.asJava().getSelf().path().name().substring("flow-".length());
          lat.outcomeAt.putIfAbsent(uid + "/" + s.step(), System.nanoTime());
        }
        return target.apply(ctx, msg);
      }
    }, entity);
  }

  static List<FlowDefinition> chains(int flows, int steps, String prefix) {
    return chains(flows, steps, prefix, false);
  }

  static List<FlowDefinition> chains(int flows, int steps, String prefix, boolean conditions) {
    List<FlowDefinition> out = new ArrayList<>();
    for (int f = 0; f < flows; f++) {
      List<StepDefinition> s = new ArrayList<>();
      for (int i = 0; i < steps; i++) {
        s.add(step("s" + i, i == 0 ? List.of() : List.of("s" + (i - 1)), conditions));
      }
      out.add(definition(prefix + "-" + f, s));
    }
    return out;
  }

  /** Layers of {@code width} steps; each step depends on two steps of the layer before. */
  static FlowDefinition layered(String name, int steps, int width) {
    return layered(name, steps, width, false);
  }

  static FlowDefinition layered(String name, int steps, int width, boolean conditions) {
    List<StepDefinition> s = new ArrayList<>();
    for (int i = 0; i < steps; i++) {
      int layer = i / width;
      int col = i % width;
      List<String> deps = layer == 0 ? List.of()
          : width == 1 ? List.of("s" + (i - 1))
          : List.of("s" + ((layer - 1) * width + col), "s" + ((layer - 1) * width + (col + 1) % width));
      s.add(step("s" + i, deps, conditions));
    }
    return definition(name, s);
  }

  static StepDefinition step(String name, List<String> deps) {
    return step(name, deps, false);
  }

  /** With {@code conditions}, a step with a dependency runs when env is prod and its first upstream did not say skip. */
  static StepDefinition step(String name, List<String> deps, boolean conditions) {
    String when = conditions && !deps.isEmpty()
        ? "params.env == 'prod' && !has(steps." + deps.get(0) + ".outputs.skip)" : null;
    return new StepDefinition(name, deps, 0, null, null, null, null, TEMPLATE, null, when, null);
  }

  static FlowDefinition definition(String name, List<StepDefinition> steps) {
    return new FlowDefinition("bench", name, "uid-" + name, 1, null, null, null, false, null, Map.of("env", "prod"),
        steps, List.of());
  }

  static int arg(String[] args, int i, int dflt) {
    return args.length > i ? Integer.parseInt(args[i]) : dflt;
  }
}
