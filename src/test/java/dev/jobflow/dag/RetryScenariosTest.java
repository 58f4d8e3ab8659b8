package dev.jobflow.dag;

import static dev.jobflow.api.StepPhase.Failed;
import static dev.jobflow.api.StepPhase.Pending;
import static dev.jobflow.api.StepPhase.Running;
import static dev.jobflow.api.StepPhase.Skipped;
import static dev.jobflow.api.StepPhase.Succeeded;
import static dev.jobflow.dag.SchedulerScenariosTest.scenario;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jobflow.api.FlowPhase;
import dev.jobflow.api.ShutdownPolicy;
import dev.jobflow.dag.SchedulerScenariosTest.Scenario;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The rules of {@link RetryPlan} as a table (notation of {@link SchedulerScenariosTest}): a flow runs to its end, is
 * retried in place, and the table says which steps ran again (their attempt numbers continue), which kept their
 * results, and how the second round ends. After FailFast, Terminate, Stop, a flow timeout, with {@code when} skips,
 * with {@code depends} handlers, with {@code --step}, twice in a row, and across a restart (snapshot).
 */
class RetryScenariosTest {

  static Stream<Scenario> scenarios() {
    return Stream.of(
        scenario("after FailFast: the failed step and what FailFast skipped run again; succeeded steps are kept")
            .steps("a", "b<a", "c<b", "x", "!notify")
            .run(d -> {
              d.succeed("x").succeed("a").fail("b").succeed("notify");
              assertEquals(FlowPhase.Failed, d.outcome());
              assertEquals(List.of("b", "c", "notify"), d.retry(null));
              assertEquals(List.of("b#2"), d.starts, "b's next attempt has a new number; a and x do not run");
              d.succeed("b").succeed("c").succeed("notify");
              assertEquals(List.of("b#2", "c#1", "notify#2"), d.starts);
            })
            .expect(Succeeded, "a", "b", "c", "x", "notify").ends(FlowPhase.Succeeded, Reasons.SUCCEEDED),
        scenario("after FailFast that skipped an independent branch: it runs too")
            .steps("a", "b", "c<b")
            .run(d -> {
              d.fail("a");
              assertEquals(Running, d.phase("b"));
              d.succeed("b");
              assertEquals(Skipped, d.phase("c"));
              assertEquals(List.of("a", "c"), d.retry(null));
              d.succeed("a").succeed("c");
            })
            .expect(Succeeded, "a", "b", "c").ends(FlowPhase.Succeeded, Reasons.SUCCEEDED),
        scenario("each step that runs again gets its whole retry budget back")
            .steps("a r1")
            .run(d -> {
              d.fail("a").advance(Duration.ofSeconds(10)).fail("a");
              assertEquals(FlowPhase.Failed, d.outcome());
              d.retry(null);
              d.fail("a");
              assertEquals(dev.jobflow.api.StepPhase.Retrying, d.phase("a"), "attempt 3 is the first of round 2");
              d.advance(Duration.ofSeconds(10));
              assertEquals(List.of("a#3", "a#4"), d.starts);
              d.succeed("a");
            })
            .expect(Succeeded, "a").ends(FlowPhase.Succeeded, Reasons.SUCCEEDED),
        scenario("after Terminate: cancelled and skipped steps run again, the shutdown is forgotten")
            .steps("a", "b<a", "c")
            .run(d -> {
              d.succeed("c").shutdown(ShutdownPolicy.Terminate);
              assertEquals(FlowPhase.Cancelled, d.outcome());
              assertEquals(dev.jobflow.api.StepPhase.Cancelled, d.phase("a"));
              assertEquals(List.of("a", "b"), d.retry(null));
              assertNull(d.state.shutdown());
              d.succeed("a").succeed("b");
              assertEquals(List.of("a#2", "b#1"), d.starts);
            })
            .expect(Succeeded, "a", "b", "c").ends(FlowPhase.Succeeded, Reasons.SUCCEEDED),
        scenario("after Stop: the steps Stop skipped run, the running one had finished")
            .steps("a", "b<a")
            .run(d -> {
              d.shutdown(ShutdownPolicy.Stop).succeed("a");
              assertEquals(FlowPhase.Cancelled, d.outcome());
              assertEquals(List.of("b"), d.retry(null));
              d.succeed("b");
            })
            .expect(Succeeded, "a", "b").ends(FlowPhase.Succeeded, Reasons.SUCCEEDED),
        scenario("after a flow timeout: a whole new timeout, counted from the retry")
            .steps("a", "b<a").timeout("1m")
            .run(d -> {
              d.succeed("a").advance(Duration.ofMinutes(1));
              assertEquals(FlowPhase.Failed, d.outcome());
              assertEquals(Reasons.FLOW_TIMED_OUT, d.state.outcomeReason());
              d.advance(Duration.ofMinutes(10));
              assertEquals(List.of("b"), d.retry(null));
              assertEquals(d.now.plus(Duration.ofMinutes(1)), d.wakeAt(), "the deadline is a minute after the retry");
              d.advance(Duration.ofSeconds(59)).succeed("b");
            })
            .expect(Succeeded, "a", "b").ends(FlowPhase.Succeeded, Reasons.SUCCEEDED),
        scenario("a retried flow that times out again ends FlowTimedOut again")
            .steps("a").timeout("1m")
            .run(d -> {
              d.advance(Duration.ofMinutes(1));
              d.retry(null);
              assertEquals(Running, d.phase("a"));
              d.advance(Duration.ofMinutes(1));
              assertEquals(dev.jobflow.api.StepPhase.Cancelled, d.phase("a"));
            })
            .ends(FlowPhase.Failed, Reasons.FLOW_TIMED_OUT),
        scenario("a when-false skip is evaluated again (same inputs, same verdict); an error verdict runs again")
            .steps("a", "b<a w=false", "c<a", "e<c w=error")
            .continueIndependent()
            .run(d -> {
              d.succeed("a").succeed("c");
              assertEquals(Failed, d.phase("e"));
              assertEquals(List.of("b", "e"), d.retry(null));
              assertEquals(List.of("b=SKIP", "e=FAIL", "b=SKIP", "e=FAIL"), d.evaluated);
              assertEquals(List.of(), d.starts, "a and c keep their results");
            })
            .expect(Succeeded, "a", "c").expect(Skipped, "b").expect(Failed, "e")
            .ends(FlowPhase.Failed, Reasons.STEP_FAILED),
        scenario("a depends handler that ran for a failure runs again once its upstream runs again")
            .steps("train", "report d=train.Failed", "deploy<train")
            .continueIndependent()
            .run(d -> {
              d.fail("train").succeed("report");
              assertEquals(List.of("train", "report", "deploy"), d.retry(null));
              d.succeed("train");
              assertEquals(Skipped, d.phase("report"), "train succeeded this time: the failure handler does not run");
              d.succeed("deploy");
            })
            .expect(Succeeded, "train", "deploy").expect(Skipped, "report")
            .ends(FlowPhase.Succeeded, Reasons.SUCCEEDED),
        scenario("--step restarts a succeeded step and everything downstream of it, with the failed ones")
            .steps("a", "b<a", "c<b", "x", "y")
            .continueIndependent()
            .run(d -> {
              d.succeed("a").succeed("b").succeed("c").succeed("x").fail("y");
              assertEquals(List.of("b", "c", "y"), d.retry("b"));
              assertEquals(List.of("b#2", "y#2"), d.starts);
              d.succeed("b").succeed("c").succeed("y");
            })
            .expect(Succeeded, "a", "b", "c", "x", "y").ends(FlowPhase.Succeeded, Reasons.SUCCEEDED),
        scenario("outputs of kept steps are read by the steps that run again")
            .steps("extract", "train<extract w=out:extract.rows=1200", "load")
            .continueIndependent()
            .run(d -> {
              d.succeed("extract", Map.of("rows", "1200")).fail("load");
              assertEquals(Running, d.phase("train"));
              d.succeed("train");
              assertEquals(List.of("load"), d.retry(null));
              assertEquals(Map.of("rows", "1200"), d.state.outputs(d.index("extract")));
              d.succeed("load");
            })
            .expect(Succeeded, "extract", "train", "load").ends(FlowPhase.Succeeded, Reasons.SUCCEEDED),
        scenario("retried twice: attempts keep counting, a restart between rounds changes nothing")
            .steps("a", "b<a")
            .run(d -> {
              d.fail("a");
              d.retry(null);
              d.fail("a");
              d.restart();
              assertEquals(FlowPhase.Failed, d.outcome());
              d.retry(null);
              d.restart();
              assertEquals(List.of("a"), d.running());
              assertEquals(3, d.state.attempts(d.index("a")));
              d.succeed("a");
              d.restart();
              d.succeed("b");
            })
            .expect(Succeeded, "a", "b").ends(FlowPhase.Succeeded, Reasons.SUCCEEDED));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("scenarios")
  void rule(Scenario s) {
    SchedulerScenariosTest.play(s);
  }

  @Test
  void onlyAFailedOrCancelledFlowIsRetried() {
    DagDriver running = DagDriver.of(SchedulerScenariosTest.graph(List.of("a")));
    assertFalse(RetryPlan.of(running.state, null).isPossible());
    running.succeed("a");
    RetryPlan.Plan succeeded = RetryPlan.of(running.state, null);
    assertFalse(succeeded.isPossible());
    assertTrue(succeeded.problem().contains("Succeeded"), succeeded.problem());
  }

  @Test
  void theStepToRestartFromMustBeADagStep() {
    DagDriver d = DagDriver.of(SchedulerScenariosTest.graph(List.of("a", "!notify"))).fail("a").succeed("notify");
    assertTrue(RetryPlan.of(d.state, "nope").problem().contains("'nope'"));
    assertTrue(RetryPlan.of(d.state, "notify").problem().contains("'notify'"));
    assertTrue(RetryPlan.of(d.state, "a").isPossible());
  }

  @Test
  void aRetriedFlowIsPendingUntilItDecidesAgain() {
    DagDriver d = DagDriver.of(SchedulerScenariosTest.graph(List.of("a"))).fail("a");
    DagState after = RetryPlan.apply(d.state, List.of("a"), d.now);
    assertNull(after.outcome());
    assertEquals(Pending, after.phase(0));
    assertEquals(1, after.attempts(0));
    assertEquals(d.now, after.retriedAt());
    assertEquals(after.snapshot(), after.snapshot().restore(after.graph()).snapshot(), "the snapshot keeps it all");
  }
}
