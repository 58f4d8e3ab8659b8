package dev.jobflow.template;

import dev.jobflow.api.JobFlow;
import dev.jobflow.api.JobFlowTemplate;
import dev.jobflow.validation.Problem;
import java.util.List;

/** What a flow runs once its {@code templateRef} is resolved, or why it cannot be. */
public sealed interface Resolution {

  /**
   * @param flow the flow as it runs: the template's steps, its own parameters merged with the template's defaults
   * @param template the template it came from (null when the flow names none): name, uid and resourceVersion are
   *     what the journal records
   */
  record Resolved(JobFlow flow, JobFlowTemplate template) implements Resolution {}

  /** The flow names a template that does not exist (in its namespace). */
  record TemplateNotFound(String namespace, String name) implements Resolution {
    public Problem problem() {
      return new Problem("spec.templateRef.name", "no JobFlowTemplate '" + name + "' "
          + (namespace == null ? "among the files given (pass the template's file too)"
          : "in namespace '" + namespace + "'"));
    }
  }

  /** The template exists, but the flow's parameters do not fit it. */
  record Invalid(List<Problem> problems) implements Resolution {}

  /** The problems to report; empty when resolved. */
  default List<Problem> problems() {
    if (this instanceof TemplateNotFound missing) {
      return List.of(missing.problem());
    }
    return this instanceof Invalid invalid ? invalid.problems() : List.of();
  }
}
