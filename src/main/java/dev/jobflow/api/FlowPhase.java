package dev.jobflow.api;

/** The observed phase of a whole flow. */
public enum FlowPhase {
  Pending,
  Running,
  Suspended,
  Succeeded,
  Failed,
  Cancelled;

  public boolean isFinished() {
    return this == Succeeded || this == Failed || this == Cancelled;
  }
}
