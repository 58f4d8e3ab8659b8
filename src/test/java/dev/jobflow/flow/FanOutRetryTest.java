package dev.jobflow.flow;

import static dev.jobflow.flow.Flows.flow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import dev.jobflow.api.FlowPhase;
import dev.jobflow.api.RetryRequest;
import dev.jobflow.flow.FlowCommand.SpecSeen;
import dev.jobflow.flow.FlowEvent.FlowRetried;
import dev.jobflow.step.JobState;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Retry in place ({@code jobflow.dev/retry}) of a flow with a fan-out step: the step keeps its list (no second
 * {@code StepExpanded}), its failed instances run again as new attempts (new Jobs), its succeeded ones are kept;
 * {@code --step} on the fan-out step runs every instance again, on one instance that one and the failed ones.
 */
class FanOutRetryTest extends EntityHarness {

  FlowDefinition definition(String uid) {
    return flow("etl", uid)
        .step(new StepDefinition("shard", List.of(), 0, null, null, null, null, Flows.TEMPLATE, null, null, null,
            new FanOutDefinition(List.of("\"a\"", "\"b\"", "\"c\"", "\"d\""), null, null, null, null, null, null,
                null, null)))
        .step("merge", "shard")
        .finallyStep("notify")
        .build();
  }

  /** Runs the flow to its end: shard-1's first attempt fails, so merge is skipped and the flow fails. */
  private void firstRound(String uid) {
    runtime.finishWith(a -> a.step().equals("shard-1") && a.attempt() == 1 ? JobState.Failed : JobState.Succeeded);
    ActorRef<FlowCommand> entity = spawn(uid);
    entity.tell(new SpecSeen(definition(uid)));
    testKit.createTestProbe().expectTerminated(entity, Duration.ofSeconds(10));
    assertEquals(FlowPhase.Failed, replayed(uid).phase());
  }

  private List<String> retry(String uid, String request, String step) {
    ActorRef<FlowCommand> again = spawn(uid,
        new SpecSeen(definition(uid), new RetryRequest(request, step, "alice@example.com", null)));
    awaitEvent(uid, FlowEvent.FlowSucceeded.class);
    TestProbe<Object> probe = testKit.createTestProbe();
    probe.expectTerminated(again, Duration.ofSeconds(10));
    List<String> all = decisions(events(uid));
    return all.subList(all.lastIndexOf("FlowRetried") + 1, all.size());
  }

  @Test
  void theFailedInstanceRunsAgainAndTheSucceededOnesAreKept() {
    String uid = "u-fan-retry";
    firstRound(uid);
    List<String> round2 = retry(uid, "1", null);
    assertEquals(List.of("shard", "merge", "notify", "shard-1"), last(uid, FlowRetried.class).steps());
    assertEquals(List.of("StepAttemptStarted shard-1#2", "StepJobCreated shard-1#2", "StepSucceeded shard-1#2",
        "StepAttemptStarted merge#1", "StepJobCreated merge#1", "StepSucceeded merge#1",
        "StepAttemptStarted notify#2", "StepJobCreated notify#2", "StepSucceeded notify#2", "FlowSucceeded"), round2,
        "no second expansion; only shard-1 runs again, as a new Job");
    assertNotNull(runtime.job("etl-shard-1-2"));
    for (String kept : List.of("etl-shard-0-2", "etl-shard-2-2", "etl-shard-3-2")) {
      assertNull(runtime.job(kept), kept + ": a succeeded instance is kept");
    }
    FlowState state = replayed(uid);
    assertEquals(FlowPhase.Succeeded, state.phase());
    assertEquals(List.of(new dev.jobflow.dag.InstanceCounts("shard", 4, 0, 0, 0, 4, 0, 0, 0)),
        state.dag().instanceCounts());
  }

  @Test
  void restartingFromTheFanOutStepRunsEveryInstanceAgainWithTheSameList() {
    String uid = "u-fan-from";
    firstRound(uid);
    List<String> round2 = retry(uid, "1", "shard");
    assertEquals(List.of("shard", "merge", "notify", "shard-0", "shard-1", "shard-2", "shard-3"),
        last(uid, FlowRetried.class).steps());
    assertEquals(0, round2.stream().filter(d -> d.startsWith("StepExpanded")).count(), round2.toString());
    for (int i = 0; i < 4; i++) {
      assertNotNull(runtime.job("etl-shard-" + i + "-2"), "instance " + i + " ran a second attempt");
    }
    assertEquals(List.of("StepAttemptStarted shard-0#2", "StepAttemptStarted shard-1#2", "StepAttemptStarted shard-2#2",
        "StepAttemptStarted shard-3#2"), round2.stream().filter(d -> d.startsWith("StepAttemptStarted shard")).toList());
  }

  @Test
  void restartingFromOneInstanceRunsItAndTheFailedOnes() {
    String uid = "u-fan-one";
    firstRound(uid);
    retry(uid, "1", "shard-2");
    assertEquals(List.of("shard", "merge", "notify", "shard-1", "shard-2"), last(uid, FlowRetried.class).steps());
    assertNotNull(runtime.job("etl-shard-2-2"));
    assertNull(runtime.job("etl-shard-0-2"));
  }
}
