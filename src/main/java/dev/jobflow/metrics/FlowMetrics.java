package dev.jobflow.metrics;

import dev.jobflow.api.FlowPhase;
import dev.jobflow.flow.FlowDefinition;
import dev.jobflow.flow.FlowEvent;
import dev.jobflow.flow.FlowId;
import dev.jobflow.flow.EngineHealth;
import dev.jobflow.flow.FlowListener;
import dev.jobflow.flow.FlowStatusUpdate;
import dev.jobflow.flow.StepDefinition;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Flow and step metrics from the journal's events as they are stored. Scheduling latency is measured as the
 * issue defines it: from the moment a step's last dependency succeeded (or the flow was accepted, for a step
 * without dependencies) to its first attempt's Job being created.
 */
public final class FlowMetrics implements FlowListener, EngineHealth {
  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(FlowMetrics.class);
  private static final Duration SLOW_RECOVERY = Duration.ofSeconds(1);
  private final JobflowMetrics metrics;
  private final Map<String, FlowTimes> flows = new ConcurrentHashMap<>();

  /** What one live flow needs remembered for durations; dropped when the entity passivates. */
  private static final class FlowTimes {
    Instant acceptedAt;
    final Map<String, List<String>> dependsOn = new HashMap<>();
    final Map<String, Instant> succeededAt = new HashMap<>();
    final Map<String, Instant> attemptStartedAt = new HashMap<>();
  }

  public FlowMetrics(JobflowMetrics metrics) {
    this.metrics = metrics;
  }

  @Override
  public void statusChanged(FlowStatusUpdate update) {}

  @Override
  public void eventRecorded(FlowId flow, FlowEvent event) {
    FlowTimes times = flows.computeIfAbsent(flow.uid(), k -> new FlowTimes());
    synchronized (times) {
      event.accept(new Count(times, flow.namespace(), event.meta().at()));
    }
  }

  /** What each event counts for, at the time it happened. */
  private final class Count implements FlowEvent.Handler<Void> {
    private final FlowTimes times;
    private final String ns;
    private final Instant at;

    Count(FlowTimes times, String ns, Instant at) {
      this.times = times;
      this.ns = ns;
      this.at = at;
    }

    @Override
    public Void flowAccepted(FlowEvent.FlowAccepted a) {
      accepted(times, a.definition(), at);
      metrics.flowStarted(ns);
      return null;
    }

    @Override
    public Void flowSuspended(FlowEvent.FlowSuspended e) {
      return null;
    }

    @Override
    public Void flowResumed(FlowEvent.FlowResumed e) {
      return null;
    }

    @Override
    public Void flowParallelismChanged(FlowEvent.FlowParallelismChanged e) {
      return null;
    }

    @Override
    public Void flowShutdownRequested(FlowEvent.FlowShutdownRequested e) {
      return null;
    }

    @Override
    public Void flowGenerationObserved(FlowEvent.FlowGenerationObserved e) {
      return null;
    }

    @Override
    public Void flowTimedOut(FlowEvent.FlowTimedOut e) {
      return null;
    }

    @Override
    public Void flowSucceeded(FlowEvent.FlowSucceeded e) {
      return finished(FlowPhase.Succeeded);
    }

    @Override
    public Void flowFailed(FlowEvent.FlowFailed e) {
      return finished(FlowPhase.Failed);
    }

    @Override
    public Void flowCancelled(FlowEvent.FlowCancelled e) {
      return finished(FlowPhase.Cancelled);
    }

    @Override
    public Void flowRetried(FlowEvent.FlowRetried e) {
      metrics.flowStarted(ns); // a new round: it runs again, and will finish again
      return null;
    }

    // Seen in status and Events; not a rate anyone alerts on (it happens once per restore).
    @Override
    public Void flowHistoryLost(FlowEvent.FlowHistoryLost e) {
      return null;
    }

    @Override
    public Void flowDeleted(FlowEvent.FlowDeleted e) {
      return null;
    }

    @Override
    public Void stepAttemptStarted(FlowEvent.StepAttemptStarted e) {
      return null; // counted once its Job exists (StepJobCreated)
    }

    @Override
    public Void stepJobCreated(FlowEvent.StepJobCreated c) {
      times.attemptStartedAt.put(c.step(), at);
      if (!c.adopted()) {
        metrics.stepAttemptStarted(ns);
        if (c.attempt() == 1) {
          schedulingLatency(times, c.step(), at).ifPresent(d -> metrics.stepScheduled(ns, d));
        }
      }
      return null;
    }

