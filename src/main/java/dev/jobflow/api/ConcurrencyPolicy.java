package dev.jobflow.api;

/** What a {@link CronJobFlow} does when a run is due while an earlier one is still running (as CronJob's field). */
public enum ConcurrencyPolicy {
  /** Start it anyway: runs may overlap. */
  Allow,
  /** Skip it: at most one run at a time. */
  Forbid,
  /** Cancel the running ones (shutdown Terminate) and start it. */
  Replace
}
