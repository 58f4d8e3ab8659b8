package dev.jobflow.client;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jobflow.api.FlowPhase;
import dev.jobflow.api.JobFlow;
import dev.jobflow.api.RetryRequest;
import dev.jobflow.api.Step;
import java.util.List;
import java.util.Map;

/**
 * Retrying a finished flow in place ({@code jobflow retry}): a new value of the {@link RetryRequest#ANNOTATION}
 * annotation (the previous value plus one), the step to restart from (or none), and {@code spec.shutdown} removed so
 * the retried flow does not stop again. The admission webhook stamps who asked; the engine decides which steps run
 * again ({@code dev.jobflow.dag.RetryPlan}).
 */
public final class RetryChange implements FlowChange {
  private final String step;

  /** @param step the DAG step to restart from (it and everything downstream run again), null for none */
  public RetryChange(String step) {
    this.step = step;
  }

  @Override
  public String verb() {
    return "retry";
  }

  @Override
  public String refusal(JobFlow flow) {
    if (flow.getMetadata().getDeletionTimestamp() != null) {
      return "it is being deleted";
    }
    FlowPhase phase = FlowStates.phase(flow);
    if (phase != FlowPhase.Failed && phase != FlowPhase.Cancelled) {
      return "it is " + phase + "; only a Failed or Cancelled flow is retried"
          + (phase == FlowPhase.Succeeded ? " (jobflow resubmit runs it anew)" : "");
    }
    List<Step> steps = flow.getSpec().getSteps();
    if (step != null && steps != null && !steps.isEmpty() && steps.stream().noneMatch(s -> step.equals(s.getName()))) {
      return "it has no step '" + step + "' in spec.steps";
    }
    return null;
  }

  @Override
  public boolean alreadyMade(JobFlow flow) {
    return false; // every retry is a new request
  }

  @Override
  public void patchSpec(ObjectNode spec) {
    spec.putNull("shutdown"); // a merge patch's null removes the field
  }

  @Override
  public void patchMetadata(ObjectNode metadata, JobFlow flow) {
    ObjectNode annotations = metadata.putObject("annotations");
    annotations.put(RetryRequest.ANNOTATION, nextRequest(flow.getMetadata().getAnnotations()));
    if (step == null) {
      annotations.putNull(RetryRequest.STEP_ANNOTATION);
    } else {
      annotations.put(RetryRequest.STEP_ANNOTATION, step);
    }
  }

  /** The previous request plus one when it was a number (as this command writes them), else 1. */
  static String nextRequest(Map<String, String> annotations) {
    String previous = annotations == null ? null : annotations.get(RetryRequest.ANNOTATION);
    try {
      return previous == null ? "1" : Long.toString(Long.parseLong(previous.trim()) + 1);
    } catch (NumberFormatException e) {
      return "1";
    }
  }

  @Override
  public String made() {
    return "retried: its failed, skipped and cancelled steps" + (step == null ? "" : ", step '" + step + "'")
        + " and everything downstream, then finally, run again as new attempts; succeeded steps keep their results";
  }

  @Override
  public String unchanged(JobFlow flow) {
    return "was not retried";
  }
}
