package dev.jobflow.flow;

import static dev.jobflow.flow.Flows.flow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import akka.persistence.query.Offset;
import akka.persistence.query.PersistenceQuery;
import akka.persistence.testkit.query.javadsl.PersistenceTestKitReadJournal;
import akka.stream.javadsl.Sink;
import dev.jobflow.api.FlowPhase;
import dev.jobflow.api.ShutdownPolicy;
import dev.jobflow.api.StepPhase;
import dev.jobflow.dag.Reasons;
import dev.jobflow.flow.FlowCommand.Deleted;
import dev.jobflow.flow.FlowCommand.GetStatus;
import dev.jobflow.flow.FlowCommand.SpecSeen;
import dev.jobflow.flow.FlowCommand.Wake;
import dev.jobflow.flow.FlowEvent.FlowAccepted;
import dev.jobflow.flow.FlowEvent.FlowCancelled;
import dev.jobflow.flow.FlowEvent.FlowDeleted;
import dev.jobflow.flow.FlowEvent.FlowFailed;
import dev.jobflow.flow.FlowEvent.FlowGenerationObserved;
import dev.jobflow.flow.FlowEvent.FlowSucceeded;
import dev.jobflow.flow.FlowEvent.FlowTimedOut;
import dev.jobflow.flow.FlowEvent.StepAttemptStarted;
import dev.jobflow.flow.FlowEvent.StepCancelled;
import dev.jobflow.flow.FlowEvent.StepFailed;
import dev.jobflow.flow.FlowEvent.StepRetryScheduled;
import dev.jobflow.flow.FlowEvent.StepSkipped;
import dev.jobflow.step.JobState;
import dev.jobflow.step.StepOutcome;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every command, event and state path of a flow entity, driven through a real actor and journal. */
class FlowEntityTest extends EntityHarness {

  @Test
  void runsAFlowInOrderThenPassivates() {
    runtime.finishWith(a -> JobState.Succeeded);
    ActorRef<FlowCommand> entity = spawn("u-run");
    TestProbe<Object> probe = testKit.createTestProbe();
    entity.tell(new SpecSeen(flow("etl", "u-run").step("a").step("b", "a").finallyStep("f").build()));
    probe.expectTerminated(entity, Duration.ofSeconds(10));

    assertEquals(List.of("FlowAccepted", "StepAttemptStarted a#1", "StepJobCreated a#1", "StepSucceeded a#1",
        "StepAttemptStarted b#1", "StepJobCreated b#1", "StepSucceeded b#1",
        "StepAttemptStarted f#1", "StepJobCreated f#1", "StepSucceeded f#1", "FlowSucceeded"), decisions(events("u-run")));
    StepAttemptStarted started = (StepAttemptStarted) events("u-run").get(1);
    assertEquals("etl-a-1", started.job());
    assertEquals(WRITER, started.meta().writer());
    assertEquals(clock.instant(), started.meta().at());
    // The audit hash chain: each event links to the hash of the one before it (dev.jobflow.flow.HashChain).
    assertEquals(dev.jobflow.flow.HashChain.hash(events("u-run").get(0)), started.meta().previousHash());
    assertEquals(1, runtime.creations("etl-a-1"));
    assertEquals(decisions(events("u-run")), decisions(observer.events), "observer hears every event, in order");
    assertEquals(FlowPhase.Succeeded, observer.last().summary().phase());
    assertEquals("3/3", observer.last().summary().progress());
    assertEquals(List.of(new FlowId("data", "etl", "u-run")), observer.passivated);
  }

