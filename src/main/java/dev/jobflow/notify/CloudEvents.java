package dev.jobflow.notify;

import dev.jobflow.api.FlowPhase;
import dev.jobflow.api.JobFlow;
import dev.jobflow.flow.FlowDefinition;
import dev.jobflow.flow.FlowEvent;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Which journal events are notifications, and what each says. Plain mapping, no I/O: the flow's definition (from its
 * {@code FlowAccepted}) names the flow, the event gives the rest.
 */
public final class CloudEvents {
  private CloudEvents() {}

  /** {@code /apis/jobflow.dev/v1alpha1/namespaces/NS/jobflows/NAME}: the flow as the API server names it. */
  public static String source(String namespace, String name) {
    return "/apis/" + JobFlow.GROUP + "/" + JobFlow.VERSION + "/namespaces/" + namespace + "/jobflows/" + name;
  }

  /** The id every delivery of this journal event carries. */
  public static String id(String persistenceId, long sequenceNr) {
    return persistenceId + "/" + sequenceNr;
  }

  /** The notification this event of the flow is, empty when it is none. */
  public static Optional<CloudEvent> of(String persistenceId, long sequenceNr, FlowDefinition flow, FlowEvent event) {
    Mapping m = new Mapping(id(persistenceId, sequenceNr), flow);
    return Optional.ofNullable(event.accept(m));
  }

  private static final class Mapping implements FlowEvent.Handler<CloudEvent> {
    private final String id;
    private final FlowDefinition flow;

    Mapping(String id, FlowDefinition flow) {
      this.id = id;
      this.flow = flow;
    }

    private Map<String, Object> flowData() {
      Map<String, Object> d = new LinkedHashMap<>();
      d.put("namespace", flow.namespace());
      d.put("name", flow.name());
      d.put("uid", flow.uid());
      return d;
    }

    private CloudEvent flowEvent(String event, FlowEvent e, Map<String, Object> data) {
      return new CloudEvent(id, source(flow.namespace(), flow.name()), event, flow.name(), e.meta().at(), data);
    }

    private CloudEvent stepEvent(String event, FlowEvent e, Map<String, Object> data) {
      return new CloudEvent(id, source(flow.namespace(), flow.name()), event, flow.name() + "/steps/" + e.step(),
          e.meta().at(), data);
    }

    private CloudEvent finished(String event, FlowPhase phase, FlowEvent e) {
      Map<String, Object> d = flowData();
      d.put("phase", phase.name());
      putIfSet(d, "reason", e.reason());
      putIfSet(d, "message", e.message());
      return flowEvent(event, e, d);
    }

    @Override
    public CloudEvent flowAccepted(FlowEvent.FlowAccepted e) {
      Map<String, Object> d = flowData();
      d.put("phase", FlowPhase.Running.name());
      d.put("generation", e.definition().generation());
      if (e.definition().template() != null) {
        d.put("template", e.definition().template().name());
      }
      if (e.definition().labels() != null) {
        d.put("labels", e.definition().labels());
      }
      return flowEvent("flow.started", e, d);
    }

    @Override
    public CloudEvent flowSucceeded(FlowEvent.FlowSucceeded e) {
      return finished("flow.succeeded", FlowPhase.Succeeded, e);
    }

    @Override
    public CloudEvent flowFailed(FlowEvent.FlowFailed e) {
      return finished("flow.failed", FlowPhase.Failed, e);
    }

    @Override
    public CloudEvent flowCancelled(FlowEvent.FlowCancelled e) {
      return finished("flow.cancelled", FlowPhase.Cancelled, e);
    }

    @Override
    public CloudEvent stepFailed(FlowEvent.StepFailed e) {
      Map<String, Object> d = flowData();
      d.put("step", e.step());
      d.put("attempt", e.attempt());
      putIfSet(d, "job", e.job());
      putIfSet(d, "reason", e.reason());
      putIfSet(d, "message", e.message());
      putIfSet(d, "exitCode", e.exitCode());
      return stepEvent("step.failed", e, d);
    }

    @Override
    public CloudEvent stepApprovalRequested(FlowEvent.StepApprovalRequested e) {
      Map<String, Object> d = flowData();
      d.put("step", e.step());
      d.put("attempt", e.attempt());
      putIfSet(d, "message", e.message());
      Map<String, Object> approvers = new LinkedHashMap<>();
      approvers.put("users", e.users());
      approvers.put("groups", e.groups());
      d.put("approvers", approvers);
      putIfSet(d, "deadline", e.deadline() == null ? null : e.deadline().toString());
      return stepEvent("approval.requested", e, d);
    }

    // Not notifications: progress, controls and bookkeeping.

    @Override
    public CloudEvent flowSuspended(FlowEvent.FlowSuspended e) {
      return null;
    }

    @Override
    public CloudEvent flowResumed(FlowEvent.FlowResumed e) {
      return null;
    }

    @Override
    public CloudEvent flowParallelismChanged(FlowEvent.FlowParallelismChanged e) {
      return null;
    }

    @Override
    public CloudEvent flowShutdownRequested(FlowEvent.FlowShutdownRequested e) {
      return null;
    }

    @Override
    public CloudEvent flowGenerationObserved(FlowEvent.FlowGenerationObserved e) {
      return null;
    }

    @Override
    public CloudEvent flowTimedOut(FlowEvent.FlowTimedOut e) {
      return null; // the FlowFailed that follows says it (reason FlowTimedOut)
    }

    @Override
    public CloudEvent flowDeleted(FlowEvent.FlowDeleted e) {
      return null;
    }

    @Override
    public CloudEvent flowHistoryLost(FlowEvent.FlowHistoryLost e) {
      return null; // the controller's bookkeeping after a journal restore; the flow goes on
    }

    @Override
    public CloudEvent stepAttemptStarted(FlowEvent.StepAttemptStarted e) {
      return null;
    }

    @Override
    public CloudEvent stepJobCreated(FlowEvent.StepJobCreated e) {
      return null;
    }

    @Override
    public CloudEvent stepSucceeded(FlowEvent.StepSucceeded e) {
      return null;
    }

    @Override
    public CloudEvent stepRetryScheduled(FlowEvent.StepRetryScheduled e) {
      return null; // the step has not failed yet: a retry follows
    }

    @Override
    public CloudEvent stepSkipped(FlowEvent.StepSkipped e) {
      return null;
    }

    @Override
    public CloudEvent stepConditionEvaluated(FlowEvent.StepConditionEvaluated e) {
      return null;
    }

    @Override
    public CloudEvent stepCancelled(FlowEvent.StepCancelled e) {
      return null;
    }

    @Override
    public CloudEvent stepApproved(FlowEvent.StepApproved e) {
      return null;
    }

    @Override
    public CloudEvent stepRejected(FlowEvent.StepRejected e) {
      return null; // the StepFailed (reason Rejected) that follows says it
    }

    @Override
    public CloudEvent flowRetried(FlowEvent.FlowRetried e) {
      return null;
    }

    @Override
    public CloudEvent stepExpanded(FlowEvent.StepExpanded e) {
      return null;
    }

    @Override
    public CloudEvent flowLockRequested(FlowEvent.FlowLockRequested e) {
      return null; // waiting shows in the status and as a WaitingForLock Event; the start is what is notified
    }

    @Override
    public CloudEvent flowLockGranted(FlowEvent.FlowLockGranted e) {
      return null;
    }

    @Override
    public CloudEvent flowLockReleased(FlowEvent.FlowLockReleased e) {
      return null;
    }
  }

  private static void putIfSet(Map<String, Object> d, String key, Object value) {
    if (value != null) {
      d.put(key, value);
    }
  }
}
