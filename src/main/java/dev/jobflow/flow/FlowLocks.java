package dev.jobflow.flow;

import java.time.Instant;
import java.util.List;

/**
 * The flow's side of locks (a port): which locks a flow must hold before it starts, and asking for and giving back
 * one of them. The controller implements it with its lock entities; their answers come back to the flow entity as
 * {@link FlowCommand.LockGranted}, {@link FlowCommand.LockWaiting} and {@link FlowCommand.LockCheck}. Every call is
 * idempotent: a flow asks again after a restart, and the lock answers the same holder the same way.
 */
public interface FlowLocks {
  /** Who asks, and what orders it in a queue: higher priority first, then older (creation time, then name). */
  record Holder(String uid, String namespace, String name, int priority, Instant createdAt) {}

  /** The locks the flow must hold to start, in the order to take them (empty: it starts at once). */
  List<FlowLock> required(FlowDefinition flow);

  /** Asks for the lock; the answer comes as a command to the flow entity. */
  void request(FlowLock lock, Holder holder);

  /** Gives the lock back (or withdraws the request): the holder does not hold it any more. */
  void release(FlowLock lock, String holderUid);

  /** No locks at all: every flow starts at once. */
  FlowLocks NONE = new FlowLocks() {
    @Override
    public List<FlowLock> required(FlowDefinition flow) {
      return List.of();
    }

    @Override
    public void request(FlowLock lock, Holder holder) {
      throw new IllegalStateException("no locks are configured, yet " + holder.uid() + " asked for " + lock.key());
    }

    @Override
    public void release(FlowLock lock, String holderUid) {}
  };
}
