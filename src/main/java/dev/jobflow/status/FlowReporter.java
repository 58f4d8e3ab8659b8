package dev.jobflow.status;

import dev.jobflow.api.FlowPhase;
import dev.jobflow.api.JobFlow;
import dev.jobflow.api.StepPhase;
import dev.jobflow.dag.Reasons;
import dev.jobflow.flow.FlowEvent;
import dev.jobflow.flow.FlowId;
import dev.jobflow.flow.FlowListener;
import dev.jobflow.flow.FlowStatusUpdate;
import dev.jobflow.flow.FlowSummary;
import dev.jobflow.status.EventRecorder.FlowRef;
import dev.jobflow.status.EventRecorder.Type;
import java.time.Clock;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Tells users what happens to their flows: mirrors each flow into its status subresource (coalesced, through
 * {@link FlowStatusProjection} and {@link StatusWriter}) and writes Kubernetes Events for what kubectl users need
 * to hear of. Called on the entities' threads, so everything here hands work off and returns at once.
 */
public final class FlowReporter implements FlowListener {
  private final StatusWriter statusWriter;
  private final EventRecorder events;
  private final int fullStatusLimit;
  private final Clock clock;
  private final Map<String, FlowStatusProjection> projections = new ConcurrentHashMap<>();

  public FlowReporter(StatusWriter statusWriter, EventRecorder events, int fullStatusLimit, Clock clock) {
    this.statusWriter = statusWriter;
    this.events = events;
    this.fullStatusLimit = fullStatusLimit;
    this.clock = clock;
  }

  @Override
  public void statusChanged(FlowStatusUpdate update) {
    FlowId id = update.flow();
    var projection = projections.computeIfAbsent(id.uid(), uid -> new FlowStatusProjection(fullStatusLimit));
    projection.fold(update);
    statusWriter.offer(target(id), projection::render);
  }

  @Override
  public void eventRecorded(FlowId flow, FlowEvent event) {
    KubeEvent k = event.accept(KubeEvent.OF);
    if (k != null) {
      events.record(new FlowRef(flow.namespace(), flow.name(), flow.uid()), k.type(), k.reason(), k.message());
    }
  }

  @Override
  public void passivated(FlowId flow) {
    projections.remove(flow.uid());
    events.forget(flow.uid());
  }

  /**
   * A flow the validator refuses never reaches the engine: its status (Failed, reason InvalidSpec, like any failed
   * flow's) and a Warning Event say every problem.
   */
  public void rejected(JobFlow flow, String problems) {
    FlowId id = new FlowId(flow.getMetadata().getNamespace(), flow.getMetadata().getName(),
        flow.getMetadata().getUid());
    long generation = flow.getMetadata().getGeneration() == null ? 0 : flow.getMetadata().getGeneration();
    int steps = flow.getSpec() == null || flow.getSpec().getSteps() == null ? 0 : flow.getSpec().getSteps().size();
    Map<StepPhase, Integer> none = new EnumMap<>(StepPhase.class);
    for (StepPhase p : StepPhase.values()) {
      none.put(p, 0);
    }
    // Rejected again (a resync, a restart): it failed when it was first rejected.
    var before = flow.getStatus();
    java.time.Instant finished = before != null && before.getPhase() == FlowPhase.Failed && before.getFinishedAt() != null
        ? java.time.Instant.parse(before.getFinishedAt()) : clock.instant();
    FlowSummary summary = new FlowSummary(FlowPhase.Failed, generation, steps, 0, none, null, finished,
        Reasons.INVALID_SPEC, "invalid spec: " + problems);
    statusWriter.offer(target(id),
        new FlowStatusProjection(fullStatusLimit).apply(new FlowStatusUpdate(id, summary, List.of(), true)));
    events.record(EventRecorder.FlowRef.of(flow), Type.Warning, Reasons.INVALID_SPEC, problems);
  }

  /** Forgets what was written for a flow that is gone from the API server. */
  public void flowGone(JobFlow flow) {
    var meta = flow.getMetadata();
    statusWriter.forget(new StatusWriter.Target(meta.getNamespace(), meta.getName(), meta.getUid()));
  }

  /** Whether the flow's status is what the controller last wrote for it (see {@link StatusWriter#isCurrent}). */
  public boolean isCurrent(JobFlow flow) {
    return statusWriter.isCurrent(flow);
  }

  private static StatusWriter.Target target(FlowId id) {
    return new StatusWriter.Target(id.namespace(), id.name(), id.uid());
  }

