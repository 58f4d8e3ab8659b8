package dev.jobflow.controller;

import dev.jobflow.flow.FlowEvent;
import dev.jobflow.flow.FlowId;
import dev.jobflow.flow.FlowObserver;
import dev.jobflow.flow.FlowStatusUpdate;
import java.time.Duration;

/**
 * Hands the entities' status updates and events to a second listener (the web view's live state) beside the
 * controller's own observer, which alone hears the engine's health. Both are called on the entity's thread,
 * the controller's first.
 */
final class StatusFanOut implements FlowObserver {
  private final FlowObserver controller;
  private final FlowObserver also;

  StatusFanOut(FlowObserver controller, FlowObserver also) {
    this.controller = controller;
    this.also = also;
  }

  @Override
  public void statusChanged(FlowStatusUpdate update) {
    controller.statusChanged(update);
    also.statusChanged(update);
  }

  @Override
  public void eventRecorded(FlowId flow, FlowEvent event) {
    controller.eventRecorded(flow, event);
    also.eventRecorded(flow, event);
  }

  @Override
  public void passivated(FlowId flow) {
    controller.passivated(flow);
    also.passivated(flow);
  }

  @Override
  public void recovered(String uid, Duration took) {
    controller.recovered(uid, took);
  }

  @Override
  public void recoveryFailed(String uid, Duration took) {
    controller.recoveryFailed(uid, took);
  }

  @Override
  public void persisted(int events, Duration took) {
    controller.persisted(events, took);
  }

  @Override
  public void persistFailed(String uid) {
    controller.persistFailed(uid);
  }

  @Override
  public void actorStarted(boolean step) {
    controller.actorStarted(step);
  }

  @Override
  public void actorStopped(boolean step) {
    controller.actorStopped(step);
  }
}
