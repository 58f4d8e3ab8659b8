package dev.jobflow.validation;

import static dev.jobflow.validation.JobFlowValidatorTest.spec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Conditions at admission: CEL's syntax and type errors with its message and column, what a condition and a
 * placeholder may read (declared parameters, upstream steps), the cost bound, depends and dependsOn, parameters that
 * need a value.
 */
class ConditionRulesTest {
  private final JobFlowValidator validator = new JobFlowValidator();

  /** A step with a command and extra fields (indented as under a step). */
  static String step(String name, String fields, String command) {
    return "    - name: " + name + "\n" + fields
        + "      template: {template: {spec: {restartPolicy: Never, containers: [{name: main, image: busybox, command: "
        + "[sh, -c, \"" + command + "\"]}]}}}\n";
  }

  private List<Problem> problems(String specYaml) throws Exception {
    return validator.validate(spec("f", specYaml));
  }

  static void assertProblem(List<Problem> problems, String path, String messagePart) {
    assertTrue(problems.stream().anyMatch(p -> p.path().equals(path) && p.message().contains(messagePart)),
        "expected a problem at " + path + " containing '" + messagePart + "', got " + problems);
  }

  @Test
  void aFlowWithConditionsOutputsAndDependsIsValid() throws Exception {
    List<Problem> p = problems("  parameters: [{name: env, default: dev}]\n  steps:\n"
        + step("extract", "", "echo hi")
        + step("train", "      dependsOn: [extract]\n"
            + "      when: \"int(steps.extract.outputs.rows) > 1000 && params.env == 'prod'\"\n",
            "train --table={{steps.extract.outputs.table}}")
        + step("report", "      depends: \"train.Failed || extract.Failed\"\n"
            + "      when: \"steps['train'].phase == 'Failed' || has(steps.extract.outputs.rows)\"\n", "echo {{steps.train.phase}}")
        + step("lint", "      continueOn: {failed: true}\n", "lint")
        + "  finally:\n"
        + step("notify", "      when: \"steps.exists(s, steps[s].phase == 'Failed') && flow.labels['team'] == 'data'\"\n",
            "echo {{steps.train.exitCode}} {{steps.lint.phase}}"));
    assertEquals(List.of(), p);
  }

  @Test
  void celSyntaxAndTypeErrorsCarryCelsMessageAndColumn() throws Exception {
    List<Problem> p = problems("  parameters: [{name: env, value: prod}]\n  steps:\n"
        + step("a", "      when: \"params.env == \"\n", "true")
        + step("b", "      when: \"params.env == 3\"\n", "true")
        + step("c", "      when: \"nope && true\"\n", "true")
        + step("d", "      when: \"'just a string'\"\n", "true"));
    assertProblem(p, "spec.steps[0].when", "CEL: mismatched input '<EOF>'");
    assertProblem(p, "spec.steps[0].when", "at column 15 in 'params.env == '");
    assertProblem(p, "spec.steps[1].when", "CEL: found no matching overload for '_==_' applied to '(string, int)'");
    assertProblem(p, "spec.steps[1].when", "at column 12 in 'params.env == 3'");
    assertProblem(p, "spec.steps[2].when", "CEL: undeclared reference to 'nope'");
    assertProblem(p, "spec.steps[3].when", "CEL: expected type 'bool' but found 'string'");
  }

  @Test
  void conditionsReadDeclaredParametersAndUpstreamStepsOnly() throws Exception {
    List<Problem> p = problems("  parameters: [{name: env, value: prod}]\n  steps:\n"
        + step("a", "", "true")
        + step("b", "      when: \"steps.a.phase == 'Succeeded'\"\n", "true")
        + step("c", "      dependsOn: [a]\n      when: \"params.envv == 'x' && steps.nope.phase == 'x' && steps.a.phse == 'x'\"\n", "true")
        + step("d", "      dependsOn: [c]\n      when: \"steps.a.outputs.rows == '1' && steps.notify.phase == 'x' && steps.d.phase == ''\"\n", "true")
        + step("e", "      when: \"flow.nmae == 'x' || [1].all(steps, steps > 0)\"\n", "true")
        + "  finally:\n" + step("notify", "", "true"));
    assertProblem(p, "spec.steps[1].when", "steps.a (column 1): 'a' is not upstream of 'b', so it may not have ended when 'b' starts: add it to dependsOn");
    assertProblem(p, "spec.steps[2].when", "unknown parameter 'params.envv': declare it in spec.parameters");
    assertProblem(p, "spec.steps[2].when", "no step named 'nope' in spec.steps");
    assertProblem(p, "spec.steps[2].when", "steps.a.phse: a step has phase, outputs and exitCode");
    assertTrue(p.stream().noneMatch(x -> x.path().equals("spec.steps[3].when") && x.message().contains("steps.a ")),
        "a is upstream of d through c: " + p);
    assertProblem(p, "spec.steps[3].when", "'notify' is a finally step; a step reads DAG steps only");
    assertProblem(p, "spec.steps[3].when", "a step cannot read itself");
    assertProblem(p, "spec.steps[4].when", "flow.nmae: flow has name, namespace and labels");
    assertProblem(p, "spec.steps[4].when", "'steps' is a variable of the condition");
  }

