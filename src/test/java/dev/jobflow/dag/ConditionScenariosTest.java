package dev.jobflow.dag;

import static dev.jobflow.api.StepPhase.Cancelled;
import static dev.jobflow.api.StepPhase.Failed;
import static dev.jobflow.api.StepPhase.Pending;
import static dev.jobflow.api.StepPhase.Retrying;
import static dev.jobflow.api.StepPhase.Running;
import static dev.jobflow.api.StepPhase.Skipped;
import static dev.jobflow.api.StepPhase.Succeeded;
import static dev.jobflow.dag.SchedulerScenariosTest.S10;
import static dev.jobflow.dag.SchedulerScenariosTest.scenario;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jobflow.api.FlowPhase;
import dev.jobflow.api.ShutdownPolicy;
import dev.jobflow.dag.SchedulerScenariosTest.Scenario;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The rules of conditions as a table, in the style of {@link SchedulerScenariosTest} (same step notation, plus
 * {@code d=DEPENDS}, {@code w=WHEN} from {@link TestConditions}, {@code c} for continueOn.failed): when true, false
 * and failing; skips that propagate and skips that do not; depends handlers under each failure policy; continueOn;
 * retries; finally steps reading phases; a restart after a verdict.
 */
class ConditionScenariosTest {

  static Stream<Scenario> scenarios() {
    return Stream.of(
        scenario("when true: the step runs, its condition evaluated once")
            .steps("a", "b<a w=true", "c<b")
            .run(d -> {
              assertEquals(List.of(), d.evaluated, "not before its dependencies are met");
              d.succeed("a");
              assertEquals(List.of("b=RUN"), d.evaluated);
              d.succeed("b").succeed("c");
            })
            .expect(Succeeded, "a", "b", "c").ends(FlowPhase.Succeeded, Reasons.SUCCEEDED),
        scenario("when false: Skipped WhenFalse, and its dependents treat it as settled")
            .steps("a", "b<a w=false", "c<b", "e d=b")
            .run(d -> d.succeed("a").succeed("c").succeed("e"))
            .expect(Succeeded, "a", "c", "e").expect(Skipped, "b").expectReason(Reasons.WHEN_FALSE, "b")
            .ends(FlowPhase.Succeeded, Reasons.SUCCEEDED),
        scenario("when error: Failed ExpressionError before any attempt, never retried; FailFast stops the rest")
            .steps("a", "b<a w=error r3", "c<b", "x")
            .run(d -> {
              d.succeed("a");
              assertEquals(Failed, d.phase("b"));
              assertEquals(0, d.state.attempts(d.index("b")), "no attempt ran");
              assertEquals(List.of("a#1", "x#1"), d.starts);
              d.succeed("x");
            })
            .expect(Failed, "b").expect(Skipped, "c").expectReason(Reasons.EXPRESSION_ERROR, "b")
            .expectReason(Reasons.FAIL_FAST, "c").ends(FlowPhase.Failed, Reasons.STEP_FAILED),
        scenario("when error under ContinueIndependent: downstream skipped UpstreamFailed, independent steps run")
            .steps("a w=error", "b<a", "x", "y<x").continueIndependent()
            .run(d -> d.succeed("x").succeed("y"))
            .expect(Failed, "a").expect(Skipped, "b").expect(Succeeded, "x", "y")
            .expectReason(Reasons.UPSTREAM_FAILED, "b").ends(FlowPhase.Failed, Reasons.STEP_FAILED),
        scenario("skip propagation: UpstreamFailed propagates through a chain, a WhenFalse skip does not")
            .steps("a", "b<a", "c<b", "x w=false", "y<x", "z d=y").continueIndependent()
            .run(d -> {
              d.fail("a");
              assertEquals(List.of("y"), d.running());
              d.succeed("y").succeed("z");
            })
            .expect(Skipped, "b", "c", "x").expect(Succeeded, "y", "z").expectReason(Reasons.UPSTREAM_FAILED, "b", "c")
            .ends(FlowPhase.Failed, Reasons.STEP_FAILED),
        scenario("when reads an output: true runs the step, another value skips it")
            .steps("extract", "train<extract w=out:extract.rows=1200", "report<extract w=out:extract.rows=0")
            .run(d -> d.succeed("extract", Map.of("rows", "1200")).succeed("train"))
            .expect(Succeeded, "extract", "train").expect(Skipped, "report")
            .ends(FlowPhase.Succeeded, Reasons.SUCCEEDED),
        scenario("when reads an output the step did not write: ExpressionError")
            .steps("extract", "train<extract w=out:extract.rows=1200")
            .run(d -> d.succeed("extract", Map.of("table", "t")))
            .expect(Failed, "train").expectReason(Reasons.EXPRESSION_ERROR, "train")
            .ends(FlowPhase.Failed, Reasons.STEP_FAILED),
        scenario("FailFast: a failure handler (depends names the failure) still runs, other steps are skipped")
            .steps("extract", "train<extract", "other<extract", "report d=train.Failed||extract.Failed")
            .run(d -> {
              d.succeed("extract");
              d.fail("train");
              assertEquals(List.of("other", "report"), d.running(), "other was running already; report starts");
              d.succeed("other").succeed("report");
            })
            .expect(Succeeded, "extract", "other", "report").expect(Failed, "train")
            .ends(FlowPhase.Failed, Reasons.STEP_FAILED),
        scenario("FailFast: a pending step downstream of the failure is skipped, the handler runs")
            .steps("a", "b<a", "report d=a.Failed")
            .run(d -> d.fail("a").succeed("report"))
            .expect(Failed, "a").expect(Skipped, "b").expect(Succeeded, "report").expectReason(Reasons.FAIL_FAST, "b")
            .ends(FlowPhase.Failed, Reasons.STEP_FAILED),
        scenario("depends false: a handler whose upstream succeeded is Skipped DependsFalse")
            .steps("a", "report d=a.Failed")
            .run(d -> d.succeed("a"))
            .expect(Succeeded, "a").expect(Skipped, "report").expectReason(Reasons.DEPENDS_FALSE, "report")
            .ends(FlowPhase.Succeeded, Reasons.SUCCEEDED),
        scenario("depends: a true answer waits for every named step to settle before the step starts")
            .steps("a", "b", "r d=a.Failed||b.Failed").continueIndependent()
            .run(d -> {
              d.fail("a");
              assertEquals(Pending, d.phase("r"), "b still runs");
              d.succeed("b");
              assertEquals(List.of("r"), d.running());
              d.succeed("r");
            })
            .expect(Failed, "a").expect(Succeeded, "b", "r").ends(FlowPhase.Failed, Reasons.STEP_FAILED),
        scenario("depends: a false answer skips at once, while a named step still runs")
            .steps("a", "b", "r d=a.Succeeded&&b.Succeeded").continueIndependent()
            .run(d -> {
              d.fail("a");
              assertEquals(Skipped, d.phase("r"));
              assertEquals(List.of("b"), d.running());
              d.succeed("b");
            })
            .expect(Skipped, "r").expectReason(Reasons.DEPENDS_FALSE, "r").ends(FlowPhase.Failed, Reasons.STEP_FAILED),
        scenario("depends .Omitted: a step reacts to another that never ran because of its dependencies")
            .steps("a", "b<a", "r d=b.Omitted", "s d=b.Skipped").continueIndependent()
            .run(d -> d.fail("a").succeed("r"))
            .expect(Failed, "a").expect(Skipped, "b", "s").expect(Succeeded, "r")
            .ends(FlowPhase.Failed, Reasons.STEP_FAILED),
        scenario("depends .Skipped: a step reacts to another whose when was false")
            .steps("x w=false", "r d=x.Skipped", "s d=x.Omitted")
            .run(d -> d.succeed("r"))
            .expect(Skipped, "x", "s").expect(Succeeded, "r").ends(FlowPhase.Succeeded, Reasons.SUCCEEDED),
        scenario("depends .Errored: an expression error is an error, a Job failure is not")
            .steps("a w=error", "b", "ra d=a.Errored", "rb d=b.Errored", "fb d=b.Failed").continueIndependent()
            .run(d -> d.fail("b").succeed("ra").succeed("fb"))
            .expect(Succeeded, "ra", "fb").expect(Skipped, "rb").ends(FlowPhase.Failed, Reasons.STEP_FAILED),
        scenario("depends with a whole downstream: skips propagate in one decision, each evaluated in turn")
            .steps("a", "b<a", "c<b", "d<c", "e d=d.Omitted").continueIndependent()
            .run(d -> {
              int before = d.decisions.size();
              d.fail("a");
              assertEquals(before + 2, d.decisions.size(), "one decision skips b, c, d; one starts e");
              d.succeed("e");
            })
            .expect(Skipped, "b", "c", "d").expect(Succeeded, "e").ends(FlowPhase.Failed, Reasons.STEP_FAILED),
        scenario("continueOn.failed: the failure neither fails the flow nor blocks dependents, nor fails fast")
            .steps("lint c", "build<lint", "test")
            .run(d -> d.fail("lint").succeed("build").succeed("test"))
            .expect(Failed, "lint").expect(Succeeded, "build", "test")
            .ends(FlowPhase.Succeeded, Reasons.SUCCEEDED),
        scenario("continueOn.failed with retries: retried first, tolerated once the retries are spent")
            .steps("lint c r1", "build<lint")
            .run(d -> {
              d.fail("lint");
              assertEquals(Retrying, d.phase("lint"));
              d.advance(S10).fail("lint").succeed("build");
              assertTrue(d.state.outcomeMessage().contains("1 failed with continueOn.failed"), d.state.outcomeMessage());
            })
            .expect(Failed, "lint").expect(Succeeded, "build").ends(FlowPhase.Succeeded, Reasons.SUCCEEDED),
        scenario("continueOn.failed: .Failed still sees the failure")
            .steps("lint c", "fix d=lint.Failed", "next d=lint")
            .run(d -> d.fail("lint").succeed("fix").succeed("next"))
            .expect(Succeeded, "fix", "next").ends(FlowPhase.Succeeded, Reasons.SUCCEEDED),
        scenario("when with retries: evaluated once; the retries do not ask again")
            .steps("a", "b<a w=once r2")
            .run(d -> {
              d.succeed("a").fail("b").advance(S10).fail("b");
              assertEquals(List.of("b=RUN"), d.evaluated);
              d.advance(Duration.ofSeconds(20)).succeed("b");
            })
            .expect(Succeeded, "a", "b").ends(FlowPhase.Succeeded, Reasons.SUCCEEDED),
        scenario("a restart after a verdict reads it back and never evaluates again")
            .steps("a", "c<a", "b<a w=once").parallelism(1)
            .run(d -> {
              d.succeed("a");
              assertEquals(List.of("b=RUN"), d.evaluated);
              assertEquals(List.of("a#1", "c#1"), d.starts, "b's condition passed; it waits for the slot");
              d.restart();
              d.succeed("c");
              assertEquals(List.of("b=RUN"), d.evaluated, "b started on its recorded verdict");
              d.succeed("b");
            })
            .expect(Succeeded, "a", "b", "c").ends(FlowPhase.Succeeded, Reasons.SUCCEEDED),
        scenario("suspend does not hold back conditions, only starts")
            .steps("a w=false", "b w=true").suspended()
            .run(d -> {
              assertEquals(List.of("a=SKIP", "b=RUN"), d.evaluated);
              assertEquals(List.of(), d.running());
              d.suspend(false).succeed("b");
            })
            .expect(Skipped, "a").expect(Succeeded, "b").ends(FlowPhase.Succeeded, Reasons.SUCCEEDED),
        scenario("finally reads steps.*.phase: the failure report runs, the success report is skipped")
            .steps("train", "!report-failure w=phase:train=Failed", "!report-success w=phase:train=Succeeded")
            .run(d -> {
              d.fail("train");
              assertEquals(List.of("report-failure=RUN", "report-success=SKIP"), d.evaluated);
              d.succeed("report-failure");
            })
            .expect(Failed, "train").expect(Succeeded, "report-failure").expect(Skipped, "report-success")
            .ends(FlowPhase.Failed, Reasons.STEP_FAILED),
        scenario("a finally step whose condition fails fails the flow")
            .steps("a", "!notify w=error")
            .run(d -> d.succeed("a"))
            .expect(Failed, "notify").expectReason(Reasons.EXPRESSION_ERROR, "notify")
            .ends(FlowPhase.Failed, Reasons.FINALLY_STEP_FAILED),
        scenario("Terminate skips steps waiting for their condition and cancels running ones")
            .steps("a", "b<a w=true", "c<b")
            .run(d -> d.shutdown(ShutdownPolicy.Terminate))
            .expect(Skipped, "b", "c").expect(Cancelled, "a")
            .ends(FlowPhase.Cancelled, Reasons.TERMINATED),
        scenario("a running step and its condition: the condition is only asked once the step's upstream ended")
            .steps("a", "b<a w=true")
            .run(d -> {
              assertEquals(Running, d.phase("a"));
              assertEquals(List.of(), d.evaluated);
              d.succeed("a").succeed("b");
            })
            .expect(Succeeded, "a", "b").ends(FlowPhase.Succeeded, Reasons.SUCCEEDED)
    );
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("scenarios")
  void rule(Scenario s) {
    SchedulerScenariosTest.play(s);
  }
}
