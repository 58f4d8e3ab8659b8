package dev.jobflow.api;

/** What a flow does once a step has failed for good. */
public enum FailurePolicy {
  /** Start no new steps; running ones finish; the flow fails. */
  FailFast,
  /** Keep running every step that is not downstream of a failure; downstream steps are skipped. */
  ContinueIndependent
}
