package dev.jobflow.lock;

import dev.jobflow.flow.JsonSerializable;
import dev.jobflow.lock.LockEvent.LockGranted;
import dev.jobflow.lock.LockEvent.LockReleased;
import dev.jobflow.lock.LockEvent.LockRequested;
import dev.jobflow.lock.LockEvent.LockResized;
import java.time.Instant;

/**
 * A lock as its journal tells it: its queue ({@link LockQueue}), and when it last moved. Immutable, and its own
 * snapshot.
 *
 * @param sized whether a capacity was ever recorded (a semaphore not in its ConfigMap yet has none)
 * @param lastGrantAt when the latest holder was granted, null before any
 */
public record LockState(LockQueue queue, boolean sized, Instant lastGrantAt) implements JsonSerializable {
  public static LockState empty() {
    return new LockState(LockQueue.empty(0), false, null);
  }

  public LockState apply(LockEvent event) {
    if (event instanceof LockRequested e) {
      return new LockState(queue.requested(new LockQueue.Request(e.holder(), e.priority(), e.createdAt(),
          e.flowName(), e.meta().at())), sized, lastGrantAt);
    } else if (event instanceof LockGranted e) {
      return new LockState(queue.granted(e.holder()), sized, e.meta().at());
    } else if (event instanceof LockReleased e) {
      return new LockState(queue.released(e.holder()), sized, lastGrantAt);
    } else if (event instanceof LockResized e) {
      return new LockState(queue.resized(e.capacity()), true, lastGrantAt);
    }
    throw new IllegalArgumentException("unknown lock event " + event);
  }
}
