package dev.jobflow.lock;

import akka.actor.typed.ActorRef;
import dev.jobflow.flow.JsonSerializable;
import java.time.Instant;

/** What a {@link LockEntity} is told: by flows (through the controller's lock port and {@link LockRouter}), by itself. */
public sealed interface LockCommand extends JsonSerializable {
  /** The capacity a command brings when its sender does not know it (a semaphore not in its ConfigMap yet). */
  int UNKNOWN_CAPACITY = -1;

  /**
   * A flow asks for the lock (again, after a restart: then it is answered as before). {@code capacity} is the lock's
   * size as the sender knows it now, or {@link #UNKNOWN_CAPACITY}.
   */
  record Request(String holder, int priority, Instant createdAt, String flowName, int capacity)
      implements LockCommand {}

  /** The flow does not hold the lock (any more) nor wait for it. */
  record Release(String holder, String reason) implements LockCommand {}

  /** The lock's size is this now. */
  record Resize(int capacity) implements LockCommand {}

  /** Replies with the lock's state. */
  record GetState(ActorRef<LockState> replyTo) implements LockCommand {}

  // ---- internal ----

  /** The timer fired: ask the holders' flows whether they still hold the lock. */
  record ConfirmHolders() implements LockCommand {}

  /** From the entity's shard: stop (passivation, or a hand-off to another replica). */
  record Stop() implements LockCommand {}
}
