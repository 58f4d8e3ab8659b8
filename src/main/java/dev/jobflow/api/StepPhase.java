package dev.jobflow.api;

/** The observed phase of one step across all its attempts. */
public enum StepPhase {
  Pending,
  Running,
  /** Failed, and waiting for the next attempt's start time. */
  Retrying,
  Succeeded,
  Failed,
  /** Never run: downstream of a failure, or the flow was stopped before it started. */
  Skipped,
  /** Its running attempt was terminated by a shutdown or the flow timeout. */
  Cancelled;

  public boolean isFinished() {
    return this == Succeeded || this == Failed || this == Skipped || this == Cancelled;
  }
}
