package dev.jobflow.flow;

import dev.jobflow.api.ShutdownPolicy;
import java.time.Instant;
import java.util.Map;

/**
 * What happened to a flow: facts in the past tense, persisted before the entity acts on them, read by the
 * audit trail forever. Never rename or remove a field or a type; add optional fields only (the golden files
 * under {@code src/test/resources/golden/events} prove old events still read).
 */
public sealed interface FlowEvent extends JsonSerializable {

  /** When, by whom, and the link to the event before it. */
  EventMeta meta();

  /** The step the event is about, null for flow-level events. */
  default String step() {
    return null;
  }

  /** Why (CamelCase, see {@link dev.jobflow.dag.Reasons}), null when there is no reason to give. */
  default String reason() {
    return null;
  }

  /** For humans, null when nothing to add. */
  default String message() {
    return null;
  }

  /** A copy of this event with another envelope (the hash chain links events by their {@code meta.previousHash}). */
  FlowEvent withMeta(EventMeta meta);

  /** Calls the handler's method for this event's type. */
  <R> R accept(Handler<R> handler);

  /**
   * One method per event type. Code that must treat every type (applying events to the state, showing them to
   * auditors, Kubernetes Events, metrics) implements it, so a new event type does not compile until each has
   * decided what it means for it (Java 17 has no pattern matching for switch).
   */
  interface Handler<R> {
    R flowAccepted(FlowAccepted e);

    R flowSuspended(FlowSuspended e);

    R flowResumed(FlowResumed e);

    R flowParallelismChanged(FlowParallelismChanged e);

    R flowShutdownRequested(FlowShutdownRequested e);

    R flowGenerationObserved(FlowGenerationObserved e);

    R flowTimedOut(FlowTimedOut e);

    R flowSucceeded(FlowSucceeded e);

    R flowFailed(FlowFailed e);

    R flowCancelled(FlowCancelled e);

    R flowDeleted(FlowDeleted e);

    R stepAttemptStarted(StepAttemptStarted e);

    R stepJobCreated(StepJobCreated e);

    R stepSucceeded(StepSucceeded e);

    R stepRetryScheduled(StepRetryScheduled e);

    R stepFailed(StepFailed e);

    R stepSkipped(StepSkipped e);

    R stepConditionEvaluated(StepConditionEvaluated e);

    R stepCancelled(StepCancelled e);

    R stepApprovalRequested(StepApprovalRequested e);

    R stepApproved(StepApproved e);

    R stepRejected(StepRejected e);
    R flowRetried(FlowRetried e);

    R stepExpanded(StepExpanded e);

    R flowHistoryLost(FlowHistoryLost e);

    R flowLockRequested(FlowLockRequested e);

    R flowLockGranted(FlowLockGranted e);

    R flowLockReleased(FlowLockReleased e);
  }

  /**
   * The envelope of every event.
   *
   * @param at when it happened (the engine's clock)
   * @param writer the controller instance that wrote it ({@code jobflow.engine.instance-id})
   * @param previousHash hash of the event before in this flow's journal, for tamper evidence (audit issue); null
   *     until then, and in events written before it
   */
  record EventMeta(Instant at, String writer, String previousHash) implements JsonSerializable {
    /** This envelope linked to the event before it. */
    public EventMeta withPreviousHash(String hash) {
      return new EventMeta(at, writer, hash);
    }
  }

  // ---- the flow ----

  /** The flow was seen for the first time and starts with this definition. */
  record FlowAccepted(EventMeta meta, FlowDefinition definition) implements FlowEvent {
    @Override
    public FlowAccepted withMeta(EventMeta m) {
      return new FlowAccepted(m, definition);
    }

    @Override
    public <R> R accept(Handler<R> handler) {
      return handler.flowAccepted(this);
    }
  }

  record FlowSuspended(EventMeta meta, long generation) implements FlowEvent {
    @Override
    public FlowSuspended withMeta(EventMeta m) {
      return new FlowSuspended(m, generation);
    }

    @Override
    public <R> R accept(Handler<R> handler) {
      return handler.flowSuspended(this);
    }
  }

