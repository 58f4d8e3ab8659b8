package dev.jobflow.validation;

import dev.jobflow.api.JobFlowSpec;
import java.util.List;

/**
 * A flow that runs a JobFlowTemplate names it and takes its steps from it. Whether the template exists and gets
 * every parameter it requires is known only against the cluster (or the files given): the webhook, the controller
 * and {@code jobflow validate} check that when they resolve it ({@code dev.jobflow.template}).
 */
final class TemplateRefRules {
  private TemplateRefRules() {}

  static void check(JobFlowSpec spec, List<Problem> problems) {
    String name = spec.getTemplateRef().getName();
    if (name == null || name.isEmpty()) {
      problems.add(new Problem("spec.templateRef.name", "name the JobFlowTemplate to run"));
    } else if (!NameLimits.isDnsLabel(name)) {
      problems.add(new Problem("spec.templateRef.name", "'" + name + "' is not a template name: use lowercase "
          + "letters, digits and '-', starting and ending with a letter or digit"));
    }
    if (spec.getSteps() != null && !spec.getSteps().isEmpty()) {
      problems.add(new Problem("spec.steps", "a flow with spec.templateRef takes its steps from the template: "
          + "remove spec.steps, or the templateRef"));
    }
    if (spec.getFinallySteps() != null && !spec.getFinallySteps().isEmpty()) {
      problems.add(new Problem("spec.finally", "a flow with spec.templateRef takes its finally steps from the "
          + "template: remove spec.finally, or the templateRef"));
    }
  }
}
