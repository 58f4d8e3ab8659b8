package dev.jobflow.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import akka.persistence.journal.Tagged;
import akka.persistence.testkit.PersistenceTestKitPlugin;
import akka.persistence.testkit.PersistenceTestKitSnapshotPlugin;
import akka.persistence.testkit.javadsl.PersistenceTestKit;
import com.typesafe.config.ConfigFactory;
import dev.jobflow.api.ConcurrencyPolicy;
import dev.jobflow.api.FlowPhase;
import dev.jobflow.api.JobFlow;
import dev.jobflow.flow.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The schedule entity with a controllable clock and an in-memory cluster: firings across DST, Forbid, Replace,
 * history limits, missed runs after downtime, and restarts exactly at a firing (one flow per scheduled time).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ScheduleEntityTest {
  final ActorTestKit kit = ActorTestKit.create("ScheduleEntityTest", PersistenceTestKitPlugin.config()
      .withFallback(PersistenceTestKitSnapshotPlugin.config()).withFallback(ConfigFactory.load()));
  final PersistenceTestKit journal = PersistenceTestKit.create(kit.system());

  MutableClock clock;
  InMemoryScheduleRuntime runtime;
  String uid;
  Duration createRetry;

  @AfterAll
  void shutdown() {
    kit.shutdownTestKit();
  }

  @BeforeEach
  void fresh() {
    journal.clearAll();
    clock = new MutableClock(Instant.parse("2026-11-23T00:00:00Z"));
    runtime = new InMemoryScheduleRuntime();
    uid = UUID.randomUUID().toString();
    createRetry = Duration.ofHours(1);
  }

  ScheduleDefinition def(String schedule, String zone, ConcurrencyPolicy policy, Long deadline, int keepOk,
                         int keepFailed, Instant created) {
    return new ScheduleDefinition("data", "nightly", uid, 1, created, schedule, zone, policy, deadline, false, keepOk,
        keepFailed, "{\"metadata\":{\"labels\":{\"team\":\"data\"}},\"spec\":{\"templateRef\":{\"name\":\"etl\"}}}",
        null);
  }

  ActorRef<ScheduleCommand> spawn() {
    return kit.spawn(ScheduleEntity.create(uid, new ScheduleEntity.Dependencies("test-1", runtime,
        ScheduleObserver.NONE, ScheduleClock.of(clock), createRetry)));
  }

  /** Moves the clock to {@code at} and lets the entity decide (its answer to GetStatus comes after the decision). */
  void at(ActorRef<ScheduleCommand> entity, String at) {
    clock.advance(Duration.between(clock.instant(), Instant.parse(at)));
    entity.tell(new ScheduleCommand.Tick());
    status(entity);
  }

  /** The run's flow name: {@code nightly-<minutes since 1970>}. */
  static String run(String at) {
    return ScheduledFlows.name("nightly", Instant.parse(at));
  }

  List<ScheduleEvent> events() {
    List<ScheduleEvent> out = new ArrayList<>();
    for (Object o : journal.persistedInStorage(ScheduleEntity.persistenceId(uid).id())) {
      out.add((ScheduleEvent) (o instanceof Tagged t ? t.payload() : o));
    }
    return out;
  }

  List<String> types() {
    return events().stream().map(e -> e.getClass().getSimpleName()).toList();
  }

  /** The scheduled times of the flows created, oldest first. */
  List<String> scheduledTimes() {
    return runtime.flows.values().stream().map(f -> ScheduledFlows.scheduledTime(f).toString()).sorted().toList();
  }

  <T> void eventually(Supplier<T> actual, T expected) {
    TestProbe<Object> probe = kit.createTestProbe();
    probe.awaitAssert(Duration.ofSeconds(10), () -> {
      assertEquals(expected, actual.get());
      return null;
    });
  }

  ScheduleStatus status(ActorRef<ScheduleCommand> entity) {
    TestProbe<ScheduleStatus> probe = kit.createTestProbe();
    entity.tell(new ScheduleCommand.GetStatus(probe.ref()));
    return probe.receiveMessage();
  }

  void finished(ActorRef<ScheduleCommand> entity, String name, FlowPhase phase) {
    JobFlow f = runtime.flows.get(name);
    entity.tell(new ScheduleCommand.FlowSeen(name, f.getMetadata().getUid(), ScheduledFlows.scheduledTime(f), phase,
        clock.instant()));
  }

  @Test
  void firesOnceAtEachWallClockTimeAcrossBothDstChangesInBerlin() {
    ActorRef<ScheduleCommand> e = spawn();
    clock.advance(Duration.between(clock.instant(), Instant.parse("2026-03-27T12:00:00Z")));
    e.tell(new ScheduleCommand.SpecSeen(def("30 2 * * *", "Europe/Berlin", ConcurrencyPolicy.Allow, null, 10, 10,
        clock.instant())));
    eventually(() -> status(e).nextScheduleTime(), Instant.parse("2026-03-28T01:30:00Z"));
    at(e, "2026-03-28T01:30:00Z");
    eventually(this::scheduledTimes, List.of("2026-03-28T01:30:00Z"));
    // 02:30 does not exist on 29 March (02:00 CET -> 03:00 CEST): it runs at 03:30 CEST, once.
    eventually(() -> status(e).nextScheduleTime(), Instant.parse("2026-03-29T01:30:00Z"));
    at(e, "2026-03-29T01:30:00Z");
    at(e, "2026-03-29T02:30:00Z");
    eventually(this::scheduledTimes, List.of("2026-03-28T01:30:00Z", "2026-03-29T01:30:00Z"));
    eventually(() -> status(e).nextScheduleTime(), Instant.parse("2026-03-30T00:30:00Z"));
    // 02:30 happens twice on 25 October (03:00 CEST -> 02:00 CET): it runs at the first, only.
    at(e, "2026-10-25T00:30:00Z");
    at(e, "2026-10-25T01:30:00Z");
    at(e, "2026-10-26T01:30:00Z");
    eventually(() -> scheduledTimes().subList(2, scheduledTimes().size()),
        List.of("2026-10-25T00:30:00Z", "2026-10-26T01:30:00Z"));
    ScheduleEvent.ScheduleFired missedSummer = (ScheduleEvent.ScheduleFired) events().stream()
        .filter(ev -> ev instanceof ScheduleEvent.ScheduleFired f && f.scheduledTime().equals(
            Instant.parse("2026-10-25T00:30:00Z"))).findFirst().orElseThrow();
    assertTrue(missedSummer.missed() > 100 || missedSummer.missed() == 100, "the summer's runs were missed: "
        + missedSummer.missed());
    assertEquals(runtime.flows.size(), runtime.createCalls.size(), "one create per firing");
  }

  @Test
  void forbidSkipsARunWhileOneIsActiveAndRunsAgainOnceItFinished() {
    ActorRef<ScheduleCommand> e = spawn();
    e.tell(new ScheduleCommand.SpecSeen(def("*/5 * * * *", null, ConcurrencyPolicy.Forbid, null, 3, 1,
        clock.instant())));
    at(e, "2026-11-23T00:05:00Z");
    eventually(runtime::names, List.of(run("2026-11-23T00:05:00Z")));
    eventually(() -> status(e).active().size(), 1);
    at(e, "2026-11-23T00:10:00Z");
    eventually(() -> types().contains("FiringSkipped"), true);
    assertEquals(List.of(run("2026-11-23T00:05:00Z")), runtime.names(), "no second run while the first is active");
    finished(e, run("2026-11-23T00:05:00Z"), FlowPhase.Succeeded);
    eventually(() -> status(e).active().size(), 0);
    at(e, "2026-11-23T00:15:00Z");
    eventually(runtime::names, List.of(run("2026-11-23T00:05:00Z"), run("2026-11-23T00:15:00Z")));
    ScheduleEvent.FiringSkipped skipped = (ScheduleEvent.FiringSkipped) events().stream()
        .filter(ev -> ev instanceof ScheduleEvent.FiringSkipped).findFirst().orElseThrow();
    assertEquals(Instant.parse("2026-11-23T00:10:00Z"), skipped.scheduledTime());
    assertEquals(FiringRules.CONCURRENCY_FORBIDDEN, skipped.reason());
  }

  @Test
  void replaceCancelsTheActiveRunAndStartsTheNewOne() {
    ActorRef<ScheduleCommand> e = spawn();
    e.tell(new ScheduleCommand.SpecSeen(def("*/5 * * * *", null, ConcurrencyPolicy.Replace, null, 3, 1,
        clock.instant())));
    at(e, "2026-11-23T00:05:00Z");
    eventually(runtime::names, List.of(run("2026-11-23T00:05:00Z")));
    eventually(() -> status(e).active().get(0).uid() != null, true);
    at(e, "2026-11-23T00:10:00Z");
    eventually(runtime::names, List.of(run("2026-11-23T00:05:00Z"), run("2026-11-23T00:10:00Z")));
    eventually(() -> runtime.terminated, List.of(run("2026-11-23T00:05:00Z")));
    ScheduleEvent.ScheduleFired second = (ScheduleEvent.ScheduleFired) events().stream()
        .filter(ev -> ev instanceof ScheduleEvent.ScheduleFired f && f.flowName().equals(run("2026-11-23T00:10:00Z")))
        .findFirst().orElseThrow();
    assertEquals(List.of(run("2026-11-23T00:05:00Z")), second.replacing());
    // The cancelled run ends Cancelled and counts as finished; a restart does not cancel it again.
    finished(e, run("2026-11-23T00:05:00Z"), FlowPhase.Cancelled);
    eventually(() -> status(e).active().stream().map(ScheduleStatus.ActiveRun::name).toList(),
        List.of(run("2026-11-23T00:10:00Z")));
  }

  @Test
  void historyLimitsDeleteTheOldestFinishedRunsAndTheJournalKeepsThem() {
    ActorRef<ScheduleCommand> e = spawn();
    e.tell(new ScheduleCommand.SpecSeen(def("0 * * * *", null, ConcurrencyPolicy.Allow, null, 2, 1,
        clock.instant())));
    List<String> names = new ArrayList<>();
    for (int h = 1; h <= 5; h++) {
      at(e, "2026-11-23T0" + h + ":00:00Z");
      int expected = h;
      eventually(() -> runtime.createCalls.size(), expected);
      names.add(ScheduledFlows.name("nightly", Instant.parse("2026-11-23T0" + h + ":00:00Z")));
    }
    eventually(() -> status(e).active().size(), 5);
    finished(e, names.get(0), FlowPhase.Succeeded);
    finished(e, names.get(1), FlowPhase.Failed);
    finished(e, names.get(2), FlowPhase.Succeeded);
    finished(e, names.get(3), FlowPhase.Failed);
    finished(e, names.get(4), FlowPhase.Succeeded);
    // Keep 2 succeeded (3rd, 5th) and 1 failed (4th): the 1st and 2nd go.
    eventually(() -> runtime.deleted.stream().sorted().toList(), List.of(names.get(0), names.get(1)));
    assertEquals(List.of(names.get(2), names.get(3), names.get(4)), runtime.names());
    assertEquals(5, events().stream().filter(ev -> ev instanceof ScheduleEvent.ScheduledFlowFinished).count(),
        "the journal keeps every run");
    assertEquals(clock.instant(), status(e).lastSuccessfulTime());
  }

  @Test
  void afterDowntimeAtMostOneMissedRunStartsAndOnlyWithinTheStartingDeadline() {
    ActorRef<ScheduleCommand> e = spawn();
    ScheduleDefinition noDeadline = def("0 * * * *", null, ConcurrencyPolicy.Allow, null, 3, 1, clock.instant());
    e.tell(new ScheduleCommand.SpecSeen(noDeadline));
    at(e, "2026-11-23T01:00:00Z");
    eventually(() -> runtime.createCalls.size(), 1);
    kit.stop(e);
    // Down for five hours and a bit: 02:00..06:00 were not run. One run starts, the latest.
    clock.advance(Duration.ofHours(5).plusMinutes(10));
    ActorRef<ScheduleCommand> back = spawn();
    back.tell(new ScheduleCommand.SpecSeen(noDeadline));
    eventually(this::scheduledTimes, List.of("2026-11-23T01:00:00Z", "2026-11-23T06:00:00Z"));
    ScheduleEvent.ScheduleFired late = (ScheduleEvent.ScheduleFired) events().stream()
        .filter(ev -> ev instanceof ScheduleEvent.ScheduleFired f
            && f.scheduledTime().equals(Instant.parse("2026-11-23T06:00:00Z"))).findFirst().orElseThrow();
    assertEquals(4, late.missed(), "02:00..05:00 missed");

    // The same downtime with a 5-minute starting deadline: 06:00 is 10 minutes late, so nothing starts.
    kit.stop(back);
    clock.advance(Duration.ofHours(5));
    ActorRef<ScheduleCommand> strict = spawn();
    strict.tell(new ScheduleCommand.SpecSeen(def("0 * * * *", null, ConcurrencyPolicy.Allow, 300L, 3, 1,
        noDeadline.createdAt())));
    eventually(() -> types().contains("FiringsMissed"), true);
    assertEquals(2, runtime.flows.size(), "no run past its starting deadline");
    ScheduleEvent.FiringsMissed missed = (ScheduleEvent.FiringsMissed) events().stream()
        .filter(ev -> ev instanceof ScheduleEvent.FiringsMissed).findFirst().orElseThrow();
    assertEquals(Instant.parse("2026-11-23T11:00:00Z"), missed.latest());
    assertEquals(5, missed.count());
    eventually(() -> status(strict).nextScheduleTime(), Instant.parse("2026-11-23T12:00:00Z"));
  }

  @Test
  void aRestartExactlyAtAFiringCreatesItsFlowOnceAndNeverFiresTwice() {
    ScheduleDefinition d = def("*/5 * * * *", null, ConcurrencyPolicy.Allow, null, 3, 1, clock.instant());
    // Crash after ScheduleFired was stored and the flow created, before the answer came back.
    runtime.swallowAnswers = true;
    ActorRef<ScheduleCommand> e = spawn();
    e.tell(new ScheduleCommand.SpecSeen(d));
    at(e, "2026-11-23T00:05:00Z");
    eventually(() -> runtime.createCalls.size(), 1);
    kit.stop(e);
    runtime.swallowAnswers = false;
    ActorRef<ScheduleCommand> again = spawn();
    again.tell(new ScheduleCommand.SpecSeen(d));
    again.tell(new ScheduleCommand.Tick());
    eventually(() -> types().contains("ScheduledFlowCreated"), true);
    assertEquals(1, runtime.flows.size(), "one flow for the firing");
    assertEquals(1, types().stream().filter("ScheduleFired"::equals).count(), "fired once");
    ScheduleEvent.ScheduledFlowCreated created = (ScheduleEvent.ScheduledFlowCreated) events().stream()
        .filter(ev -> ev instanceof ScheduleEvent.ScheduledFlowCreated).findFirst().orElseThrow();
    assertTrue(created.adopted(), "the flow made before the crash was adopted");

    // Crash after ScheduleFired was stored, before any create went through.
    runtime.failNextCreates.set(1);
    at(again, "2026-11-23T00:10:00Z");
    eventually(() -> runtime.createCalls.size(), 3);
    kit.stop(again);
    ActorRef<ScheduleCommand> third = spawn();
    third.tell(new ScheduleCommand.SpecSeen(d));
    eventually(runtime::names, List.of(run("2026-11-23T00:05:00Z"), run("2026-11-23T00:10:00Z")));
    eventually(() -> types().stream().filter("ScheduledFlowCreated"::equals).count(), 2L);
    assertEquals(2, types().stream().filter("ScheduleFired"::equals).count());
  }

  @Test
  void aTransientCreateFailureIsRetriedUntilTheFlowExists() {
    createRetry = Duration.ofMillis(50);
    runtime.failNextCreates.set(2);
    ActorRef<ScheduleCommand> e = spawn();
    e.tell(new ScheduleCommand.SpecSeen(def("*/5 * * * *", null, ConcurrencyPolicy.Allow, null, 3, 1,
        clock.instant())));
    at(e, "2026-11-23T00:05:00Z");
    eventually(runtime::names, List.of(run("2026-11-23T00:05:00Z")));
    eventually(() -> runtime.createCalls.size(), 3);
    JobFlow flow = runtime.flows.get(run("2026-11-23T00:05:00Z"));
    assertEquals("data", flow.getMetadata().getLabels().get("team"));
    assertEquals("nightly", flow.getMetadata().getLabels().get(ScheduledFlows.SCHEDULE_LABEL));
    assertEquals(uid, flow.getMetadata().getOwnerReferences().get(0).getUid());
    assertEquals("etl", flow.getSpec().getTemplateRef().getName());
  }

  @Test
  void aDeletedScheduleJournalsItAndStops() {
    ActorRef<ScheduleCommand> e = spawn();
    e.tell(new ScheduleCommand.SpecSeen(def("@hourly", null, ConcurrencyPolicy.Allow, null, 3, 1, clock.instant())));
    e.tell(new ScheduleCommand.Deleted());
    TestProbe<Object> probe = kit.createTestProbe();
    probe.expectTerminated(e, Duration.ofSeconds(5));
    assertEquals(List.of("ScheduleDeleted"), types());
  }
}
