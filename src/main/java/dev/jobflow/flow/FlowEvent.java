package dev.jobflow.flow;

import dev.jobflow.api.ShutdownPolicy;
import java.time.Instant;

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

  /**
   * The envelope of every event.
   *
   * @param at when it happened (the engine's clock)
   * @param writer the controller instance that wrote it ({@code jobflow.engine.instance-id})
   * @param previousHash hash of the event before in this flow's journal, for tamper evidence (audit issue); null
   *     until then, and in events written before it
   */
  record EventMeta(Instant at, String writer, String previousHash) implements JsonSerializable {}

  // ---- the flow ----

  /** The flow was seen for the first time and starts with this definition. */
  record FlowAccepted(EventMeta meta, FlowDefinition definition) implements FlowEvent {}

  record FlowSuspended(EventMeta meta, long generation) implements FlowEvent {}

  record FlowResumed(EventMeta meta, long generation) implements FlowEvent {}

  /** @param parallelism the new limit, null for unlimited */
  record FlowParallelismChanged(EventMeta meta, long generation, Integer parallelism) implements FlowEvent {}

  record FlowShutdownRequested(EventMeta meta, long generation, ShutdownPolicy policy) implements FlowEvent {}

  /** A newer generation was seen that changed nothing the engine acts on; {@code message} names ignored changes. */
  record FlowGenerationObserved(EventMeta meta, long generation, String message) implements FlowEvent {}

  /** The flow's deadline passed. */
  record FlowTimedOut(EventMeta meta, Instant deadline) implements FlowEvent {}

  record FlowSucceeded(EventMeta meta, String reason, String message) implements FlowEvent {}

  record FlowFailed(EventMeta meta, String reason, String message) implements FlowEvent {}

  record FlowCancelled(EventMeta meta, String reason, String message) implements FlowEvent {}

  /** The JobFlow was deleted from the cluster; its history stays. */
  record FlowDeleted(EventMeta meta) implements FlowEvent {}

  // ---- steps ----

  /** An attempt was decided; its Job ({@code job}, a deterministic name) is created after this is stored. */
  record StepAttemptStarted(EventMeta meta, String step, int attempt, String job) implements FlowEvent {}

  /** The attempt's Job exists: created, or adopted after a restart. */
  record StepJobCreated(EventMeta meta, String step, int attempt, String job, String jobUid, boolean adopted)
      implements FlowEvent {}

  record StepSucceeded(EventMeta meta, String step, int attempt, String job, String jobUid, String reason,
                       String message) implements FlowEvent {}

  /** Attempt {@code attempt} failed; attempt {@code nextAttempt} starts at {@code nextAttemptAt}. */
  record StepRetryScheduled(EventMeta meta, String step, int attempt, String job, String jobUid, String reason,
                            String message, int nextAttempt, Instant nextAttemptAt) implements FlowEvent {}

  /** The step failed for good: retries spent, or abandoned because the flow is stopping. */
  record StepFailed(EventMeta meta, String step, int attempt, String job, String jobUid, String reason,
                    String message) implements FlowEvent {}

  /** The step will never run. */
  record StepSkipped(EventMeta meta, String step, String reason, String message) implements FlowEvent {}

  /** The running attempt was terminated (shutdown Terminate, flow timeout); its Job is deleted. */
  record StepCancelled(EventMeta meta, String step, int attempt, String job, String jobUid, String reason,
                       String message) implements FlowEvent {}
}
