package dev.jobflow.step;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import dev.jobflow.dag.Reasons;
import dev.jobflow.step.StepOutcome.Failed;
import dev.jobflow.step.StepOutcome.JobCreated;
import dev.jobflow.step.StepOutcome.Succeeded;
import dev.jobflow.flow.MutableClock;
import io.fabric8.kubernetes.api.model.batch.v1.JobSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class StepActorTest {
  static final ActorTestKit testKit = ActorTestKit.create();
  static final String NS = "data";

  MutableClock clock = new MutableClock(Instant.parse("2026-11-23T00:00:00Z"));
  InMemoryJobRuntime runtime;
  TestProbe<StepOutcome> flow;
  StepActor.Settings settings = new StepActor.Settings(Duration.ofMillis(10), Duration.ofMillis(50), clock);

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  @BeforeEach
  void setUp() {
    runtime = new InMemoryJobRuntime(clock);
    flow = testKit.createTestProbe(StepOutcome.class);
  }

  static AttemptSpec attempt(String step, int n) {
    return new AttemptSpec(new JobKey(NS, JobNames.of("flow", step, n)), "flow", "uid-1", step, n, new JobSpec(),
        Map.of("date", "2026-11-23"));
  }

  ActorRef<StepActor.Command> spawn(AttemptSpec a) {
    return testKit.spawn(StepActor.create(a, runtime, flow.getRef(), settings));
  }

  @Test
  void createsTheJobThenReportsItsSuccessOnceAndStops() {
    ActorRef<StepActor.Command> actor = spawn(attempt("a", 1));
    JobCreated created = flow.expectMessageClass(JobCreated.class);
    assertEquals("flow-a-1", created.job());
    assertFalse(created.adopted());
    runtime.set(NS, "flow-a-1", JobState.Active, null, null);
    runtime.set(NS, "flow-a-1", JobState.Succeeded, "Completed", "done");
    runtime.set(NS, "flow-a-1", JobState.Succeeded, "Completed", "done"); // a duplicate notification
    Succeeded ok = flow.expectMessageClass(Succeeded.class);
    assertEquals(created.jobUid(), ok.jobUid());
    assertEquals(1, ok.attempt());
    flow.expectTerminated(actor);
    // Whatever it sent before it stopped arrived before its termination: nothing is left to come.
    flow.expectNoMessage(Duration.ZERO);
    assertEquals(1, runtime.creations("flow-a-1"));
  }

  @Test
  void aFailedJobIsReportedWithItsConditionReason() {
    spawn(attempt("b", 2));
    flow.expectMessageClass(JobCreated.class);
    runtime.set(NS, "flow-b-2", JobState.Failed, "BackoffLimitExceeded", "Job has reached the specified backoff limit");
    Failed failed = flow.expectMessageClass(Failed.class);
    assertEquals("BackoffLimitExceeded", failed.reason());
    assertEquals(2, failed.attempt());
  }

  @Test
  void aJobDeletedUnderItsFeetFailsTheAttempt() {
    spawn(attempt("c", 1));
    flow.expectMessageClass(JobCreated.class);
    runtime.delete(new JobKey(NS, "flow-c-1"));
    Failed failed = flow.expectMessageClass(Failed.class);
    assertEquals(Reasons.JOB_DELETED, failed.reason());
  }

  @Test
  void anExistingJobOfTheSameAttemptIsAdoptedNotDuplicated() {
    runtime.createIfAbsent(attempt("d", 1));
    runtime.set(NS, "flow-d-1", JobState.Succeeded, null, null);
    spawn(attempt("d", 1));
    JobCreated created = flow.expectMessageClass(JobCreated.class);
    assertTrue(created.adopted());
    flow.expectMessageClass(Succeeded.class);
    assertEquals(2, runtime.createCalls("flow-d-1"));
    assertEquals(1, runtime.creations("flow-d-1"));
  }

  @Test
  void aForeignJobOfThatNameIsAConflictNeverAdopted() {
    runtime.plantForeignJob(new JobKey(NS, "flow-e-1"));
    spawn(attempt("e", 1));
    Failed failed = flow.expectMessageClass(Failed.class);
    assertEquals(Reasons.JOB_CONFLICT, failed.reason());
    assertTrue(failed.message().contains("data/flow-e-1"), failed.message());
    assertEquals("someone-else", runtime.job("flow-e-1").flowUid());
  }

  @Test
  void aCreateRefusedOnEveryTryFailsTheAttemptJobRejectedWithTheApiServersMessage() {
    runtime.rejectNextCreates(100);
    spawn(attempt("rj", 1));
    Failed failed = flow.expectMessageClass(Failed.class, Duration.ofSeconds(5));
    assertEquals(Reasons.JOB_REJECTED, failed.reason());
    assertTrue(failed.message().contains("(422)") && failed.message().contains("Invalid value"), failed.message());
    assertEquals(StepActor.Settings.DEFAULT_REJECTION_TRIES, runtime.createCalls("flow-rj-1"), "a bounded number of tries");
    assertEquals(0, runtime.creations("flow-rj-1"));
    assertTrue(Reasons.isError(failed.reason()), "not the containers' failure: .Errored");
  }

  @Test
  void aRefusalThatClearsWithinTheTriesCreatesTheJob() {
    runtime.rejectNextCreates(StepActor.Settings.DEFAULT_REJECTION_TRIES - 1);
    spawn(attempt("rq", 1));
    flow.expectMessageClass(JobCreated.class, Duration.ofSeconds(5));
    assertEquals(1, runtime.creations("flow-rq-1"));
  }

  @Test
  void transientCreateErrorsAreRetriedWithBackoff() {
    runtime.failNextCreates(3);
    spawn(attempt("f", 1));
    JobCreated created = flow.expectMessageClass(JobCreated.class, Duration.ofSeconds(3));
    assertFalse(created.adopted());
    assertEquals(4, runtime.createCalls("flow-f-1"));
    assertEquals(1, runtime.creations("flow-f-1"));
  }

  @Test
  void aCrashedStepActorRestartsAndReadoptsItsJob() {
    runtime.crashNextWatches(1);
    ActorRef<StepActor.Command> actor = spawn(attempt("r", 1));
    JobCreated first = flow.expectMessageClass(JobCreated.class);
    JobCreated again = flow.expectMessageClass(JobCreated.class);
    assertFalse(first.adopted());
    assertTrue(again.adopted(), "the restarted actor adopts the Job it created");
    runtime.set(NS, "flow-r-1", JobState.Succeeded, null, null);
    flow.expectMessageClass(Succeeded.class);
    flow.expectTerminated(actor);
    flow.expectNoMessage(Duration.ZERO);
    assertEquals(1, runtime.creations("flow-r-1"));
  }

  @Test
  void terminateDeletesTheJobAndReportsNothing() {
    ActorRef<StepActor.Command> actor = spawn(attempt("g", 1));
    flow.expectMessageClass(JobCreated.class);
    actor.tell(new StepActor.Terminate(Reasons.STEP_TIMED_OUT));
    flow.expectTerminated(actor);
    assertNull(runtime.job("flow-g-1"));
    assertEquals(1, runtime.deletions("flow-g-1"));
    flow.expectNoMessage(Duration.ZERO);
  }

  @Test
  void theDeleterRemovesAJobOfAnEndedAttempt() {
    runtime.createIfAbsent(attempt("h", 1));
    ActorRef<StepActor.Command> deleter = testKit.spawn(StepActor.deleting(new JobKey(NS, "flow-h-1"), runtime));
    flow.expectTerminated(deleter);
    assertNull(runtime.job("flow-h-1"));
  }
}
