package dev.jobflow.client;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jobflow.admission.SpecChanges;
import dev.jobflow.api.FlowPhase;
import dev.jobflow.api.JobFlow;
import dev.jobflow.api.ShutdownPolicy;

/**
 * Pausing and ending a flow: the fields a started flow may still change (the admission webhook's
 * {@link SpecChanges#MUTABLE_WHILE_STARTED}), set only while the engine still acts on them, i.e. before the
 * flow has finished ({@link FlowPhase#isFinished()}: a finished flow ignores spec changes).
 */
public enum LifecycleChange implements FlowChange {
  SUSPEND("suspend", "suspend", "suspended: no new step starts; running steps finish (spec.suspend: true)") {
    @Override
    public boolean alreadyMade(JobFlow flow) {
      return flow.getSpec().isSuspended();
    }

    @Override
    public void patchSpec(ObjectNode spec) {
      spec.put(field, true);
    }

    @Override
    public String unchanged(JobFlow flow) {
      return "is already suspended";
    }
  },
  RESUME("resume", "suspend", "resumed: ready steps start again (spec.suspend: false)") {
    @Override
    public boolean alreadyMade(JobFlow flow) {
      return !flow.getSpec().isSuspended();
    }

    @Override
    public void patchSpec(ObjectNode spec) {
      spec.put(field, false);
    }

    @Override
    public String unchanged(JobFlow flow) {
      return "is not suspended";
    }
  },
  STOP("stop", "shutdown", "stopping: no new step starts, running steps finish, then finally runs (spec.shutdown: Stop)") {
    @Override
    public String refusal(JobFlow flow) {
      String common = super.refusal(flow);
      if (common == null && ShutdownPolicy.after(flow.getSpec().getShutdown(), ShutdownPolicy.Stop) != ShutdownPolicy.Stop) {
        return "it is already being terminated (spec.shutdown: " + flow.getSpec().getShutdown() + ")";
      }
      return common;
    }

    @Override
    public boolean alreadyMade(JobFlow flow) {
      return flow.getSpec().getShutdown() == ShutdownPolicy.Stop;
    }

    @Override
    public void patchSpec(ObjectNode spec) {
      spec.put(field, ShutdownPolicy.Stop.name());
    }

    @Override
    public String unchanged(JobFlow flow) {
      return "is already stopping (spec.shutdown: Stop)";
    }
  },
  TERMINATE("terminate", "shutdown", "terminating: running steps are stopped now and finally is skipped (spec.shutdown: Terminate)") {
    @Override
    public boolean alreadyMade(JobFlow flow) {
      return flow.getSpec().getShutdown() == ShutdownPolicy.Terminate;
    }

    @Override
    public void patchSpec(ObjectNode spec) {
      spec.put(field, ShutdownPolicy.Terminate.name());
    }

    @Override
    public String unchanged(JobFlow flow) {
      return "is already being terminated (spec.shutdown: Terminate)";
    }
  };

  private final String verb;
  /** The one spec field this change sets. */
  final String field;
  private final String made;

  LifecycleChange(String verb, String field, String made) {
    if (!SpecChanges.MUTABLE_WHILE_STARTED.contains(field)) {
      // The webhook would refuse the patch on every started flow.
      throw new IllegalStateException(verb + " sets spec." + field + ", which a started flow may not change");
    }
    this.verb = verb;
    this.field = field;
    this.made = made;
  }

  @Override
  public String verb() {
    return verb;
  }

  @Override
  public String made() {
    return made;
  }

  /** A flow being deleted or already finished takes no lifecycle change. */
  @Override
  public String refusal(JobFlow flow) {
    if (flow.getMetadata().getDeletionTimestamp() != null) {
      return "it is being deleted";
    }
    FlowPhase phase = FlowStates.phase(flow);
    if (phase.isFinished()) {
      return phase == FlowPhase.Cancelled ? "it was already Cancelled" : "it already " + phase;
    }
    return null;
  }
}
