package dev.jobflow.flow;

import java.time.Duration;

/**
 * The engine's own health, for metrics: how its entities read and write the journal and how many actors live.
 * Called on the entities' threads: implementations must return at once.
 */
public interface EngineHealth {
  /** An entity finished reading its journal (snapshot and events) after {@code took}. */
  default void recovered(String uid, Duration took) {}

  /** An entity could not read its journal; it is restarted with backoff. */
  default void recoveryFailed(String uid, Duration took) {}

  /** A batch of {@code events} was stored after {@code took}. */
  default void persisted(int events, Duration took) {}

  /** A write to the journal failed; the entity is restarted with backoff and replays before it acts again. */
  default void persistFailed(String uid) {}

  /** An actor of the engine started ({@code step}: a step actor; otherwise a flow entity). */
  default void actorStarted(boolean step) {}

  default void actorStopped(boolean step) {}

  EngineHealth NONE = new EngineHealth() {};
}
