package dev.jobflow.dag;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.jobflow.api.FailurePolicy;
import dev.jobflow.api.ShutdownPolicy;
import dev.jobflow.dag.Decision.Attempt;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Each kind of decision names the side effects it implies, so whoever records it need not work them out. */
class DecisionTest {
  static DagDriver twoSteps() {
    FlowGraph graph = FlowGraph.builder().step("a", List.of(), RetryRule.NONE, Duration.ofMinutes(1))
        .step("b", List.of(), RetryRule.NONE, null).build();
    return new DagDriver(graph, null, FailurePolicy.ContinueIndependent, null, false);
  }

  @Test
  void startingNamesTheAttemptsToRun() {
    DagDriver d = twoSteps();
    Decision start = Scheduler.decide(d.state, d.now);
    assertInstanceOf(Decision.StartAttempts.class, start);
    assertEquals(List.of(new Attempt(0, 1), new Attempt(1, 1)), start.attemptsToStart());
    assertEquals(List.of(), start.attemptsToStop());
  }

  @Test
  void aStepTimeoutStopsTheTimedOutAttempt() {
    DagDriver d = twoSteps().settle();
    d.now = d.now.plus(Duration.ofMinutes(1));
    Decision timedOut = Scheduler.decide(d.state, d.now);
    assertInstanceOf(Decision.FailAttempts.class, timedOut);
    assertEquals(List.of(new Attempt(0, 1)), timedOut.attemptsToStop());
    assertEquals(List.of(), timedOut.attemptsToStart());
  }

  @Test
  void terminateStopsEveryRunningAttempt() {
    DagDriver d = twoSteps().settle();
    d.state.onShutdownRequested(ShutdownPolicy.Terminate);
    Decision cancel = Scheduler.decide(d.state, d.now);
    assertInstanceOf(Decision.CancelAttempts.class, cancel);
    assertEquals(List.of(new Attempt(0, 1), new Attempt(1, 1)), cancel.attemptsToStop());
  }

  @Test
  void skippingAndFinishingHaveNoSideEffect() {
    FlowGraph graph = FlowGraph.builder().step("a").step("b", "a").build();
    DagDriver d = new DagDriver(graph, null, FailurePolicy.FailFast, null, false).settle();
    d.state.onShutdownRequested(ShutdownPolicy.Stop);
    Decision skip = Scheduler.decide(d.state, d.now);
    assertInstanceOf(Decision.SkipSteps.class, skip);
    assertEquals(List.of(), skip.attemptsToStart());
    assertEquals(List.of(), skip.attemptsToStop());
    d.settle();
    d.state.onSucceeded(0, d.now, null, null);
    Decision finish = Scheduler.decide(d.state, d.now);
    assertInstanceOf(Decision.FinishFlow.class, finish);
    assertEquals(List.of(), finish.attemptsToStart());
    assertEquals(List.of(), finish.attemptsToStop());
  }
}
