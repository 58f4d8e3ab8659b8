package dev.jobflow.controller;

import dev.jobflow.flow.FlowEvent;
import dev.jobflow.flow.FlowId;
import dev.jobflow.flow.FlowObserver;
import dev.jobflow.flow.FlowStatusUpdate;
import dev.jobflow.kube.EventRecorder;
import dev.jobflow.kube.EventRecorder.FlowRef;
import dev.jobflow.kube.EventRecorder.Type;
import dev.jobflow.kube.FlowStatusProjection;
import dev.jobflow.kube.StatusWriter;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the controller does when a flow changes: mirror it into the status subresource (coalesced), tell
 * kubectl users through Events, and count it. Called on the
 * entities' threads, so everything here hands work off and returns at once.
 */
public final class ControllerObserver implements FlowObserver {
  private final StatusWriter statusWriter;
  private final EventRecorder events;
  private final int fullStatusLimit;
  private final FlowObserver metrics;
  private final Map<String, FlowStatusProjection> projections = new ConcurrentHashMap<>();

  public ControllerObserver(StatusWriter statusWriter, EventRecorder events, int fullStatusLimit,
      FlowObserver metrics) {
    this.statusWriter = statusWriter;
    this.events = events;
    this.fullStatusLimit = fullStatusLimit;
    this.metrics = metrics;
  }

  @Override
  public void statusChanged(FlowStatusUpdate update) {
    FlowId id = update.flow();
    var projection = projections.computeIfAbsent(id.uid(), uid -> new FlowStatusProjection(fullStatusLimit));
    statusWriter.offer(new StatusWriter.Target(id.namespace(), id.name(), id.uid()), projection.apply(update));
    metrics.statusChanged(update);
  }

  @Override
  public void eventRecorded(FlowId flow, FlowEvent event) {
    metrics.eventRecorded(flow, event);
    KubeEvent k = KubeEvent.of(event);
    if (k != null) {
      events.record(new FlowRef(flow.namespace(), flow.name(), flow.uid()), k.type(), k.reason(), k.message());
    }
  }

  @Override
  public void passivated(FlowId flow) {
    metrics.passivated(flow);
    projections.remove(flow.uid());
    events.forget(flow.uid());
  }

  @Override
  public void recovered(String uid, java.time.Duration took) {
    metrics.recovered(uid, took);
  }

  @Override
  public void recoveryFailed(String uid, java.time.Duration took) {
    metrics.recoveryFailed(uid, took);
  }

  @Override
  public void persisted(int events, java.time.Duration took) {
    metrics.persisted(events, took);
  }

  @Override
  public void persistFailed(String uid) {
    metrics.persistFailed(uid);
  }

  @Override
  public void actorStarted(boolean step) {
    metrics.actorStarted(step);
  }

  @Override
  public void actorStopped(boolean step) {
    metrics.actorStopped(step);
  }

  /** The Kubernetes Event for a journal event, or null when kubectl users need not hear of it. */
  record KubeEvent(Type type, String reason, String message) {
    static KubeEvent of(FlowEvent e) {
      if (e instanceof FlowEvent.StepAttemptStarted s) {
        return new KubeEvent(Type.Normal, "StepStarted", "step " + s.step() + " attempt " + s.attempt() + ": Job " + s.job());
      }
      if (e instanceof FlowEvent.StepSucceeded s) {
        return new KubeEvent(Type.Normal, "StepSucceeded", "step " + s.step() + " succeeded (Job " + s.job() + ")");
      }
      if (e instanceof FlowEvent.StepRetryScheduled s) {
        return new KubeEvent(Type.Warning, "StepRetrying", "step " + s.step() + " attempt " + s.attempt() + " failed ("
            + s.reason() + ": " + nz(s.message()) + "); attempt " + s.nextAttempt() + " at " + s.nextAttemptAt());
      }
      if (e instanceof FlowEvent.StepFailed s) {
        return new KubeEvent(Type.Warning, "StepFailed",
            "step " + s.step() + " failed after " + s.attempt() + " attempt(s): " + s.reason() + ": " + nz(s.message()));
      }
      if (e instanceof FlowEvent.FlowSucceeded f) {
        return new KubeEvent(Type.Normal, "FlowSucceeded", nz(f.message(), "all steps succeeded"));
      }
      if (e instanceof FlowEvent.FlowFailed f) {
        return new KubeEvent(Type.Warning, "FlowFailed", f.reason() + ": " + nz(f.message()));
      }
      if (e instanceof FlowEvent.FlowCancelled f) {
        return new KubeEvent(Type.Normal, "FlowCancelled", f.reason() + ": " + nz(f.message()));
      }
      return null;
    }

    private static String nz(String s) {
      return s == null ? "" : s;
    }

    private static String nz(String s, String fallback) {
      return s == null || s.isBlank() ? fallback : s;
    }
  }
}
