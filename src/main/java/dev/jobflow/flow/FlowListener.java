package dev.jobflow.flow;

import java.util.List;

/**
 * Who hears what happens to flows, once it is stored: the status writer and Kubernetes Event recorder, and flow
 * metrics. Passed to the entity at creation. Called on the entity's thread, in order, after the change is stored:
 * implementations must return quickly and never block (hand work to an actor or a queue). The engine's own health
 * (journal latency, live actors) goes to {@link EngineHealth} instead.
 */
public interface FlowListener {
  /** After recovery (complete) and after every stored batch of events (the steps that changed). */
  void statusChanged(FlowStatusUpdate update);

  /** Every newly stored event, in journal order (not replayed ones). */
  void eventRecorded(FlowId flow, FlowEvent event);

  /** The entity stopped: its flow finished (or was deleted) and its side effects are done. */
  default void passivated(FlowId flow) {}

  /**
   * A flow in flight was recovered from the journal without being told its spec: after a restart, or on this replica
   * after the one it lived on was lost. Its spec may have changed meanwhile (suspend, shutdown, deletion), and the
   * change may have gone to the lost replica: the controller delivers the current JobFlow again.
   */
  default void resumed(FlowId flow) {}

  FlowListener NONE = all();

  /** Tells each listener, in this order. */
  static FlowListener all(FlowListener... listeners) {
    List<FlowListener> each = List.of(listeners);
    return new FlowListener() {
      @Override
      public void statusChanged(FlowStatusUpdate update) {
        each.forEach(l -> l.statusChanged(update));
      }

      @Override
      public void eventRecorded(FlowId flow, FlowEvent event) {
        each.forEach(l -> l.eventRecorded(flow, event));
      }

      @Override
      public void passivated(FlowId flow) {
        each.forEach(l -> l.passivated(flow));
      }

      @Override
      public void resumed(FlowId flow) {
        each.forEach(l -> l.resumed(flow));
      }
    };
  }
}
