package dev.jobflow.dag;

/** The machine-readable reasons the engine writes into events, statuses and Kubernetes Events (CamelCase, as Kubernetes does). */
public final class Reasons {
  private Reasons() {}

  /** An attempt ran longer than its step's timeout. */
  /** The flow waits for a lock (spec.synchronization, a queue limit) before its first step starts. */
  public static final String WAITING_FOR_LOCK = "WaitingForLock";
  /** The flow holds the lock it waited for. */
  public static final String LOCK_GRANTED = "LockGranted";
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
  /** The API server refused the attempt's Job (400, 403, 422) on every try: its message says why. */
  public static final String JOB_REJECTED = "JobRejected";
  /** The journal knew the flow but not some of its Jobs: it was restored from a backup older than the cluster. */
  public static final String JOURNAL_BEHIND = "JournalBehind";
  /** The journal did not know the flow at all although its Jobs exist: the journal was lost (or emptied). */
  public static final String JOURNAL_LOST = "JournalLost";
  /** The attempt's Job was gone but a later attempt's Job existed: it ended in history the journal lost. */
  public static final String ATTEMPT_SUPERSEDED = "AttemptSuperseded";
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
  /** Skipped: the step's own {@code when} was false. Its dependents treat it as settled. */
  public static final String WHEN_FALSE = "WhenFalse";
  /** Skipped: the step's {@code depends} expression was false. Like UpstreamFailed, it propagates. */
  public static final String DEPENDS_FALSE = "DependsFalse";
  /** Failed: the step's {@code when} or a placeholder of its template could not be evaluated. */
  public static final String EXPRESSION_ERROR = "ExpressionError";
  /** Failed: the Job succeeded but its termination message is not a JSON object of strings within 4 KiB. */
  public static final String BAD_OUTPUTS = "BadOutputs";
  /** An approval step waits for a decision (the Kubernetes Event of StepApprovalRequested). */
  public static final String APPROVAL_REQUESTED = "ApprovalRequested";
  /** Succeeded: an approver approved the step. */
  public static final String APPROVED = "Approved";
  /** Failed: an approver rejected the step (never retried). */
  public static final String REJECTED = "Rejected";
  /** Failed (or, with {@code onTimeout: approve}, succeeded): nobody decided within {@code approval.timeout}. */
  public static final String APPROVAL_TIMED_OUT = "ApprovalTimedOut";

  /** Failed: a fan-out step's list has more items than its maxItems allows. */
  public static final String TOO_MANY_ITEMS = "TooManyItems";
  /** Failed: a fan-out step's withParam did not give a list (or a JSON text of one). */
  public static final String BAD_ITEMS = "BadItems";
  /** Succeeded: a fan-out step's list was empty, so it had nothing to run. */
  public static final String NO_ITEMS = "NoItems";
  /** A fan-out step ended when its last instance did: all succeeded (or were skipped by their when). */
  public static final String INSTANCES_SUCCEEDED = "InstancesSucceeded";
  /** A fan-out step ended Failed: at least one of its instances failed. */
  public static final String INSTANCES_FAILED = "InstancesFailed";
  /** A fan-out step ended Cancelled: none of its instances failed, at least one was cancelled. */
  public static final String INSTANCES_CANCELLED = "InstancesCancelled";

  /**
   * True for a failure of the step's inputs or of the machinery rather than of its containers (Argo's
   * {@code .Errored}): an expression, the outputs, the Job vanishing or belonging to someone else.
   */
  public static boolean isError(String reason) {
    return EXPRESSION_ERROR.equals(reason) || BAD_OUTPUTS.equals(reason) || TOO_MANY_ITEMS.equals(reason)
        || BAD_ITEMS.equals(reason) || JOB_DELETED.equals(reason)
        || JOB_CONFLICT.equals(reason) || JOB_REJECTED.equals(reason);
  }

  /** True for a step that never ran because its dependencies said no (Argo's {@code .Omitted}). */
  public static boolean isOmission(String reason) {
    return UPSTREAM_FAILED.equals(reason) || DEPENDS_FALSE.equals(reason);
  }
}
