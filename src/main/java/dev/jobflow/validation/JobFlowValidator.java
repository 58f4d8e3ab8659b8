package dev.jobflow.validation;

import dev.jobflow.api.CronJobFlow;
import dev.jobflow.api.CronJobFlowSpec;
import dev.jobflow.api.FanOutLimits;
import dev.jobflow.api.JobFlow;
import dev.jobflow.api.JobFlowSpec;
import dev.jobflow.api.JobFlowTemplate;
import dev.jobflow.api.JobFlowTemplateSpec;
import dev.jobflow.api.Parameter;
import dev.jobflow.api.Step;
import dev.jobflow.api.TemplateParameter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The one validator: used by {@code jobflow validate}, the admission webhook and the controller, for JobFlows,
 * JobFlowTemplates and CronJobFlows alike. Reports every problem at once, each with its field path, in document
 * order: the object's own fields, then each step in turn, then dependency cycles, then what conditions and
 * placeholders read of other steps. The rules live in small classes by concern. A JobFlow with a {@code templateRef}
 * is checked for what it says itself here; its steps are the template's, checked when the template is applied and
 * again, resolved, when the flow is accepted.
 */
public final class JobFlowValidator {
  private final FanOutLimits limits;

  /** A validator with the default fan-out cap (tools without the controller's settings). */
  public JobFlowValidator() {
    this(FanOutLimits.DEFAULT);
  }

  /** A validator with the controller's fan-out cap ({@code jobflow.engine.fan-out}), the one the engine applies. */
  public JobFlowValidator(FanOutLimits limits) {
    this.limits = limits;
  }

  /** The fan-out limits this validator applies. */
  public FanOutLimits limits() {
    return limits;
  }

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
    checkFlowSpec(spec, problems);
    return problems;
  }

  /** Every problem of the template: its steps must make a valid flow with its declared parameters. */
  public List<Problem> validate(JobFlowTemplate template) {
    List<Problem> problems = new ArrayList<>();
    if (template == null) {
      problems.add(new Problem("", "no JobFlowTemplate given"));
      return problems;
    }
    NameRules.checkTemplateName(template.getMetadata(), problems);
    JobFlowTemplateSpec spec = template.getSpec();
    if (spec == null) {
      problems.add(new Problem("spec", "a template needs a spec with at least one step"));
      return problems;
    }
    checkFlowSpec(asFlowSpec(spec), problems);
    return problems;
  }

  /** Every problem of the schedule: its schedule, time zone and bounds, and the spec of the flows it creates. */
  public List<Problem> validate(CronJobFlow schedule) {
    List<Problem> problems = new ArrayList<>();
    if (schedule == null) {
      problems.add(new Problem("", "no CronJobFlow given"));
      return problems;
    }
    NameRules.checkScheduleName(schedule.getMetadata(), problems);
    CronJobFlowSpec spec = schedule.getSpec();
    if (spec == null) {
      problems.add(new Problem("spec", "a schedule needs a spec with a schedule and a flowSpec"));
      return problems;
    }
    ScheduleRules.check(spec, problems);
    if (spec.getFlowSpec() == null) {
      problems.add(new Problem("spec.flowSpec", "a schedule needs the spec of the flows it creates"));
    } else {
      List<Problem> flowProblems = new ArrayList<>();
      checkFlowSpec(spec.getFlowSpec(), flowProblems);
      for (Problem p : flowProblems) {
        problems.add(new Problem("spec.flowSpec" + p.path().substring("spec".length()), p.message()));
      }
    }
    return problems;
  }

  /** True when the flow has no problem. */
  public boolean isValid(JobFlow flow) {
    return validate(flow).isEmpty();
  }

  /**
   * A template's spec as the spec of a flow made from it: its parameters declared with their defaults (a required
   * one as the empty string), so that the flow rules, references included, apply unchanged.
   */
  public static JobFlowSpec asFlowSpec(JobFlowTemplateSpec template) {
    JobFlowSpec spec = new JobFlowSpec();
    spec.setFailurePolicy(template.getFailurePolicy());
    spec.setTimeout(template.getTimeout());
    spec.setSteps(template.getSteps());
    spec.setFinallySteps(template.getFinallySteps());
    List<Parameter> parameters = new ArrayList<>();
    if (template.getParameters() != null) {
      for (TemplateParameter p : template.getParameters()) {
        parameters.add(p == null ? null : new Parameter(p.getName(), p.getDefault() == null ? "" : p.getDefault()));
      }
    }
    spec.setParameters(parameters);
    return spec;
  }

  private void checkFlowSpec(JobFlowSpec spec, List<Problem> problems) {
    BoundsRules.checkFlow(spec, problems);
    SynchronizationRules.check(spec, problems);
    ParameterRules parameters = new ParameterRules();
    parameters.checkDeclarations(spec.getParameters(), problems);
    if (spec.usesTemplate()) {
      TemplateRefRules.check(spec, problems);
      return;
    }

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
        FanOutRules.checkStep(at, limits, problems);
        MatrixRules.checkStep(at, limits, problems);
        conditions.checkWithParam(at, problems);
      }
    }
    graph.checkCycles(problems);
    conditions.checkReads(graph, problems);
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
