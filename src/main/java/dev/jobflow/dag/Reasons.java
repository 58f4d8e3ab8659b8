package dev.jobflow.dag;

/** The machine-readable reasons the engine writes into events, statuses and Kubernetes Events (CamelCase, as Kubernetes does). */
public final class Reasons {
  private Reasons() {}

  /** An attempt ran longer than its step's timeout. */
  public static final String STEP_TIMED_OUT = "StepTimedOut";
  /** The flow ran longer than its timeout. */
  public static final String FLOW_TIMED_OUT = "FlowTimedOut";
  /** Skipped under ContinueIndependent: a step it depends on did not succeed. */
  public static final String UPSTREAM_FAILED = "UpstreamFailed";
  /** Skipped or abandoned under FailFast: another step failed. */
  public static final String FAIL_FAST = "FailFast";
  /** Skipped or abandoned: the flow was shut down. */
  public static final String SHUTDOWN = "Shutdown";
  /** Cancelled: shutdown Terminate stopped the running attempt. */
  public static final String TERMINATED = "Terminated";
  /** The flow ended Cancelled by shutdown Stop. */
  public static final String STOPPED = "Stopped";
  /** The Job disappeared before it finished. */
  public static final String JOB_DELETED = "JobDeleted";
  /** A Job of the attempt's name exists but is not this attempt's. */
  public static final String JOB_CONFLICT = "JobConflict";
  /** The flow failed because a step failed. */
  public static final String STEP_FAILED = "StepFailed";
  /** The flow failed because a finally step failed. */
  public static final String FINALLY_STEP_FAILED = "FinallyStepFailed";
  public static final String SUCCEEDED = "Succeeded";
  /** The JobFlow was deleted before it finished. */
  public static final String FLOW_DELETED = "FlowDeleted";
  /** The JobFlowTemplate the flow names was gone when the flow was accepted. */
  public static final String TEMPLATE_NOT_FOUND = "TemplateNotFound";
  /** The spec cannot be run (e.g. a dependency cycle the validator did not catch). */
  public static final String INVALID_SPEC = "InvalidSpec";
}