  record FlowResumed(EventMeta meta, long generation) implements FlowEvent {
    @Override
    public FlowResumed withMeta(EventMeta m) {
      return new FlowResumed(m, generation);
    }

    @Override
    public <R> R accept(Handler<R> handler) {
      return handler.flowResumed(this);
    }
  }

  /** @param parallelism the new limit, null for unlimited */
  record FlowParallelismChanged(EventMeta meta, long generation, Integer parallelism) implements FlowEvent {
    @Override
    public FlowParallelismChanged withMeta(EventMeta m) {
      return new FlowParallelismChanged(m, generation, parallelism);
    }

    @Override
    public <R> R accept(Handler<R> handler) {
      return handler.flowParallelismChanged(this);
    }
  }

  record FlowShutdownRequested(EventMeta meta, long generation, ShutdownPolicy policy) implements FlowEvent {
    @Override
    public FlowShutdownRequested withMeta(EventMeta m) {
      return new FlowShutdownRequested(m, generation, policy);
    }

    @Override
    public <R> R accept(Handler<R> handler) {
      return handler.flowShutdownRequested(this);
    }
  }

  /** A newer generation was seen that changed nothing the engine acts on; {@code message} names ignored changes. */
  record FlowGenerationObserved(EventMeta meta, long generation, String message) implements FlowEvent {
    @Override
    public FlowGenerationObserved withMeta(EventMeta m) {
      return new FlowGenerationObserved(m, generation, message);
    }

    @Override
    public <R> R accept(Handler<R> handler) {
      return handler.flowGenerationObserved(this);
    }
  }

  /** The flow's deadline passed. */
  record FlowTimedOut(EventMeta meta, Instant deadline) implements FlowEvent {
    @Override
    public FlowTimedOut withMeta(EventMeta m) {
      return new FlowTimedOut(m, deadline);
    }

    @Override
    public <R> R accept(Handler<R> handler) {
      return handler.flowTimedOut(this);
    }
  }

  record FlowSucceeded(EventMeta meta, String reason, String message) implements FlowEvent {
    @Override
    public FlowSucceeded withMeta(EventMeta m) {
      return new FlowSucceeded(m, reason, message);
    }

    @Override
    public <R> R accept(Handler<R> handler) {
      return handler.flowSucceeded(this);
    }
  }

  record FlowFailed(EventMeta meta, String reason, String message) implements FlowEvent {
    @Override
    public FlowFailed withMeta(EventMeta m) {
      return new FlowFailed(m, reason, message);
    }

    @Override
    public <R> R accept(Handler<R> handler) {
      return handler.flowFailed(this);
    }
  }

  record FlowCancelled(EventMeta meta, String reason, String message) implements FlowEvent {
    @Override
    public FlowCancelled withMeta(EventMeta m) {
      return new FlowCancelled(m, reason, message);
    }

    @Override
    public <R> R accept(Handler<R> handler) {
      return handler.flowCancelled(this);
    }
  }

  /**
   * A finished flow was retried in place (a user bumped its {@code jobflow.dev/retry} annotation): {@code steps} run
   * again as new attempts ({@link dev.jobflow.dag.RetryPlan} chose them; replaying applies them as recorded), the
   * others keep their results.
   *
   * @param request the annotation's value that asked for it (a new value is a new request)
   * @param fromStep the step the user restarted from ({@code jobflow retry --step}), null for none
   * @param requestedBy the user of the admission request that asked (stamped by the mutating webhook), null when not
   *     known (no webhook installed)
   * @param requestedAt when the admission request was made, null when not known
   */
  record FlowRetried(EventMeta meta, String request, String fromStep, String requestedBy, Instant requestedAt,
                     java.util.List<String> steps) implements FlowEvent {
    public FlowRetried {
      steps = steps == null ? java.util.List.of() : java.util.List.copyOf(steps);
    }

    @Override
    public String message() {
      return "retried" + (requestedBy == null ? "" : " by " + requestedBy) + ": " + steps.size() + " step(s) run again"
          + (fromStep == null ? "" : " (from step '" + fromStep + "')");
    }

    @Override
    public FlowRetried withMeta(EventMeta m) {
      return new FlowRetried(m, request, fromStep, requestedBy, requestedAt, steps);
    }

    @Override
    public <R> R accept(Handler<R> handler) {
      return handler.flowRetried(this);
    }
  }

