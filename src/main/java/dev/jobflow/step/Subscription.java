package dev.jobflow.step;

/** A running {@link JobRuntime#watch}; cancel it to stop the notifications. Cancelling twice is harmless. */
@FunctionalInterface
public interface Subscription {
  void cancel();
}
