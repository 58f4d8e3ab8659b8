package dev.jobflow.expr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jobflow.api.StepPhase;
import dev.jobflow.dag.Condition.Verdict;
import dev.jobflow.dag.ConditionInputs;
import dev.jobflow.dag.FlowFacts;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** CEL conditions: what they read, how they evaluate over a step's inputs, and how they fail. */
class WhenExpressionTest {
  static final FlowFacts FACTS = new FlowFacts("etl", "data", Map.of("team", "ml"), Map.of("env", "prod"));

  static ConditionInputs inputs(Map<String, ConditionInputs.StepResult> steps) {
    return new ConditionInputs() {
      @Override
      public FlowFacts flow() {
        return FACTS;
      }

      @Override
      public StepResult step(String name) {
        return steps.get(name);
      }

      @Override
      public List<String> stepsInScope() {
        return steps.keySet().stream().sorted().toList();
      }
    };
  }

  static final ConditionInputs.StepResult EXTRACT =
      new ConditionInputs.StepResult(StepPhase.Succeeded, null, Map.of("rows", "1200", "n", "abc"), 0);
  static final ConditionInputs.StepResult TRAIN = new ConditionInputs.StepResult(StepPhase.Failed, "BackoffLimitExceeded",
      Map.of(), 3);

  static Verdict eval(String when) {
    WhenExpression.Compilation c = WhenExpression.compile(when);
    assertTrue(c.isValid(), c.problems().toString());
    return c.expression().evaluate(inputs(Map.of("extract", EXTRACT, "train-model", TRAIN)));
  }

  @Test
  void evaluatesOverParamsStepsAndFlow() {
    assertEquals(Verdict.Kind.RUN, eval("int(steps.extract.outputs.rows) > 1000 && params.env == 'prod'").kind());
    assertEquals(Verdict.Kind.SKIP, eval("int(steps.extract.outputs.rows) < 10").kind());
    assertEquals(Verdict.Kind.RUN, eval("steps['train-model'].phase == 'Failed' && steps['train-model'].exitCode == 3").kind());
    assertEquals(Verdict.Kind.RUN, eval("flow.name == 'etl' && flow.namespace == 'data' && flow.labels.team == 'ml'").kind());
    assertEquals(Verdict.Kind.RUN, eval("steps.exists(s, steps[s].phase == 'Failed')").kind());
    assertEquals(Verdict.Kind.RUN, eval("has(steps.extract.outputs.rows) && !('x' in steps.extract.outputs)").kind());
  }

  @Test
  void runtimeFailuresCarryCelsMessage() {
    Verdict badInt = eval("int(steps.extract.outputs.n) > 1");
    assertEquals(Verdict.Kind.FAIL, badInt.kind());
    assertTrue(badInt.message().contains("abc"), badInt.message());
    Verdict missing = eval("steps.extract.outputs.nope == 'x'");
    assertEquals(Verdict.Kind.FAIL, missing.kind());
    assertTrue(missing.message().contains("key 'nope' is not present"), missing.message());
    Verdict notBool = eval("steps.extract.phase");
    assertEquals(Verdict.Kind.FAIL, notBool.kind());
    assertTrue(notBool.message().contains("must be true or false"), notBool.message());
  }

  @Test
  void knowsWhatItReads() {
    WhenExpression w = WhenExpression.compile("steps.a.phase == 'x' || steps['b'].outputs.k == params.env "
        + "|| steps.c.exitCode > 0").expression();
    assertEquals(List.of("a", "b", "c"), w.stepReads().stream().map(WhenExpression.StepRead::step).toList());
    assertEquals(List.of(false, true, true), w.stepReads().stream().map(WhenExpression.StepRead::readsResults).toList());
    assertEquals(java.util.Set.of("env"), w.paramsRead());
    assertFalse(w.readsAllSteps());
    assertTrue(WhenExpression.compile("steps.all(s, steps[s].phase == 'Succeeded')").expression().readsAllSteps());
  }

  @Test
  void theCostGrowsWithWhatAMacroIterates() {
    WhenExpression one = WhenExpression.compile("steps.all(s, steps[s].phase == 'Succeeded')").expression();
    WhenExpression two = WhenExpression.compile("steps.all(x, steps.all(y, steps[x].phase == steps[y].phase))")
        .expression();
    assertTrue(one.estimatedCost(10_000, 0) < 200_000, "one macro over 10,000 steps: " + one.estimatedCost(10_000, 0));
    assertTrue(two.estimatedCost(10_000, 0) > CostEstimate.LIMIT, "nested: " + two.estimatedCost(10_000, 0));
    assertTrue(WhenExpression.compile("params.env == 'prod'").expression().estimatedCost(10_000, 1) < 10);
  }

  @Test
  void compilationsAreCachedByTextAndErrorsDoNotLeakIntoTheNext() {
    assertSame(WhenExpression.compile("params.env == 'a'"), WhenExpression.compile("params.env == 'a'"));
    assertFalse(WhenExpression.compile("params.env == 1").isValid());
    assertTrue(WhenExpression.compile("params.env == 'b'").isValid(), "the checker is clean after an error");
  }
}