    @Override
    public Void stepSucceeded(FlowEvent.StepSucceeded s) {
      times.succeededAt.put(s.step(), at);
      metrics.stepAttemptSucceeded(ns, runTime(times, s.step(), at));
      return null;
    }

    @Override
    public Void stepRetryScheduled(FlowEvent.StepRetryScheduled r) {
      metrics.stepAttemptFailed(ns, r.reason(), runTime(times, r.step(), at));
      metrics.stepAttemptRetried(ns, r.reason());
      return null;
    }

    @Override
    public Void stepFailed(FlowEvent.StepFailed f) {
      if (f.attempt() > 0) { // attempt 0: its condition failed, no attempt ran
        metrics.stepAttemptFailed(ns, f.reason(), runTime(times, f.step(), at));
      }
      return null;
    }

    @Override
    public Void stepConditionEvaluated(FlowEvent.StepConditionEvaluated e) {
      return null;
    }

    @Override
    public Void stepSkipped(FlowEvent.StepSkipped e) {
      return null;
    }

    @Override
    public Void stepCancelled(FlowEvent.StepCancelled e) {
      return null;
    }

    @Override
    public Void stepExpanded(FlowEvent.StepExpanded e) {
      return null;
    }

    // Lock holders and waiters are the lock entities' gauges; a flow's own lock events count nothing here.
    @Override
    public Void flowLockRequested(FlowEvent.FlowLockRequested e) {
      return null;
    }

    @Override
    public Void flowLockGranted(FlowEvent.FlowLockGranted e) {
      return null;
    }

    @Override
    public Void flowLockReleased(FlowEvent.FlowLockReleased e) {
      return null;
    }

    // Pending approvals are a gauge taken from the flows' status (FlowCensus); the step's end counts as any step's.
    @Override
    public Void stepApprovalRequested(FlowEvent.StepApprovalRequested e) {
      return null;
    }

    @Override
    public Void stepApproved(FlowEvent.StepApproved e) {
      return null;
    }

    @Override
    public Void stepRejected(FlowEvent.StepRejected e) {
      return null;
    }

    private Void finished(FlowPhase phase) {
      metrics.flowFinished(ns, phase, since(times.acceptedAt, at));
      return null;
    }
  }

  @Override
  public void passivated(FlowId flow) {
    flows.remove(flow.uid());
  }

  @Override
  public void recovered(String uid, Duration took) {
    metrics.entityRecovered(took);
    if (took.compareTo(SLOW_RECOVERY) >= 0) { // a large flow's replay: what a restart waited for
      log.info("flow {} recovered from the journal in {} ms", uid, took.toMillis());
    }
  }

  @Override
  public void recoveryFailed(String uid, Duration took) {
    metrics.entityRecoveryFailed(took);
  }

  @Override
  public void persisted(int events, Duration took) {
    metrics.journalPersisted(took);
  }

  @Override
  public void persistFailed(String uid) {
    metrics.journalPersistFailed(JobflowMetrics.PersistFailure.FAILURE);
  }

  @Override
  public void actorStarted(boolean step) {
    metrics.actorStarted(step ? JobflowMetrics.ActorKind.STEP : JobflowMetrics.ActorKind.FLOW);
  }

  @Override
  public void actorStopped(boolean step) {
    metrics.actorStopped(step ? JobflowMetrics.ActorKind.STEP : JobflowMetrics.ActorKind.FLOW);
  }

  private static void accepted(FlowTimes times, FlowDefinition definition, Instant at) {
    times.acceptedAt = at;
    for (StepDefinition s : definition.steps()) {
      times.dependsOn.put(s.name(), s.dependsOn());
    }
  }

  private static java.util.Optional<Duration> schedulingLatency(FlowTimes times, String step, Instant createdAt) {
    List<String> deps = times.dependsOn.get(step);
    if (deps == null) {
      return java.util.Optional.empty(); // a finally step: it waits for the whole DAG, not for dependencies
    }
    Instant ready = deps.isEmpty() ? times.acceptedAt : null;
    {
      for (String d : deps) {
        Instant t = times.succeededAt.get(d);
        if (t == null) {
          return java.util.Optional.empty(); // recovered mid-flow: the dependency's success is not in memory
        }
        ready = ready == null || t.isAfter(ready) ? t : ready;
      }
    }
    return ready == null ? java.util.Optional.empty() : java.util.Optional.of(since(ready, createdAt));
  }

  private static Duration runTime(FlowTimes times, String step, Instant end) {
    return since(times.attemptStartedAt.get(step), end);
  }

  private static Duration since(Instant start, Instant end) {
    if (start == null || end.isBefore(start)) {
      return Duration.ZERO;
    }
    return Duration.between(start, end);
  }
}
