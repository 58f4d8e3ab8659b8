package dev.jobflow.schedule;

import akka.actor.typed.ActorRef;
import dev.jobflow.api.FlowPhase;
import dev.jobflow.flow.JsonSerializable;
import java.time.Instant;

/** What a {@link ScheduleEntity} is told: by the controller (through {@link ScheduleRouter}), by itself. */
public sealed interface ScheduleCommand extends JsonSerializable {

  /** The CronJobFlow was seen (created, updated, or on resync). */
  record SpecSeen(ScheduleDefinition definition) implements ScheduleCommand {}

  /** One of its flows was seen (created, changed, resync); {@code finishedAt} null while it runs. */
  record FlowSeen(String name, String uid, Instant scheduledTime, FlowPhase phase, Instant finishedAt)
      implements ScheduleCommand {}

  /** One of its flows is gone from the cluster. */
  record FlowGone(String name, String uid) implements ScheduleCommand {}

  /** The CronJobFlow is gone: the entity journals it and stops. */
  record Deleted() implements ScheduleCommand {}

  /** Replies with the current status. */
  record GetStatus(ActorRef<ScheduleStatus> replyTo) implements ScheduleCommand {}

  // ---- internal ----

  /** Decide again: the timer fired, or a decision was stored. */
  record Tick() implements ScheduleCommand {}

  /** The run's flow exists (created or adopted). */
  record FlowCreated(String flowName, String flowUid, boolean adopted) implements ScheduleCommand {}

  /** Creating the run's flow failed; {@code permanent}: it never will succeed. */
  record FlowCreateFailed(String flowName, boolean permanent, String reason, String message) implements ScheduleCommand {}

  /** Try creating the flows of runs that are still pending (after a transient failure). */
  record RetryCreates() implements ScheduleCommand {}

  /** From the entity's shard: it passivated, or its shard is handed off to another replica. Stop. */
  record Stop() implements ScheduleCommand {}

  /** Deleting a run beyond the history limits failed: try again when the flow is next seen. */
  record HistoryDeleteFailed(String flowName) implements ScheduleCommand {}
}