  /** The Kubernetes Event for a journal event, or null when kubectl users need not hear of it. */
  record KubeEvent(Type type, String reason, String message) {
    /** The reason of the Event (and the type of the status condition) of a flow whose journal lost history. */
    static final String HISTORY_LOST = FlowStatusProjection.HISTORY_LOST;
    static final FlowEvent.Handler<KubeEvent> OF = new FlowEvent.Handler<>() {
      @Override
      public KubeEvent flowAccepted(FlowEvent.FlowAccepted e) {
        return null;
      }

      @Override
      public KubeEvent flowSuspended(FlowEvent.FlowSuspended e) {
        return null;
      }

      @Override
      public KubeEvent flowResumed(FlowEvent.FlowResumed e) {
        return null;
      }

      @Override
      public KubeEvent flowParallelismChanged(FlowEvent.FlowParallelismChanged e) {
        return null;
      }

      @Override
      public KubeEvent flowShutdownRequested(FlowEvent.FlowShutdownRequested e) {
        return null;
      }

      @Override
      public KubeEvent flowGenerationObserved(FlowEvent.FlowGenerationObserved e) {
        return null;
      }

      @Override
      public KubeEvent flowTimedOut(FlowEvent.FlowTimedOut e) {
        return null; // FlowFailed follows with the reason
      }

      @Override
      public KubeEvent flowSucceeded(FlowEvent.FlowSucceeded f) {
        return new KubeEvent(Type.Normal, "FlowSucceeded", nz(f.message(), "all steps succeeded"));
      }

      @Override
      public KubeEvent flowFailed(FlowEvent.FlowFailed f) {
        return new KubeEvent(Type.Warning, "FlowFailed", f.reason() + ": " + nz(f.message()));
      }

      @Override
      public KubeEvent flowCancelled(FlowEvent.FlowCancelled f) {
        return new KubeEvent(Type.Normal, "FlowCancelled", f.reason() + ": " + nz(f.message()));
      }

      @Override
      public KubeEvent flowRetried(FlowEvent.FlowRetried e) {
        return new KubeEvent(Type.Normal, "FlowRetried", e.message());
      }

      @Override
      public KubeEvent flowHistoryLost(FlowEvent.FlowHistoryLost e) {
        return new KubeEvent(Type.Warning, HISTORY_LOST, e.message());
      }

      @Override
      public KubeEvent flowDeleted(FlowEvent.FlowDeleted e) {
        return null; // nobody can describe a deleted JobFlow
      }

      @Override
      public KubeEvent stepAttemptStarted(FlowEvent.StepAttemptStarted s) {
        if (s.job() == null) {
          return null; // an approval step: ApprovalRequested follows
        }
        return new KubeEvent(Type.Normal, "StepStarted", "step " + s.step() + " attempt " + s.attempt() + ": Job " + s.job());
      }

      @Override
      public KubeEvent stepJobCreated(FlowEvent.StepJobCreated e) {
        return null;
      }

      @Override
      public KubeEvent stepSucceeded(FlowEvent.StepSucceeded s) {
        return new KubeEvent(Type.Normal, "StepSucceeded", "step " + s.step() + " succeeded "
            + (s.job() == null ? "(" + nz(s.message()) + ")" : "(Job " + s.job() + ")"));
      }

      @Override
      public KubeEvent stepRetryScheduled(FlowEvent.StepRetryScheduled s) {
        return new KubeEvent(Type.Warning, "StepRetrying", "step " + s.step() + " attempt " + s.attempt() + " failed ("
            + s.reason() + ": " + nz(s.message()) + "); attempt " + s.nextAttempt() + " at " + s.nextAttemptAt());
      }

      @Override
      public KubeEvent stepFailed(FlowEvent.StepFailed s) {
        String after = s.attempt() == 0 ? " before it started" : " after " + s.attempt() + " attempt(s)";
        return new KubeEvent(Type.Warning, "StepFailed",
            "step " + s.step() + " failed" + after + ": " + s.reason() + ": " + nz(s.message()));
      }

      @Override
      public KubeEvent stepSkipped(FlowEvent.StepSkipped e) {
        return null;
      }

      @Override
      public KubeEvent stepConditionEvaluated(FlowEvent.StepConditionEvaluated e) {
        return null; // StepStarted follows
      }

      @Override
      public KubeEvent stepCancelled(FlowEvent.StepCancelled e) {
        return null; // FlowCancelled or FlowFailed follows
      }

      @Override
      public KubeEvent stepExpanded(FlowEvent.StepExpanded e) {
        return new KubeEvent(Type.Normal, "StepExpanded", "step " + e.step() + ": " + e.message());
      }

      @Override
      public KubeEvent flowLockRequested(FlowEvent.FlowLockRequested e) {
        return new KubeEvent(Type.Normal, Reasons.WAITING_FOR_LOCK, e.message());
      }

      @Override
      public KubeEvent flowLockGranted(FlowEvent.FlowLockGranted e) {
        return new KubeEvent(Type.Normal, Reasons.LOCK_GRANTED, e.message());
      }

      @Override
      public KubeEvent flowLockReleased(FlowEvent.FlowLockReleased e) {
        return null; // the flow's finish says it; the audit trail has the release
      }

      @Override
      public KubeEvent stepApprovalRequested(FlowEvent.StepApprovalRequested e) {
        List<String> who = new java.util.ArrayList<>(e.users());
        e.groups().forEach(g -> who.add("group:" + g));
        return new KubeEvent(Type.Normal, Reasons.APPROVAL_REQUESTED, "step " + e.step() + " waits for approval by "
            + String.join(", ", who) + (e.deadline() == null ? "" : " until " + e.deadline())
            + (e.message() == null ? "" : ": " + e.message()));
      }

      @Override
      public KubeEvent stepApproved(FlowEvent.StepApproved e) {
        return new KubeEvent(Type.Normal, "StepApproved", "step " + e.step() + ": " + nz(e.message()));
      }

      @Override
      public KubeEvent stepRejected(FlowEvent.StepRejected e) {
        return null; // StepFailed (reason Rejected) follows and names who
      }
    };

    private static String nz(String s) {
      return s == null ? "" : s;
    }

    private static String nz(String s, String fallback) {
      return s == null || s.isBlank() ? fallback : s;
    }
  }
}