  /** The JobFlow was deleted from the cluster; its history stays. */
  record FlowDeleted(EventMeta meta) implements FlowEvent {
    @Override
    public FlowDeleted withMeta(EventMeta m) {
      return new FlowDeleted(m);
    }

    @Override
    public <R> R accept(Handler<R> handler) {
      return handler.flowDeleted(this);
    }
  }

  /**
   * The cluster holds Jobs of this flow that its journal never recorded: the journal was restored from a backup older
   * than the cluster ({@code reason} JournalBehind), or the flow was unknown to it and was accepted anew (JournalLost).
   * The flow goes on from what the journal knows, adopting those Jobs by their deterministic names as it reaches their
   * attempts; the history between the backup and the restore is gone for good.
   *
   * @param jobs the Jobs found that the journal did not know, by name
   */
  record FlowHistoryLost(EventMeta meta, String reason, String message, java.util.List<String> jobs)
      implements FlowEvent {
    public FlowHistoryLost {
      jobs = jobs == null ? java.util.List.of() : java.util.List.copyOf(jobs);
    }

    @Override
    public FlowHistoryLost withMeta(EventMeta m) {
      return new FlowHistoryLost(m, reason, message, jobs);
    }

    @Override
    public <R> R accept(Handler<R> handler) {
      return handler.flowHistoryLost(this);
    }
  }

  // ---- steps ----

  /** An attempt was decided; its Job ({@code job}, a deterministic name) is created after this is stored. */
  record StepAttemptStarted(EventMeta meta, String step, int attempt, String job) implements FlowEvent {
    @Override
    public StepAttemptStarted withMeta(EventMeta m) {
      return new StepAttemptStarted(m, step, attempt, job);
    }

    @Override
    public <R> R accept(Handler<R> handler) {
      return handler.stepAttemptStarted(this);
    }
  }

  /** The attempt's Job exists: created, or adopted after a restart. */
  record StepJobCreated(EventMeta meta, String step, int attempt, String job, String jobUid, boolean adopted)
      implements FlowEvent {
    @Override
    public StepJobCreated withMeta(EventMeta m) {
      return new StepJobCreated(m, step, attempt, job, jobUid, adopted);
    }

    @Override
    public <R> R accept(Handler<R> handler) {
      return handler.stepJobCreated(this);
    }
  }

  /**
   * The attempt's Job succeeded.
   *
   * @param outputs what its containers wrote to their termination messages (a JSON object of strings), when the flow
   *     reads this step's outputs; null when they were not read (and in events written before outputs existed)
   */
  record StepSucceeded(EventMeta meta, String step, int attempt, String job, String jobUid, String reason,
                       String message, Map<String, String> outputs) implements FlowEvent {
    public StepSucceeded {
      outputs = outputs == null ? null : java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(outputs));
    }

    /** Without outputs (not read). */
    public StepSucceeded(EventMeta meta, String step, int attempt, String job, String jobUid, String reason,
                         String message) {
      this(meta, step, attempt, job, jobUid, reason, message, null);
    }

    @Override
    public StepSucceeded withMeta(EventMeta m) {
      return new StepSucceeded(m, step, attempt, job, jobUid, reason, message, outputs);
    }

