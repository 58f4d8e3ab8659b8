package dev.jobflow.metrics;

import dev.jobflow.flow.FlowLock;
import dev.jobflow.lock.LockObserver;
import dev.jobflow.lock.LockState;
import java.time.Duration;

/**
 * The locks' metrics: holders and waiters per lock (gauges of the replica the lock lives on, removed when it stops
 * there), grants, and how long flows waited. What {@code JobflowLockQueueStuck} watches.
 */
public final class LockMetrics implements LockObserver {
  private final JobflowMetrics metrics;

  public LockMetrics(JobflowMetrics metrics) {
    this.metrics = metrics;
  }

  @Override
  public void changed(FlowLock lock, LockState state) {
    metrics.lockState(lock.namespace(), lock.kind().name(), lock.name(), state.queue().holders().size(),
        state.queue().waiters().size());
  }

  @Override
  public void granted(FlowLock lock, Duration waited) {
    metrics.lockGranted(lock.namespace(), lock.kind().name(), lock.name(), waited);
  }

  @Override
  public void stopped(FlowLock lock) {
    metrics.lockGone(lock.namespace(), lock.kind().name(), lock.name());
  }
}