  @Test
  void eventsAreTaggedForQueriesByTag() {
    runtime.finishWith(a -> JobState.Succeeded);
    ActorRef<FlowCommand> entity = spawn("u-tags");
    entity.tell(new SpecSeen(flow("tags", "u-tags").step("a").build()));
    awaitEvent("u-tags", FlowSucceeded.class);
    var reads = PersistenceQuery.get(testKit.system())
        .getReadJournalFor(PersistenceTestKitReadJournal.class, PersistenceTestKitReadJournal.Identifier());
    List<String> tags = settings.shardTag("u-tags") == null ? List.of("jobflow")
        : List.of("jobflow", settings.shardTag("u-tags"));
    for (String tag : tags) {
      List<Object> tagged = reads.currentEventsByTag(tag, Offset.noOffset())
          .filter(env -> env.persistenceId().equals(pid("u-tags")))
          .map(env -> env.event())
          .runWith(Sink.seq(), testKit.system())
          .toCompletableFuture().join();
      assertEquals(events("u-tags"), tagged, "events tagged " + tag);
    }
  }

  @Test
  void aFailedAttemptIsRetriedAtItsTimeThenTheFlowSucceeds() {
    ActorRef<FlowCommand> entity = spawn("u-retry");
    entity.tell(new SpecSeen(flow("retry", "u-retry").retried("a", 1, Duration.ofSeconds(30)).build()));
    await("Job a-1", () -> runtime.job("retry-a-1") != null);
    runtime.set("data", "retry-a-1", JobState.Failed, "BackoffLimitExceeded", "pod failed");
    awaitEvent("u-retry", StepRetryScheduled.class);
    StepRetryScheduled retry = last("u-retry", StepRetryScheduled.class);
    assertEquals(clock.instant().plusSeconds(30), retry.nextAttemptAt());
    assertEquals("BackoffLimitExceeded", retry.reason());
    assertEquals(2, retry.nextAttempt());

    entity.tell(new Wake());  // early: nothing is due yet
    clock.advance(Duration.ofSeconds(30));
    entity.tell(new Wake());
    await("Job a-2", () -> runtime.job("retry-a-2") != null);
    runtime.set("data", "retry-a-2", JobState.Succeeded, null, null);
    awaitEvent("u-retry", FlowSucceeded.class);
    assertEquals(1, events("u-retry").stream().filter(e -> e instanceof StepAttemptStarted s && s.attempt() == 2).count());
  }

  @Test
  void aJobTheApiServerRefusesFailsTheAttemptJobRejectedThenTheRetryPolicyApplies() {
    ActorRef<FlowCommand> entity = spawn("u-rejected");
    runtime.rejectNextCreates(dev.jobflow.step.StepActor.Settings.DEFAULT_REJECTION_TRIES);
    entity.tell(new SpecSeen(flow("rejected", "u-rejected").retried("a", 1, Duration.ofSeconds(30)).build()));
    awaitEvent("u-rejected", StepRetryScheduled.class);
    StepRetryScheduled retry = last("u-rejected", StepRetryScheduled.class);
    assertEquals(Reasons.JOB_REJECTED, retry.reason());
    assertTrue(retry.message().contains("(422)"), retry.message());
    assertNull(runtime.job("rejected-a-1"), "no Job for the refused attempt");
    clock.advance(Duration.ofSeconds(30));
    entity.tell(new Wake());
    await("Job a-2", () -> runtime.job("rejected-a-2") != null);
    runtime.set("data", "rejected-a-2", JobState.Succeeded, null, null);
    awaitEvent("u-rejected", FlowSucceeded.class);
  }

  @Test
  void theWakeTimerFiresByItself() {
    clock = null;
    FlowEntity.Dependencies deps = new FlowEntity.Dependencies(settings, runtime, observer, observer,
        java.time.Clock.systemUTC());
    ActorRef<FlowCommand> entity = testKit.spawn(FlowEntity.create("u-timer", deps));
    entity.tell(new SpecSeen(flow("timer", "u-timer").retried("a", 1, Duration.ofMillis(200)).build()));
    await("Job a-1", () -> runtime.job("timer-a-1") != null);
    runtime.set("data", "timer-a-1", JobState.Failed, null, null);
    await("Job a-2 started by the timer", () -> runtime.job("timer-a-2") != null);
  }

