package dev.jobflow.step;

/** What a Job is doing, read from its conditions (never from pod counts). */
public enum JobState {
  /** Created, no pod running yet. */
  Pending,
  Active,
  /** Condition Complete=True. */
  Succeeded,
  /** Condition Failed=True. */
  Failed,
  /** The Job is gone (deleted by someone, or garbage-collected). */
  Deleted;

  public boolean isFinal() {
    return this == Succeeded || this == Failed || this == Deleted;
  }
}
