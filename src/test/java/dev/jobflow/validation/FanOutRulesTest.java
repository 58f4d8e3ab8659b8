package dev.jobflow.validation;

import static dev.jobflow.validation.ConditionRulesTest.assertProblem;
import static dev.jobflow.validation.ConditionRulesTest.step;
import static dev.jobflow.validation.JobFlowValidatorTest.spec;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Fan-out at admission, each problem with its field path: one source of items per step, {@code {{item}}} and
 * {@code item} only in fan-out steps, matrices and sequences within maxItems, maxItems within the cap, withParam
 * compiled and reading upstream steps only.
 */
class FanOutRulesTest {
  private final JobFlowValidator validator = new JobFlowValidator();

  private List<Problem> problems(String specYaml) throws Exception {
    return validator.validate(spec("f", specYaml));
  }

  @Test
  void everyKindOfFanOutIsValid() throws Exception {
    List<Problem> p = problems("  steps:\n"
        + step("list", "", "echo hi")
        + step("shard", "      withSequence: {count: 100000, format: 'shard-%05d'}\n      maxItems: 100000\n"
            + "      parallelism: 500\n", "run --shard={{item}} --n={{index}}")
        + step("per-file", "      dependsOn: [list]\n      withParam: steps.list.outputs.files\n"
            + "      when: \"item.size > 0 && index < 10\"\n", "process {{item.path}}")
        + step("grid", "      matrix: {lr: ['0.1', '0.01'], depth: ['4', '8']}\n", "train {{item.lr}} {{item.depth}}")
        + step("each", "      withItems: [a, {k: 1}, 3]\n", "echo {{item}}")
        + step("merge", "      depends: per-file.AnySucceeded && shard.AllFailed\n", "merge"));
    assertEquals(List.of(), p);
  }

  @Test
  void twoSourcesOnOneStepAreRefused() throws Exception {
    List<Problem> p = problems("  steps:\n"
        + step("a", "      withItems: [x]\n      withSequence: {count: 3}\n", "echo {{item}}"));
    assertProblem(p, "spec.steps[0].withSequence", "a step has one source of items, but this one has withItems and "
        + "withSequence");
  }

  @Test
  void itemOutsideAFanOutStepIsRefused() throws Exception {
    List<Problem> p = problems("  steps:\n"
        + step("a", "", "echo {{item}} {{index}}")
        + step("b", "      when: \"item == 'x'\"\n", "echo hi")
        + step("c", "      withItems: [x]\n", "echo {{item.}}"));
    assertProblem(p, "spec.steps[0].template.template.spec.containers[0].command[2]",
        "{{item}} outside a fan-out step");
    assertProblem(p, "spec.steps[0].template.template.spec.containers[0].command[2]",
        "{{index}} outside a fan-out step");
    assertProblem(p, "spec.steps[1].when", "item and index outside a fan-out step");
    assertProblem(p, "spec.steps[2].template.template.spec.containers[0].command[2]", "has an empty key");
  }

  @Test
  void aMatrixOverTheCapIsRefused() throws Exception {
    StringBuilder values = new StringBuilder();
    for (int i = 0; i < 400; i++) {
      values.append(i == 0 ? "" : ", ").append("'").append(i).append("'");
    }
    List<Problem> p = problems("  steps:\n"
        + step("grid", "      matrix: {a: [" + values + "], b: [" + values + "]}\n      maxItems: 100000\n", "echo")
        + step("small", "      matrix: {a: ['1', '2', '3']}\n      maxItems: 2\n", "echo")
        + step("empty", "      matrix: {a: []}\n", "echo"));
    assertProblem(p, "spec.steps[0].matrix", "the product of its lists (a 400 x b 400) is 160000 combinations, more "
        + "than maxItems (100000)");
    assertProblem(p, "spec.steps[1].matrix", "3 combinations, more than maxItems (2)");
    assertProblem(p, "spec.steps[2].matrix.a", "an empty list");
  }

  @Test
  void limitsSequencesAndFinallyStepsAreChecked() throws Exception {
    List<Problem> p = problems("  steps:\n"
        + step("a", "      withSequence: {count: 20000}\n", "echo")
        + step("b", "      withSequence: {start: 1}\n", "echo")
        + step("c", "      withSequence: {count: 3, format: '%s %s'}\n", "echo")
        + step("d", "      withItems: [x]\n      maxItems: 200000\n", "echo")
        + step("e", "      parallelism: 2\n", "echo")
        + "  finally:\n"
        + step("f", "      withItems: [x]\n", "echo"));
    assertProblem(p, "spec.steps[0].withSequence", "gives 20000 items, more than maxItems (10000)");
    assertProblem(p, "spec.steps[1].withSequence", "give count, or end");
    assertProblem(p, "spec.steps[2].withSequence.format", "cannot format a number");
    assertProblem(p, "spec.steps[3].maxItems", "over the controller's cap of 100000");
    assertProblem(p, "spec.steps[4].parallelism", "it needs withItems, withParam, withSequence or matrix");
    assertProblem(p, "spec.finally[0].withItems", "finally steps do not fan out");
  }

  @Test
  void aConfiguredCapBindsMaxItemsTheDefaultAndKnownLists() throws Exception {
    JobFlowValidator capped = new JobFlowValidator(new dev.jobflow.api.FanOutLimits(50));
    List<Problem> p = capped.validate(spec("f", "  steps:\n"
        + step("a", "      withItems: [x]\n      maxItems: 51\n", "echo")
        + step("b", "      withSequence: {count: 51}\n", "echo")
        + step("c", "      matrix: {x: ['1', '2', '3', '4', '5', '6', '7', '8'], y: ['1', '2', '3', '4', '5', '6', '7']}\n",
            "echo")
        + step("d", "      withSequence: {count: 50}\n      maxItems: 50\n", "echo")));
    assertProblem(p, "spec.steps[0].maxItems", "51 is over the controller's cap of 50 instances per step");
    assertProblem(p, "spec.steps[1].withSequence", "gives 51 items, more than maxItems (50)");
    assertProblem(p, "spec.steps[2].matrix", "56 combinations, more than maxItems (50)");
    assertEquals(3, p.size(), "step d is within the cap: " + p);
    assertEquals(List.of(), validator.validate(spec("f", "  steps:\n"
        + step("b", "      withSequence: {count: 51}\n", "echo"))), "the default cap lets 51 through");
  }

  @Test
  void withParamIsCompiledAndReadsOnlyUpstreamSteps() throws Exception {
    List<Problem> p = problems("  steps:\n"
        + step("list", "", "echo")
        + step("a", "      withParam: \"steps.list.outputs.files +\"\n", "echo")
        + step("b", "      withParam: steps.list.outputs.files\n", "echo")
        + step("c", "      dependsOn: [list]\n      withParam: \"[item]\"\n", "echo"));
    assertProblem(p, "spec.steps[1].withParam", "CEL: ");
    assertProblem(p, "spec.steps[2].withParam", "'list' is not upstream of 'b'");
    assertProblem(p, "spec.steps[3].withParam", "cannot read them");
  }
}