  @Test
  void aStepTimeoutFailsTheAttemptAndDeletesItsJob() {
    ActorRef<FlowCommand> entity = spawn("u-steptimeout");
    entity.tell(new SpecSeen(flow("st", "u-steptimeout").timed("a", Duration.ofMinutes(1)).step("b", "a").build()));
    await("Job a-1", () -> runtime.job("st-a-1") != null);
    clock.advance(Duration.ofMinutes(1));
    entity.tell(new Wake());
    awaitEvent("u-steptimeout", FlowFailed.class);
    StepFailed failed = last("u-steptimeout", StepFailed.class);
    assertEquals(Reasons.STEP_TIMED_OUT, failed.reason());
    assertEquals("st-a-1", failed.job());
    await("Job deleted", () -> runtime.job("st-a-1") == null);
    assertEquals(Reasons.FAIL_FAST, last("u-steptimeout", StepSkipped.class).reason());
  }

  @Test
  void theFlowTimeoutTerminatesRunningAttempts() {
    ActorRef<FlowCommand> entity = spawn("u-flowtimeout");
    entity.tell(new SpecSeen(flow("ft", "u-flowtimeout").timeout(Duration.ofMinutes(5)).step("a").step("b", "a").build()));
    awaitEvent("u-flowtimeout", FlowEvent.StepJobCreated.class);
    clock.advance(Duration.ofMinutes(5));
    entity.tell(new Wake());
    awaitEvent("u-flowtimeout", FlowFailed.class);
    assertEquals(List.of("FlowAccepted", "StepAttemptStarted a#1", "StepJobCreated a#1", "FlowTimedOut",
        "StepCancelled a", "StepSkipped b", "FlowFailed"), decisions(events("u-flowtimeout")));
    assertEquals(Reasons.FLOW_TIMED_OUT, last("u-flowtimeout", FlowFailed.class).reason());
    assertEquals(clock.instant(), last("u-flowtimeout", FlowTimedOut.class).deadline());
    await("Job deleted", () -> runtime.job("ft-a-1") == null);
  }

  @Test
  void suspendResumeParallelismAndIgnoredChangesFollowGenerations() {
    ActorRef<FlowCommand> entity = spawn("u-gen");
    Flows f = flow("gen", "u-gen").step("a").step("b").step("c").parallelism(1);
    entity.tell(new SpecSeen(f.suspend(true).build()));
    awaitEvent("u-gen", FlowAccepted.class);
    TestProbe<FlowStatusUpdate> status = testKit.createTestProbe();
    entity.tell(new GetStatus(status.getRef()));
    assertEquals(FlowPhase.Suspended, status.receiveMessage().summary().phase());

    entity.tell(new SpecSeen(f.suspend(false).generation(2).build()));
    awaitEvent("u-gen", FlowEvent.StepJobCreated.class);
    entity.tell(new SpecSeen(f.parallelism(3).generation(3).build()));
    await("c started", () -> runtime.job("gen-c-1") != null);
    entity.tell(new SpecSeen(f.generation(3).build()));  // a resync of a seen generation changes nothing
    entity.tell(new SpecSeen(f.step("d").generation(4).build()));
    awaitEvent("u-gen", FlowGenerationObserved.class);
    List<String> types = types(events("u-gen"));
    assertEquals(List.of("FlowAccepted", "FlowResumed", "StepAttemptStarted", "StepJobCreated",
        "FlowParallelismChanged", "StepAttemptStarted", "StepAttemptStarted"), types.subList(0, 7));
    FlowGenerationObserved ignored = last("u-gen", FlowGenerationObserved.class);
    assertEquals(4, ignored.generation());
    assertTrue(ignored.message().contains("spec.steps"), ignored.message());
    entity.tell(new GetStatus(status.getRef()));
    FlowStatusUpdate s = status.receiveMessage();
    assertEquals(4, s.summary().observedGeneration());
    assertEquals(3, s.steps().size(), "d was not added");
    assertTrue(s.complete());
  }

