package dev.jobflow.flow;

import akka.actor.typed.ActorRef;
import java.time.Instant;

/** What a {@link FlowEntity} is told: by the controller (through {@link FlowRouter}), by its step actors, by itself. */
public sealed interface FlowCommand extends JsonSerializable {

  // ---- from the controller ----

  /**
   * The JobFlow was seen (created, updated, or on resync). The first one starts the flow; later ones may
   * change only suspend, parallelism and shutdown, other changes are recorded as ignored.
   */
  record SpecSeen(FlowDefinition definition) implements FlowCommand {}

  /**
   * The JobFlow is gone or going: a running flow stops its Jobs and ends Cancelled, FlowDeleted is journaled,
   * the entity then stops. {@code replyTo} (nullable) hears once FlowDeleted is stored (at once when it
   * already was, or when the flow never started): then the controller may let the finalizer go.
   */
  record Deleted(ActorRef<akka.Done> replyTo) implements FlowCommand {
    /** Without an acknowledgement (the JobFlow is already gone). */
    public Deleted() {
      this(null);
    }
  }

  /** Replies with the full status: summary and every step. */
  record GetStatus(ActorRef<FlowStatusUpdate> replyTo) implements FlowCommand {}

  // ---- from step actors ----

  /** The attempt's Job exists (created now, or adopted after a restart). */
  record AttemptJobCreated(String step, int attempt, String job, String jobUid, boolean adopted) implements FlowCommand {}

  /** The attempt's Job completed. {@code at}: when the Job reported it. */
  record AttemptSucceeded(String step, int attempt, String job, String jobUid, String reason, String message,
                          Instant at) implements FlowCommand {}

  /** The attempt failed: its Job failed or vanished, or could not be created. */
  record AttemptFailed(String step, int attempt, String job, String jobUid, String reason, String message,
                       Instant at) implements FlowCommand {}

  // ---- internal ----

  /** The timer fired: a retry, an attempt deadline or the flow deadline is due. */
  record Wake() implements FlowCommand {}

  /** Decide again after recording a decision (the next one depends on the state it produced). */
  record Reconsider() implements FlowCommand {}

  /** From {@link FlowRouter}, after the entity asked to passivate: no more commands will come; stop. */
  record Stop() implements FlowCommand {}

  /** The step actor of this Job stopped (its attempt reported, or it deleted the Job). */
  record StepActorStopped(String job) implements FlowCommand {}
}
