package dev.jobflow.api;

/** Whether runs of the same flow may overlap (used by schedules and triggers). */
public enum ConcurrencyPolicy {
  Allow,
  Forbid,
  Replace
}