  @Test
  void shutdownTerminateDeletesRunningJobsAndCancelsTheFlow() {
    ActorRef<FlowCommand> entity = spawn("u-term");
    Flows f = flow("term", "u-term").step("a").step("b", "a").finallyStep("f");
    entity.tell(new SpecSeen(f.build()));
    awaitEvent("u-term", FlowEvent.StepJobCreated.class);
    entity.tell(new SpecSeen(f.shutdown(ShutdownPolicy.Terminate).generation(2).build()));
    awaitEvent("u-term", FlowCancelled.class);
    assertEquals(List.of("FlowShutdownRequested", "StepCancelled a", "StepSkipped b", "StepSkipped f", "FlowCancelled"),
        decisions(events("u-term")).subList(3, 8));
    await("Job deleted", () -> runtime.job("term-a-1") == null);
    assertNull(runtime.job("term-f-1"));
  }

  @Test
  void aStepWaitingForARetryWhenTheFlowIsTerminatedIsCancelledAndItsFailedJobKept() {
    ActorRef<FlowCommand> entity = spawn("u-termretry");
    Flows f = flow("termretry", "u-termretry").retried("a", 1, Duration.ofSeconds(30));
    entity.tell(new SpecSeen(f.build()));
    await("Job a-1", () -> runtime.job("termretry-a-1") != null);
    runtime.set("data", "termretry-a-1", JobState.Failed, "BackoffLimitExceeded", "pod failed");
    awaitEvent("u-termretry", StepRetryScheduled.class);
    entity.tell(new SpecSeen(f.shutdown(ShutdownPolicy.Terminate).generation(2).build()));
    TestProbe<Object> probe = testKit.createTestProbe();
    probe.expectTerminated(entity, Duration.ofSeconds(10)); // passivated: its children (any deleter) stopped first
    List<FlowEvent> all = events("u-termretry");
    assertEquals(List.of("StepRetryScheduled a#1", "FlowShutdownRequested", "StepCancelled a", "FlowCancelled"),
        decisions(all).subList(3, 7));
    StepCancelled cancelled = last("u-termretry", StepCancelled.class);
    assertTrue(cancelled.message().startsWith("retry abandoned: "), cancelled.message());
    assertEquals(Reasons.TERMINATED, last("u-termretry", FlowCancelled.class).reason());
    StepView a = observer.updates.stream().flatMap(u -> u.steps().stream()).filter(v -> v.name().equals("a"))
        .reduce((first, second) -> second).orElseThrow();
    assertEquals(StepPhase.Cancelled, a.phase(), "the status shows it Cancelled");
    assertNotNull(runtime.job("termretry-a-1"), "the failed attempt's Job stays, for its logs");
  }

  @Test
  void aStepWaitingForARetryWhenTheFlowIsStoppedIsCancelled() {
    ActorRef<FlowCommand> entity = spawn("u-stopretry");
    Flows f = flow("stopretry", "u-stopretry").retried("a", 1, Duration.ofSeconds(30));
    entity.tell(new SpecSeen(f.build()));
    await("Job a-1", () -> runtime.job("stopretry-a-1") != null);
    runtime.set("data", "stopretry-a-1", JobState.Failed, "BackoffLimitExceeded", "pod failed");
    awaitEvent("u-stopretry", StepRetryScheduled.class);
    entity.tell(new SpecSeen(f.shutdown(ShutdownPolicy.Stop).generation(2).build()));
    awaitEvent("u-stopretry", FlowCancelled.class);
    assertEquals(Reasons.STOPPED, last("u-stopretry", FlowCancelled.class).reason());
    assertTrue(events("u-stopretry").stream().noneMatch(e -> e instanceof StepFailed), types(events("u-stopretry")).toString());
    assertEquals("a", last("u-stopretry", StepCancelled.class).step());
  }

