package dev.jobflow.controller;

import dev.jobflow.api.FlowPhase;
import dev.jobflow.flow.FlowDefinition;
import dev.jobflow.flow.FlowEvent;
import dev.jobflow.flow.FlowId;
import dev.jobflow.flow.FlowObserver;
import dev.jobflow.flow.FlowStatusUpdate;
import dev.jobflow.flow.StepDefinition;
import dev.jobflow.metrics.JobflowMetrics;
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
public final class MetricsFlowObserver implements FlowObserver {
  private final JobflowMetrics metrics;
  private final Map<String, FlowTimes> flows = new ConcurrentHashMap<>();

  /** What one live flow needs remembered for durations; dropped when the entity passivates. */
  private static final class FlowTimes {
    Instant acceptedAt;
    final Map<String, List<String>> dependsOn = new HashMap<>();
    final Map<String, Instant> succeededAt = new HashMap<>();
    final Map<String, Instant> attemptStartedAt = new HashMap<>();
  }

  public MetricsFlowObserver(JobflowMetrics metrics) {
    this.metrics = metrics;
  }

  @Override
  public void statusChanged(FlowStatusUpdate update) {}

  @Override
  public void eventRecorded(FlowId flow, FlowEvent event) {
    FlowTimes times = flows.computeIfAbsent(flow.uid(), k -> new FlowTimes());
    String ns = flow.namespace();
    Instant at = event.meta().at();
    synchronized (times) {
      if (event instanceof FlowEvent.FlowAccepted a) {
        accepted(times, a.definition(), at);
        metrics.flowStarted(ns);
      } else if (event instanceof FlowEvent.StepJobCreated c) {
        times.attemptStartedAt.put(c.step(), at);
        if (!c.adopted()) {
          metrics.stepAttemptStarted(ns);
          if (c.attempt() == 1) {
            schedulingLatency(times, c.step(), at).ifPresent(d -> metrics.stepScheduled(ns, d));
          }
        }
      } else if (event instanceof FlowEvent.StepSucceeded s) {
        times.succeededAt.put(s.step(), at);
        metrics.stepAttemptSucceeded(ns, runTime(times, s.step(), at));
      } else if (event instanceof FlowEvent.StepRetryScheduled r) {
        metrics.stepAttemptFailed(ns, r.reason(), runTime(times, r.step(), at));
        metrics.stepAttemptRetried(ns, r.reason());
      } else if (event instanceof FlowEvent.StepFailed f) {
        metrics.stepAttemptFailed(ns, f.reason(), runTime(times, f.step(), at));
      } else if (event instanceof FlowEvent.FlowSucceeded) {
        metrics.flowFinished(ns, FlowPhase.Succeeded, since(times.acceptedAt, at));
      } else if (event instanceof FlowEvent.FlowFailed) {
        metrics.flowFinished(ns, FlowPhase.Failed, since(times.acceptedAt, at));
      } else if (event instanceof FlowEvent.FlowCancelled) {
        metrics.flowFinished(ns, FlowPhase.Cancelled, since(times.acceptedAt, at));
      }
    }
  }

  @Override
  public void passivated(FlowId flow) {
    flows.remove(flow.uid());
  }

  @Override
  public void recovered(String uid, Duration took) {
    metrics.entityRecovered(took);
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
