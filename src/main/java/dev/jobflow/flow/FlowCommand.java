package dev.jobflow.flow;

import akka.actor.typed.ActorRef;
import dev.jobflow.step.StepOutcome;

/** What a {@link FlowEntity} is told: by the controller (through {@link FlowRouter}), by its step actors, by itself. */
public sealed interface FlowCommand extends JsonSerializable {

  // ---- from the controller ----

  /**
   * The JobFlow was seen (created, updated, or on resync). The first one starts the flow; later ones may
   * change only suspend, parallelism and shutdown, other changes are recorded as ignored. {@code retry} (nullable)
   * is what the flow's retry annotations ask: a finished flow retries when it carries a request not handled yet.
   */
  record SpecSeen(FlowDefinition definition, dev.jobflow.api.RetryRequest retry) implements FlowCommand {
    /** Without a retry request. */
    public SpecSeen(FlowDefinition definition) {
      this(definition, null);
    }
  }

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

  /**
   * The controller is stopping (SIGTERM): stop, after the write in flight, if any, is stored (commands wait
   * while a write is in flight). Its Jobs keep running; the next controller adopts them.
   */
  record Halt() implements FlowCommand {}

  /**
   * The stamped approval decisions on the JobFlow (annotations {@code jobflow.dev/decision.<step>}), by step: sent
   * with every SpecSeen and whenever they change. A decision counts for a step that waits, now or once it does.
   */
  record ApprovalsSeen(java.util.Map<String, dev.jobflow.api.ApprovalDecision> decisions) implements FlowCommand {
    public ApprovalsSeen {
      decisions = java.util.Map.copyOf(decisions);
    }
  }

  /** Replies with the full status: summary and every step. */
  record GetStatus(ActorRef<FlowStatusUpdate> replyTo) implements FlowCommand {}

  // ---- from locks (through the controller's lock port) ----

  /**
   * The lock says this flow holds {@code lock}: granted, granted again to a flow that asked again, or a lock asking
   * its holder to confirm. A running flow that asked for it records the grant (once); a flow that finished, was
   * deleted, or does not want it gives it back.
   */
  record LockGranted(FlowLock lock) implements FlowCommand {}

  /** The flow waits for {@code lock} at {@code position} (1: next) of {@code waiters}; shown in its status. */
  record LockWaiting(FlowLock lock, int position, int waiters, int capacity) implements FlowCommand {}

  // ---- from step actors ----

  /**
   * A step actor's report about its attempt, adapted from the step actor's own protocol: the Job exists, or the
   * attempt ended. Delivered locally only (step actors are the entity's children).
   */
  record AttemptReported(StepOutcome outcome) implements FlowCommand {}

  // ---- internal ----

  /** The timer fired: a retry, an attempt deadline or the flow deadline is due. */
  record Wake() implements FlowCommand {}

  /** The approval timer fired: a waiting approval step's timeout may have struck. */
  record ApprovalTimeoutDue() implements FlowCommand {}

  /** Decide again after recording a decision (the next one depends on the state it produced). */
  record Reconsider() implements FlowCommand {}

  /**
   * From the entity's shard: after the entity asked to passivate, or when its shard is handed off to another replica
   * (rolling restart, rebalance). No more commands will come to this incarnation; stop.
   */
  record Stop() implements FlowCommand {}

  /**
   * The Jobs of this flow the cluster has, listed when the flow recovered or was accepted: those the journal did not
   * know then ({@code known}, see {@link HistoryGap}) mean it lost history, which is recorded once. Sent by the
   * entity to itself.
   */
  record JobsListed(boolean acceptedAnew, HistoryGap.Known known, java.util.List<dev.jobflow.step.ExistingJob> jobs)
      implements FlowCommand {
    public JobsListed {
      jobs = java.util.List.copyOf(jobs);
    }
  }

  /**
   * The last live step actor stopped, this Job's (its attempt reported, or it deleted the Job): the entity may stop.
   * Sent by the entity to itself, once per time its children run out, never once per child.
   */
  record StepActorStopped(String job) implements FlowCommand {}
}
