package dev.jobflow.flow;

/**
 * Who hears about a flow's changes: the controller's status writer, Kubernetes event recorder and metrics.
 * Passed to the entity at creation. Called on the entity's thread, in order, after the change is stored:
 * implementations must return quickly and never block (hand work to an actor or a queue).
 */
public interface FlowObserver {
  /** After recovery (complete) and after every stored batch of events (the steps that changed). */
  void statusChanged(FlowStatusUpdate update);

  /** Every newly stored event, in journal order (not replayed ones). */
  void eventRecorded(FlowId flow, FlowEvent event);

  /** The entity stopped: its flow finished (or was deleted) and its side effects are done. */
  default void passivated(FlowId flow) {}

  FlowObserver NONE = new FlowObserver() {
    @Override
    public void statusChanged(FlowStatusUpdate update) {}

    @Override
    public void eventRecorded(FlowId flow, FlowEvent event) {}
  };
}
