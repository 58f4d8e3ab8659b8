package dev.jobflow.validation;

import dev.jobflow.api.JobFlow;
import java.util.ArrayList;
import java.util.List;

/**
 * The one validator: used by {@code jobflow validate}, the admission webhook and the controller.
 * Reports every problem at once, each with its field path.
 */
public final class JobFlowValidator {

  /** Every problem of the flow; empty when it is valid. */
  public List<Problem> validate(JobFlow flow) {
    List<Problem> problems = new ArrayList<>();
    if (flow.getSpec() == null || flow.getSpec().getSteps() == null || flow.getSpec().getSteps().isEmpty()) {
      problems.add(new Problem("spec.steps", "a flow needs at least one step"));
    }
    return problems;
  }
}
