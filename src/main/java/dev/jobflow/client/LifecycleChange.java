package dev.jobflow.client;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jobflow.api.FlowPhase;
import dev.jobflow.api.JobFlow;
import dev.jobflow.api.JobFlowSpec;
import dev.jobflow.api.MutableSpecFields;
import dev.jobflow.api.ShutdownPolicy;
import java.util.Objects;

/**
 * Pausing and ending a flow: each sets one of the fields a started flow may still change ({@link
 * MutableSpecFields}, the rule the admission webhook and the engine apply), and only while the engine still
 * acts on it, i.e. before the flow has finished ({@link FlowPhase#isFinished()}: a finished flow ignores
 * spec changes).
 */
public enum LifecycleChange implements FlowChange {
  SUSPEND("suspend", "suspend", true,
      "suspended: no new step starts; running steps finish (spec.suspend: true)", "is already suspended"),
  RESUME("resume", "suspend", false,
      "resumed: ready steps start again (spec.suspend: false)", "is not suspended"),
  STOP("stop", "shutdown", ShutdownPolicy.Stop,
      "stopping: no new step starts, running steps finish, then finally runs (spec.shutdown: Stop)",
      "is already stopping (spec.shutdown: Stop)"),
  TERMINATE("terminate", "shutdown", ShutdownPolicy.Terminate,
      "terminating: running steps are stopped now and finally is skipped (spec.shutdown: Terminate)",
      "is already being terminated (spec.shutdown: Terminate)");

  private final String verb;
  /** The one spec field this change sets, and its value afterwards. */
  private final String field;
  private final Object value;
  private final String made;
  private final String unchanged;

  LifecycleChange(String verb, String field, Object value, String made, String unchanged) {
    if (!MutableSpecFields.NAMES.contains(field)) {
      // The webhook would refuse the patch on every started flow.
      throw new IllegalStateException(verb + " sets spec." + field + ", which a started flow may not change");
    }
    this.verb = verb;
    this.field = field;
    this.value = value;
    this.made = made;
    this.unchanged = unchanged;
  }

  @Override
  public String verb() {
    return verb;
  }

  /**
   * A flow being deleted or already finished takes no lifecycle change; a shutdown that would soften the
   * one asked before ({@link ShutdownPolicy#after}) is refused rather than silently kept as it was.
   */
  @Override
  public String refusal(JobFlow flow) {
    if (flow.getMetadata().getDeletionTimestamp() != null) {
      return "it is being deleted";
    }
    FlowPhase phase = FlowStates.phase(flow);
    if (phase.isFinished()) {
      return phase == FlowPhase.Cancelled ? "it was already Cancelled" : "it already " + phase;
    }
    ShutdownPolicy asked = flow.getSpec().getShutdown();
    if (value instanceof ShutdownPolicy wanted && asked != null && ShutdownPolicy.after(asked, wanted) != wanted) {
      return "it is already being terminated (spec.shutdown: " + asked + ")";
    }
    return null;
  }

  @Override
  public boolean alreadyMade(JobFlow flow) {
    return Objects.equals(current(flow.getSpec()), value);
  }

  @Override
  public void patchSpec(ObjectNode spec) {
    if (value instanceof Boolean b) {
      spec.put(field, b);
    } else {
      spec.put(field, value.toString());
    }
  }

  @Override
  public String made() {
    return made;
  }

  @Override
  public String unchanged(JobFlow flow) {
    return unchanged;
  }

  private Object current(JobFlowSpec spec) {
    return field.equals("suspend") ? spec.isSuspended() : spec.getShutdown();
  }
}
