package dev.jobflow.lock;

import dev.jobflow.flow.FlowLock;

/**
 * Who a lock tells about its holders and waiters (a port): the controller delivers each to the flow's entity. Called
 * on the lock entity's thread after the fact is stored; implementations must not block. Each call may be repeated
 * (after a restart), so the flows treat them as idempotent.
 */
public interface LockHolders {
  /** {@code holder} (a flow uid) holds the lock: it may start. */
  void granted(FlowLock lock, String holder);

  /** {@code holder} waits at {@code position} (1: next) of {@code waiters}; {@code capacity} may hold it at once. */
  void waiting(FlowLock lock, String holder, int position, int waiters, int capacity);

  /**
   * Asks {@code holder}'s flow whether it still holds the lock: a flow that finished, was deleted or never asked
   * releases it. Sent after the lock recovers and while others wait, so a release lost in a crash is not a leak.
   */
  void confirm(FlowLock lock, String holder);
}
