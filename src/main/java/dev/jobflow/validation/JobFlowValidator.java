package dev.jobflow.validation;

import dev.jobflow.api.JobFlow;
import dev.jobflow.api.JobFlowSpec;
import dev.jobflow.api.Step;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The one validator: used by {@code jobflow validate}, the admission webhook and the controller.
 * Reports every problem at once, each with its field path, in document order: the flow's own fields,
 * then each step in turn, then dependency cycles, then what conditions and placeholders read of other steps. The
 * rules live in small classes by concern.
 */
public final class JobFlowValidator {

  /** Every problem of the flow; empty when it is valid. */
  public List<Problem> validate(JobFlow flow) {
    List<Problem> problems = new ArrayList<>();
    if (flow == null) {
      problems.add(new Problem("", "no JobFlow given"));
      return problems;
    }
    NameRules.checkFlowName(flow.getMetadata(), problems);
    JobFlowSpec spec = flow.getSpec();
    if (spec == null) {
      problems.add(new Problem("spec", "a flow needs a spec with at least one step"));
      return problems;
    }
    BoundsRules.checkFlow(spec, problems);
    ParameterRules parameters = new ParameterRules();
    parameters.checkDeclarations(spec.getParameters(), problems);

    List<StepAt> steps = locate(spec.getSteps(), "spec.steps", false, problems);
    List<StepAt> finallySteps = locate(spec.getFinallySteps(), "spec.finally", true, problems);
    if (spec.getSteps() == null || spec.getSteps().isEmpty()) {
      problems.add(new Problem("spec.steps", "a flow needs at least one step"));
    }
    GraphRules graph = new GraphRules(steps, finallySteps);
    ConditionRules conditions = new ConditionRules(parameters, steps.size());
    Map<String, String> names = new HashMap<>();
    for (List<StepAt> list : List.of(steps, finallySteps)) {
      for (StepAt at : list) {
        if (at == null) {
          continue;
        }
        NameRules.checkStepName(at, names, problems);
        graph.checkDependencies(at, problems);
        BoundsRules.checkStep(at, problems);
        TemplateRules.checkStep(at, problems);
        parameters.checkReferences(at, conditions, problems);
        conditions.checkWhen(at, problems);
      }
    }
    graph.checkCycles(problems);
    conditions.checkReads(graph, problems);
    return problems;
  }

  /** True when the flow has no problem. */
  public boolean isValid(JobFlow flow) {
    return validate(flow).isEmpty();
  }

  /** Pairs each step with its path; an empty entry ({@code - } in YAML) is a problem and stays null. */
  private static List<StepAt> locate(List<Step> list, String listPath, boolean isFinally, List<Problem> problems) {
    if (list == null) {
      return List.of();
    }
    List<StepAt> located = new ArrayList<>(list.size());
    for (int i = 0; i < list.size(); i++) {
      Step step = list.get(i);
      String path = listPath + "[" + i + "]";
      if (step == null) {
        problems.add(new Problem(path, "empty step: every step needs a name and a template"));
        located.add(null);
      } else {
        located.add(new StepAt(step, path, isFinally, i));
      }
    }
    return located;
  }
}
