package dev.jobflow.lock;

import dev.jobflow.flow.JsonSerializable;
import java.time.Instant;

/**
 * What happened to a lock: facts in the past tense, persisted before the entity tells anyone. Never rename or remove
 * a field or a type; add optional fields only (golden files under {@code src/test/resources/golden/events}).
 */
public sealed interface LockEvent extends JsonSerializable {
  EventMeta meta();

  /** When, and by which controller instance. */
  record EventMeta(Instant at, String writer) implements JsonSerializable {}

  /** The flow {@code holder} (uid) asked for the lock and waits in its place (priority, then age, then name). */
  record LockRequested(EventMeta meta, String holder, int priority, Instant createdAt, String flowName)
      implements LockEvent {}

  /** The waiter {@code holder} holds the lock now. */
  record LockGranted(EventMeta meta, String holder) implements LockEvent {}

  /**
   * {@code holder} gave the lock back ({@code held}), or withdrew its request while waiting; {@code reason} says why
   * (e.g. {@code FlowFinished}, {@code HolderGone}).
   */
  record LockReleased(EventMeta meta, String holder, boolean held, String reason) implements LockEvent {}

  /** The lock's capacity changed (a semaphore's size in its ConfigMap, a queue limit in the controller's config). */
  record LockResized(EventMeta meta, int capacity) implements LockEvent {}
}
