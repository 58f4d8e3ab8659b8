package dev.jobflow.flow;

import static dev.jobflow.flow.Flows.flow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import dev.jobflow.api.FlowPhase;
import dev.jobflow.api.RetryRequest;
import dev.jobflow.flow.FlowCommand.SpecSeen;
import dev.jobflow.flow.FlowEvent.FlowRetried;
import dev.jobflow.step.JobState;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Retry in place through the entity: a finished flow's SpecSeen with a retry request it has not handled journals
 * {@code FlowRetried} (who asked, when, which steps), runs those steps as new attempts (new Jobs), keeps the rest, and
 * a request already handled (the same annotation value on a resync) changes nothing. A restart in the second round
 * takes it up where it was.
 */
class FlowRetryEntityTest extends EntityHarness {
  static final Instant ASKED = Instant.parse("2026-11-23T08:05:00Z");

  FlowDefinition definition(String uid) {
    return flow("etl", uid).step("extract").step("load", "extract").step("other").finallyStep("notify").build();
  }

  @Test
  void aFailedFlowRunsItsFailedStepsAgainAndKeepsTheRest() {
    runtime.finishWith(a -> a.step().equals("load") && a.attempt() == 1 ? JobState.Failed : JobState.Succeeded);
    String uid = "u-retried";
    ActorRef<FlowCommand> entity = spawn(uid);
    TestProbe<Object> probe = testKit.createTestProbe();
    entity.tell(new SpecSeen(definition(uid)));
    probe.expectTerminated(entity, Duration.ofSeconds(10));
    assertEquals(FlowPhase.Failed, replayed(uid).phase());

    ActorRef<FlowCommand> again = spawn(uid,
        new SpecSeen(definition(uid), new RetryRequest("1", null, "alice@example.com", ASKED)));
    awaitEvent(uid, FlowEvent.FlowSucceeded.class);
    FlowRetried retried = last(uid, FlowRetried.class);
    assertEquals("alice@example.com", retried.requestedBy());
    assertEquals(ASKED, retried.requestedAt());
    assertEquals("1", retried.request());
    assertEquals(List.of("load", "notify"), retried.steps());
    List<String> round2 = decisions(events(uid)).subList(decisions(events(uid)).indexOf("FlowRetried") + 1,
        events(uid).size());
    assertEquals(List.of("StepAttemptStarted load#2", "StepJobCreated load#2", "StepSucceeded load#2",
        "StepAttemptStarted notify#2", "StepJobCreated notify#2", "StepSucceeded notify#2", "FlowSucceeded"), round2,
        "extract and other keep their results; the attempts that run again are new Jobs");
    assertEquals(1, runtime.job("etl-extract-1").attempt());
    assertNull(runtime.job("etl-extract-2"));

    FlowState state = replayed(uid);
    assertEquals(1, state.retries());
    assertEquals(FlowPhase.Succeeded, state.phase());
    probe.expectTerminated(again, Duration.ofSeconds(10));
  }

  @Test
  void aHandledRequestIsNoNewRequestAndASucceededFlowIsNotRetried() {
    runtime.finishWith(a -> a.step().equals("other") && a.attempt() == 1 ? JobState.Failed : JobState.Succeeded);
    String uid = "u-handled";
    ActorRef<FlowCommand> entity = spawn(uid);
    TestProbe<Object> probe = testKit.createTestProbe();
    entity.tell(new SpecSeen(definition(uid)));
    awaitEvent(uid, FlowEvent.FlowFailed.class);
    probe.expectTerminated(entity, Duration.ofSeconds(10)); // one entity per flow at a time, as the router keeps it
    RetryRequest request = new RetryRequest("1", null, "bob", ASKED);
    entity = spawn(uid, new SpecSeen(definition(uid), request));
    awaitEvent(uid, FlowEvent.FlowSucceeded.class);
    probe.expectTerminated(entity, Duration.ofSeconds(10));
    int stored = events(uid).size();
    ActorRef<FlowCommand> third = spawn(uid, new SpecSeen(definition(uid), request),
        new SpecSeen(definition(uid), new RetryRequest("2", null, "bob", ASKED)));
    // Both requests are handled before the entity passivates (they were in its mailbox before it recovered): its stop
    // is the acknowledgement.
    probe.expectTerminated(third, Duration.ofSeconds(30));
    assertEquals(stored, events(uid).size(), "the same request again, and any request on a Succeeded flow, records "
        + "nothing: " + decisions(events(uid)).subList(stored, events(uid).size()));
  }

  @Test
  void aRestartDuringTheSecondRoundTakesItUp() {
    runtime.finishWith(a -> a.step().equals("extract") && a.attempt() == 1 ? JobState.Failed
        : a.step().equals("load") ? null : JobState.Succeeded);
    String uid = "u-restart";
    ActorRef<FlowCommand> entity = spawn(uid);
    TestProbe<Object> probe = testKit.createTestProbe();
    entity.tell(new SpecSeen(definition(uid)));
    awaitEvent(uid, FlowEvent.FlowFailed.class);
    probe.expectTerminated(entity, Duration.ofSeconds(10));
    entity = spawn(uid, new SpecSeen(definition(uid), new RetryRequest("r1", "extract", null, null)));
    await("load's first Job", () -> runtime.job("etl-load-1") != null);
    testKit.stop(entity);
    ActorRef<FlowCommand> recovered = spawn(uid);
    recovered.tell(new FlowCommand.Reconsider());
    runtime.set("data", "etl-load-1", JobState.Succeeded, null, null);
    awaitEvent(uid, FlowEvent.FlowSucceeded.class);
    assertEquals(List.of("extract", "load", "notify"), last(uid, FlowRetried.class).steps(),
        "extract failed, load was skipped; other, started beside extract, succeeded and is kept");
    assertEquals(1, decisions(events(uid)).stream().filter("StepAttemptStarted load#1"::equals).count());
  }
}