  @Test
  void shutdownStopLetsRunningStepsFinishAndRunsFinally() {
    ActorRef<FlowCommand> entity = spawn("u-stop");
    Flows f = flow("stop", "u-stop").step("a").step("b", "a").finallyStep("f");
    entity.tell(new SpecSeen(f.build()));
    await("a started", () -> runtime.job("stop-a-1") != null);
    entity.tell(new SpecSeen(f.shutdown(ShutdownPolicy.Stop).generation(2).build()));
    awaitEvent("u-stop", StepSkipped.class);
    runtime.set("data", "stop-a-1", JobState.Succeeded, null, null);
    await("finally started", () -> runtime.job("stop-f-1") != null);
    runtime.set("data", "stop-f-1", JobState.Succeeded, null, null);
    awaitEvent("u-stop", FlowCancelled.class);
    assertEquals(Reasons.STOPPED, last("u-stop", FlowCancelled.class).reason());
  }

  @Test
  void deletingARunningFlowCancelsItDeletesItsJobsAndStops() {
    ActorRef<FlowCommand> entity = spawn("u-del");
    entity.tell(new SpecSeen(flow("del", "u-del").step("a").step("b").build()));
    await("both started", () -> runtime.job("del-a-1") != null && runtime.job("del-b-1") != null);
    TestProbe<Object> probe = testKit.createTestProbe();
    entity.tell(new Deleted());
    probe.expectTerminated(entity, Duration.ofSeconds(10));
    List<String> tail = decisions(events("u-del"));
    assertEquals(List.of("StepCancelled a", "StepCancelled b", "FlowCancelled", "FlowDeleted"),
        tail.subList(tail.size() - 4, tail.size()));
    assertEquals(Reasons.FLOW_DELETED, last("u-del", FlowCancelled.class).reason());
    assertNull(runtime.job("del-a-1"));
    assertNull(runtime.job("del-b-1"));
  }

  @Test
  void deletingAFinishedFlowRecordsItAndNothingElse() {
    runtime.finishWith(a -> JobState.Succeeded);
    ActorRef<FlowCommand> entity = spawn("u-delfin");
    entity.tell(new SpecSeen(flow("delfin", "u-delfin").step("a").build()));
    TestProbe<Object> probe = testKit.createTestProbe();
    probe.expectTerminated(entity, Duration.ofSeconds(10));
    // Through the router, as the controller does: an entity of a finished flow without a router stops by itself
    // once recovered, and a Deleted arriving after that would be lost. The reply comes once FlowDeleted is stored.
    ActorRef<FlowRouter.Command> router = testKit.spawn(FlowRouter.create(deps()));
    TestProbe<akka.Done> stored = testKit.createTestProbe();
    router.tell(new FlowRouter.Deliver("u-delfin", new Deleted(stored.getRef())));
    stored.expectMessage(Duration.ofSeconds(10), akka.Done.getInstance());
    awaitEvent("u-delfin", FlowEvent.FlowDeleted.class); // the reply may come before the storage shows the event
    assertEquals(List.of("FlowSucceeded", "FlowDeleted"), types(events("u-delfin")).subList(4, 6));
    assertEquals(6, events("u-delfin").size(), "nothing after FlowDeleted");
  }

  @Test
  void aSpecThatCannotRunIsAcceptedThenFailed() {
    ActorRef<FlowCommand> entity = spawn("u-cycle");
    entity.tell(new SpecSeen(flow("cycle", "u-cycle").step("a", "b").step("b", "a").build()));
    awaitEvent("u-cycle", FlowFailed.class);
    FlowFailed failed = last("u-cycle", FlowFailed.class);
    assertEquals(Reasons.INVALID_SPEC, failed.reason());
    assertTrue(failed.message().contains("a, b"), failed.message());
    assertEquals(0, runtime.totalCreateCalls());
  }

