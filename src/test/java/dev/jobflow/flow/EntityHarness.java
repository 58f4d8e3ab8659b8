package dev.jobflow.flow;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import akka.actor.typed.Terminated;
import akka.actor.typed.javadsl.Behaviors;
import akka.persistence.journal.Tagged;
import akka.persistence.testkit.PersistenceTestKitPlugin;
import akka.persistence.testkit.PersistenceTestKitSnapshotPlugin;
import akka.persistence.testkit.javadsl.PersistenceTestKit;
import akka.persistence.testkit.javadsl.SnapshotTestKit;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.jobflow.cluster.ClusterNode;
import dev.jobflow.cluster.ClusterSettings;
import dev.jobflow.step.InMemoryJobRuntime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInstance;

/** An actor system with Akka's in-memory journal and snapshot store, and helpers to drive entities. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class EntityHarness {
  static final Config CONFIG = PersistenceTestKitPlugin.config()
      .withFallback(PersistenceTestKitSnapshotPlugin.config())
      .withFallback(ConfigFactory.parseString("akka.loglevel = INFO"))
      .withFallback(ClusterSettings.clusterOfOne().akkaConfig())
      .withFallback(ConfigFactory.load());
  // One actor system per test class (PER_CLASS lifecycle), shut down after it; a cluster of one, as the controller.
  final ActorTestKit testKit = ActorTestKit.create(getClass().getSimpleName(), config());
  {
    ClusterNode.join(testKit.system(), ClusterSettings.clusterOfOne());
  }
  final PersistenceTestKit journal = PersistenceTestKit.create(testKit.system());
  final SnapshotTestKit snapshots = SnapshotTestKit.create(testKit.system());
  static final String WRITER = "controller-test-1";

  /** The actor system's settings; a test class may change them. */
  Config config() {
    return CONFIG;
  }

  MutableClock clock;
  InMemoryJobRuntime runtime;
  RecordingObserver observer;
  EngineSettings settings;

  @AfterAll
  void shutdown() {
    testKit.shutdownTestKit();
  }

  @BeforeEach
  void freshWorld() {
    clock = new MutableClock(Instant.parse("2026-11-23T08:00:00Z"));
    runtime = new InMemoryJobRuntime(clock);
    observer = new RecordingObserver();
    settings = EngineSettings.defaults(WRITER);
  }

  FlowEntity.Dependencies deps() {
    return new FlowEntity.Dependencies(settings, runtime, observer, observer, clock);
  }

  ActorRef<FlowCommand> spawn(String uid) {
    return testKit.spawn(FlowEntity.create(uid, deps()));
  }

  /**
   * Spawns the entity with the commands {@code first} already in its mailbox, as the shard delivers the message that starts it. A
   * finished flow recovered without a command stops on its own, so a command told after {@code spawn} returned may
   * find it gone on a loaded machine.
   */
  ActorRef<FlowCommand> spawn(String uid, FlowCommand... first) {
    return testKit.spawn(Behaviors.setup(ctx -> {
      for (FlowCommand command : first) {
        ctx.getSelf().tell(command);
      }
      return FlowEntity.create(uid, deps());
    }));
  }

  static String pid(String uid) {
    return FlowEntity.persistenceId(uid).id();
  }

  /** The flow's stored events, without their tags. */
  List<FlowEvent> events(String uid) {
    List<FlowEvent> out = new ArrayList<>();
    for (Object o : journal.persistedInStorage(pid(uid))) {
      out.add((FlowEvent) (o instanceof Tagged t ? t.payload() : o));
    }
    return out;
  }

  static List<String> types(List<FlowEvent> events) {
    return events.stream().map(e -> e.getClass().getSimpleName()).toList();
  }

  /** "Type step#attempt" per event, for comparing decisions. */
  static List<String> decisions(List<FlowEvent> events) {
    return events.stream().map(EntityHarness::describe).toList();
  }

  static String describe(FlowEvent e) {
    String attempt = "";
    if (e instanceof FlowEvent.StepAttemptStarted s) {
      attempt = "#" + s.attempt();
    } else if (e instanceof FlowEvent.StepSucceeded s) {
      attempt = "#" + s.attempt();
    } else if (e instanceof FlowEvent.StepJobCreated s) {
      attempt = "#" + s.attempt();
    } else if (e instanceof FlowEvent.StepFailed s) {
      attempt = "#" + s.attempt();
    } else if (e instanceof FlowEvent.StepRetryScheduled s) {
      attempt = "#" + s.attempt();
    }
    return e.getClass().getSimpleName() + (e.step() == null ? "" : " " + e.step() + attempt);
  }

  <T extends FlowEvent> T last(String uid, Class<T> type) {
    List<FlowEvent> all = events(uid);
    for (int i = all.size() - 1; i >= 0; i--) {
      if (type.isInstance(all.get(i))) {
        return type.cast(all.get(i));
      }
    }
    throw new AssertionError("no " + type.getSimpleName() + " in " + types(all));
  }

  static void await(String what, BooleanSupplier condition) {
    Awaitility.await(what).atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(5))
        .until(condition::getAsBoolean);
  }

  void awaitEvent(String uid, Class<? extends FlowEvent> type) {
    try {
      await(type.getSimpleName() + " in " + uid, () -> events(uid).stream().anyMatch(type::isInstance));
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      throw new AssertionError(e.getMessage() + "; the flow's events: " + decisions(events(uid)), e);
    }
  }

  void awaitEvents(String uid, int n) {
    await(n + " events in " + uid, () -> events(uid).size() >= n);
  }

  /** The flow's state as its stored events tell it. */
  FlowState replayed(String uid) {
    FlowState state = FlowState.empty();
    events(uid).forEach(state::apply);
    return state;
  }

  /**
   * The flow's events once the entity has handled every command sent to it before: a status request is answered
   * after them, and after any event they stored (commands wait while a write is in flight). A finished flow's
   * entity may stop (passivate) before the request reaches it: its termination is then the acknowledgement.
   */
  List<FlowEvent> eventsAfterCommandsHandled(ActorRef<FlowCommand> entity, String uid) {
    TestProbe<Object> handled = testKit.createTestProbe();
    testKit.spawn(Behaviors.setup(ctx -> {
      ctx.watch(entity);
      return Behaviors.receive(Object.class)
          .onSignal(Terminated.class, stopped -> {
            handled.getRef().tell(stopped);
            return Behaviors.stopped();
          })
          .build();
    }));
    entity.tell(new FlowCommand.GetStatus(handled.getRef().narrow()));
    handled.receiveMessage(Duration.ofSeconds(10));
    return events(uid);
  }
}