    @Override
    public <R> R accept(Handler<R> handler) {
      return handler.stepSucceeded(this);
    }
  }

  /** Attempt {@code attempt} failed; attempt {@code nextAttempt} starts at {@code nextAttemptAt}. */
  record StepRetryScheduled(EventMeta meta, String step, int attempt, String job, String jobUid, String reason,
                            String message, int nextAttempt, Instant nextAttemptAt) implements FlowEvent {
    @Override
    public StepRetryScheduled withMeta(EventMeta m) {
      return new StepRetryScheduled(m, step, attempt, job, jobUid, reason, message, nextAttempt, nextAttemptAt);
    }

    @Override
    public <R> R accept(Handler<R> handler) {
      return handler.stepRetryScheduled(this);
    }
  }

  /**
   * The step failed for good: retries spent, abandoned because the flow is stopping, or (attempt 0, no Job) its
   * condition could not be evaluated.
   *
   * @param exitCode the exit code of the failed container, when the flow reads it; null when not read (and in events
   *     written before exit codes were read)
   */
  record StepFailed(EventMeta meta, String step, int attempt, String job, String jobUid, String reason,
                    String message, Integer exitCode) implements FlowEvent {
    /** Without an exit code (not read). */
    public StepFailed(EventMeta meta, String step, int attempt, String job, String jobUid, String reason,
                      String message) {
      this(meta, step, attempt, job, jobUid, reason, message, null);
    }

    @Override
    public StepFailed withMeta(EventMeta m) {
      return new StepFailed(m, step, attempt, job, jobUid, reason, message, exitCode);
    }

    @Override
    public <R> R accept(Handler<R> handler) {
      return handler.stepFailed(this);
    }
  }

  /** The step will never run. */
  record StepSkipped(EventMeta meta, String step, String reason, String message) implements FlowEvent {
    @Override
    public StepSkipped withMeta(EventMeta m) {
      return new StepSkipped(m, step, reason, message);
    }

    @Override
    public <R> R accept(Handler<R> handler) {
      return handler.stepSkipped(this);
    }
  }

  /**
   * The step's {@code when} was evaluated true, once its dependencies were met: it runs. (False is recorded as
   * StepSkipped with reason WhenFalse, an error as StepFailed with reason ExpressionError.) Recovery reads the verdict
   * back; the expression is never evaluated twice.
   */
  record StepConditionEvaluated(EventMeta meta, String step, String when, boolean result) implements FlowEvent {
    @Override
    public StepConditionEvaluated withMeta(EventMeta m) {
      return new StepConditionEvaluated(m, step, when, result);
    }

    @Override
    public <R> R accept(Handler<R> handler) {
      return handler.stepConditionEvaluated(this);
    }
  }

  /** The running attempt was terminated (shutdown Terminate, flow timeout); its Job is deleted. */
  record StepCancelled(EventMeta meta, String step, int attempt, String job, String jobUid, String reason,
                       String message) implements FlowEvent {
    @Override
    public StepCancelled withMeta(EventMeta m) {
      return new StepCancelled(m, step, attempt, job, jobUid, reason, message);
    }

    @Override
    public <R> R accept(Handler<R> handler) {
      return handler.stepCancelled(this);
    }
  }

  // ---- approval steps ----

  /**
   * An approval step's attempt started: it runs no Job and waits for a decision of its approvers until
   * {@code deadline} (null: for ever).
   */
  record StepApprovalRequested(EventMeta meta, String step, int attempt, String message, java.util.List<String> users,
                               java.util.List<String> groups, Instant deadline) implements FlowEvent {
    public StepApprovalRequested {
      users = users == null ? java.util.List.of() : java.util.List.copyOf(users);
      groups = groups == null ? java.util.List.of() : java.util.List.copyOf(groups);
    }

    @Override
    public StepApprovalRequested withMeta(EventMeta m) {
      return new StepApprovalRequested(m, step, attempt, message, users, groups, deadline);
    }

    @Override
    public <R> R accept(Handler<R> handler) {
      return handler.stepApprovalRequested(this);
    }
  }

  /**
   * The step was approved: by {@code user} (with {@code groups}, as the API server authenticated them when the decision
   * was written, at {@code decidedAt}), reason {@code Approved}; or by its timeout ({@code onTimeout: approve}: user
   * null, reason {@code ApprovalTimedOut}). A StepSucceeded follows in the same batch.
   */
  record StepApproved(EventMeta meta, String step, int attempt, String user, java.util.List<String> groups,
                      String comment, Instant decidedAt, String reason, String message) implements FlowEvent {
    public StepApproved {
      groups = groups == null ? java.util.List.of() : java.util.List.copyOf(groups);
    }

    @Override
    public StepApproved withMeta(EventMeta m) {
      return new StepApproved(m, step, attempt, user, groups, comment, decidedAt, reason, message);
    }

    @Override
    public <R> R accept(Handler<R> handler) {
      return handler.stepApproved(this);
    }
  }

  /** The step was rejected by {@code user} (as for {@link StepApproved}). A StepFailed (reason Rejected) follows. */
  record StepRejected(EventMeta meta, String step, int attempt, String user, java.util.List<String> groups,
                      String comment, Instant decidedAt, String reason, String message) implements FlowEvent {
    public StepRejected {
      groups = groups == null ? java.util.List.of() : java.util.List.copyOf(groups);
    }

    @Override
    public StepRejected withMeta(EventMeta m) {
      return new StepRejected(m, step, attempt, user, groups, comment, decidedAt, reason, message);
    }

    @Override
    public <R> R accept(Handler<R> handler) {
      return handler.stepRejected(this);
    }
  }

  /**
   * A fan-out step's list was fixed when the step became ready: one instance per item, named {@code <step>-<index>},
   * each item as JSON text. Carries the whole list, so a recovery, a later change of its source, or an auditor sees
   * exactly what ran.
   *
   * @param source the spec field the list came from ({@code withItems}, {@code withSequence}, {@code matrix},
   *     {@code withParam})
   */
  record StepExpanded(EventMeta meta, String step, String source, java.util.List<String> items) implements FlowEvent {
    public StepExpanded {
      items = items == null ? java.util.List.of() : java.util.List.copyOf(items);
    }

    @Override
    public StepExpanded withMeta(EventMeta m) {
      return new StepExpanded(m, step, source, items);
    }

    @Override
    public String message() {
      return items.size() + " instance" + (items.size() == 1 ? "" : "s") + " from " + source;
    }

    @Override
    public <R> R accept(Handler<R> handler) {
      return handler.stepExpanded(this);
    }
  }

  // ---- locks (spec.synchronization and queue limits) ----

  /**
   * The flow would start, and asked for {@code lock} (its mutex or semaphore, or a queue limit's slot): it starts no
   * step until {@link FlowLockGranted} for it is stored. Asked again after a restart until then.
   */
  record FlowLockRequested(EventMeta meta, FlowLock lock, int priority) implements FlowEvent {
    @Override
    public FlowLockRequested withMeta(EventMeta m) {
      return new FlowLockRequested(m, lock, priority);
    }

    @Override
    public String reason() {
      return dev.jobflow.dag.Reasons.WAITING_FOR_LOCK;
    }

    @Override
    public String message() {
      return "waiting for " + lock.describe();
    }

    @Override
    public <R> R accept(Handler<R> handler) {
      return handler.flowLockRequested(this);
    }
  }

  /** The flow holds {@code lock} now; once it holds every lock it needs, its steps start. */
  record FlowLockGranted(EventMeta meta, FlowLock lock) implements FlowEvent {
    @Override
    public FlowLockGranted withMeta(EventMeta m) {
      return new FlowLockGranted(m, lock);
    }

    @Override
    public String message() {
      return "holds " + lock.describe();
    }

    @Override
    public <R> R accept(Handler<R> handler) {
      return handler.flowLockGranted(this);
    }
  }

  /**
   * The flow finished (or was deleted) and gave {@code lock} back ({@code held}), or withdrew its request while it
   * waited. Stored before the lock is told; a lock that does not hear of it asks the flow again (LockCheck).
   */
  record FlowLockReleased(EventMeta meta, FlowLock lock, boolean held) implements FlowEvent {
    @Override
    public FlowLockReleased withMeta(EventMeta m) {
      return new FlowLockReleased(m, lock, held);
    }

    @Override
    public String message() {
      return (held ? "released " : "no longer waits for ") + lock.describe();
    }

    @Override
    public <R> R accept(Handler<R> handler) {
      return handler.flowLockReleased(this);
    }
  }
}