  @Test
  void aForeignJobOfTheAttemptsNameFailsTheStep() {
    runtime.plantForeignJob(new dev.jobflow.step.JobKey("data", "conflict-a-1"));
    ActorRef<FlowCommand> entity = spawn("u-conflict");
    entity.tell(new SpecSeen(flow("conflict", "u-conflict").step("a").build()));
    awaitEvent("u-conflict", FlowFailed.class);
    assertEquals(Reasons.JOB_CONFLICT, last("u-conflict", StepFailed.class).reason());
    assertEquals("someone-else", runtime.job("conflict-a-1").flowUid(), "never touched");
  }

  @Test
  void lateAndUnknownReportsAreIgnored() {
    ActorRef<FlowCommand> entity = spawn("u-late");
    entity.tell(new SpecSeen(flow("late", "u-late").step("a").build()));
    await("a started", () -> runtime.job("late-a-1") != null);
    awaitEvents("u-late", 3);
    entity.tell(report(new StepOutcome.Succeeded("a", 7, "late-a-7", null, null, null, clock.instant(), null)));
    entity.tell(report(new StepOutcome.Failed("nope", 1, "late-nope-1", null, "X", null, clock.instant(), null)));
    assertEquals(3, eventsAfterCommandsHandled(entity, "u-late").size());
    runtime.set("data", "late-a-1", JobState.Succeeded, null, null);
    awaitEvent("u-late", FlowSucceeded.class);
  }

  @Test
  void statusUpdatesCarryOnlyTheChangedStepsAndRecoveryCarriesAll() {
    ActorRef<FlowCommand> entity = spawn("u-status");
    entity.tell(new SpecSeen(flow("status", "u-status").step("a").step("b").step("c", "a").build()));
    await("a, b started", () -> runtime.job("status-a-1") != null && runtime.job("status-b-1") != null);
    runtime.set("data", "status-a-1", JobState.Succeeded, null, null);
    await("c started", () -> runtime.job("status-c-1") != null);
    FlowStatusUpdate update = observer.updates.stream()
        .filter(u -> u.steps().stream().anyMatch(s -> s.name().equals("a") && s.phase() == StepPhase.Succeeded))
        .findFirst().orElseThrow();
    assertEquals(List.of("a"), update.steps().stream().map(StepView::name).toList());
    assertEquals("status-a-1", update.steps().get(0).job());
    assertNotNull(update.steps().get(0).jobUid());

    testKit.stop(entity);
    observer.updates.clear();
    spawn("u-status");
    await("recovered status", () -> observer.updates.stream().anyMatch(FlowStatusUpdate::complete));
    FlowStatusUpdate recovered = observer.updates.stream().filter(FlowStatusUpdate::complete).findFirst().orElseThrow();
    assertEquals(3, recovered.steps().size());
    assertEquals(FlowPhase.Running, recovered.summary().phase());
    assertEquals("1/3", recovered.summary().progress());
  }

  @Test
  void eventsBeforeAcceptanceAndAfterDeletionDoNothing() {
    ActorRef<FlowCommand> entity = spawn("u-empty");
    TestProbe<FlowStatusUpdate> status = testKit.createTestProbe();
    entity.tell(report(new StepOutcome.Succeeded("a", 1, "x-a-1", null, null, null, clock.instant(), null)));
    entity.tell(new GetStatus(status.getRef()));
    FlowStatusUpdate s = status.receiveMessage();
    assertEquals(FlowPhase.Pending, s.summary().phase());
    assertEquals("u-empty", s.flow().uid());
    TestProbe<Object> probe = testKit.createTestProbe();
    entity.tell(new Deleted());
    probe.expectTerminated(entity);
    assertEquals(List.of(), events("u-empty"));
  }

  /** A step actor's report, as the entity's message adapter delivers it. */
  static FlowCommand report(StepOutcome outcome) {
    return new FlowCommand.AttemptReported(outcome);
  }
}
