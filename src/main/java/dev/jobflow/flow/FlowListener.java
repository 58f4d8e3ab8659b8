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

  // ---- the engine's own health, for metrics ----

  /** An entity finished reading its journal (snapshot and events) after {@code took}. */
  default void recovered(String uid, java.time.Duration took) {}

  /** An entity could not read its journal; it is restarted with backoff. */
  default void recoveryFailed(String uid, java.time.Duration took) {}

  /** A batch of {@code events} was stored after {@code took}. */
  default void persisted(int events, java.time.Duration took) {}

  /** A write to the journal failed; the entity is restarted with backoff and replays before it acts again. */
  default void persistFailed(String uid) {}

  /** An actor of the engine started ({@code step}: a step actor; otherwise a flow entity). */
  default void actorStarted(boolean step) {}

  default void actorStopped(boolean step) {}

  FlowObserver NONE = new FlowObserver() {
    @Override
    public void statusChanged(FlowStatusUpdate update) {}

    @Override
    public void eventRecorded(FlowId flow, FlowEvent event) {}
  };
}