  @Test
  void placeholdersNameUpstreamStepsAndAreWellFormed() throws Exception {
    List<Problem> p = problems("  steps:\n"
        + step("a", "", "true")
        + step("b", "", "echo {{steps.a.outputs.rows}}")
        + step("c", "      dependsOn: [a]\n", "echo {{steps.a.outputs.rows}} {{steps.a.output.rows}} {{steps.zz.phase}}"));
    String cmd = ".template.template.spec.containers[0].command[2]";
    assertProblem(p, "spec.steps[1]" + cmd, "{{steps.a.outputs.rows}}: 'a' is not upstream of 'b'");
    assertProblem(p, "spec.steps[2]" + cmd, "'{{steps.a.output.rows}}' is not a step placeholder");
    assertProblem(p, "spec.steps[2]" + cmd, "{{steps.zz.phase}}: no step named 'zz'");
    assertEquals(3, p.size(), p.toString());
  }

  @Test
  void dependsIsCheckedLikeDependsOnAndExcludesIt() throws Exception {
    List<Problem> p = problems("  steps:\n"
        + step("a", "      depends: \"b && c.Failled\"\n", "true")
        + step("b", "      depends: \"a.Succeeded || nope\"\n", "true")
        + step("c", "      dependsOn: [a]\n      depends: \"a.Failed\"\n", "true")
        + step("d", "      depends: \"d.Failed || notify\"\n", "true")
        + "  finally:\n" + step("notify", "      depends: \"a\"\n", "true"));
    assertProblem(p, "spec.steps[0].depends", "'c.Failled' is not a step result; use one of Succeeded, Failed");
    assertProblem(p, "spec.steps[1].depends", "no step named 'nope' in spec.steps");
    assertProblem(p, "spec.steps[2].depends", "a step has dependsOn or depends, not both");
    assertProblem(p, "spec.steps[3].depends", "step 'd' cannot depend on itself");
    assertProblem(p, "spec.steps[3].depends", "'notify' is a finally step");
    assertProblem(p, "spec.finally[0].depends", "finally steps start once the whole DAG has settled and cannot have depends");
  }

  @Test
  void dependsNamesAreEdgesOfTheCycleCheck() throws Exception {
    List<Problem> p = problems("  steps:\n"
        + step("a", "      depends: \"b.Failed\"\n", "true")
        + step("b", "      depends: \"a || a.Skipped\"\n", "true"));
    assertProblem(p, "spec.steps[0].depends", "dependency cycle: a -> b -> a");
  }

  @Test
  void conditionsOverTheCostBoundAreRefused() throws Exception {
    StringBuilder steps = new StringBuilder("  steps:\n");
    for (int i = 0; i < 100; i++) {
      steps.append(step("s" + i, "", "true"));
    }
    String nested = "steps.all(x, steps.all(y, steps.all(z, steps[x].phase == steps[y].phase)))";
    List<Problem> p = problems(steps + "  finally:\n"
        + step("notify", "      when: \"" + nested + "\"\n", "true")
        + step("twice", "      when: \"steps.all(x, steps.all(y, steps[x].phase == steps[y].phase))\"\n", "true"));
    assertProblem(p, "spec.finally[0].when", "is over the limit of 1000000");
    assertEquals(1, p.size(), "two levels over 100 steps are within the bound: " + p);
  }

  @Test
  void aParameterWithADefaultNeedsNoValue() throws Exception {
    assertEquals(List.of(), problems("  parameters: [{name: env, default: dev}]\n  steps:\n"
        + step("a", "", "echo {{params.env}}")));
    assertProblem(problems("  parameters: [{name: env}]\n  steps:\n" + step("a", "", "echo {{params.env}}")),
        "spec.parameters[0].value", "parameter 'env' has no value and no default");
  }
}
