package dev.jobflow.lock;

import dev.jobflow.flow.FlowLock;
import java.time.Duration;

/** Who hears how locks move (metrics), after each change is stored; must return quickly. */
public interface LockObserver {
  /** The lock's holders and waiters after a change. */
  void changed(FlowLock lock, LockState state);

  /** A waiter was granted the lock after waiting this long. */
  void granted(FlowLock lock, Duration waited);

  LockObserver NONE = new LockObserver() {
    @Override
    public void changed(FlowLock lock, LockState state) {}

    @Override
    public void granted(FlowLock lock, Duration waited) {}
  };
}
