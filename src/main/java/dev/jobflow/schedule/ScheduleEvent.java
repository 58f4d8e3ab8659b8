package dev.jobflow.schedule;

import dev.jobflow.api.FlowPhase;
import dev.jobflow.flow.JsonSerializable;
import java.time.Instant;
import java.util.List;

/**
 * What happened to a schedule: facts in the past tense, persisted before the entity acts on them. Never rename or
 * remove a field or a type; add optional fields only (golden files under {@code src/test/resources/golden/events}).
 */
public sealed interface ScheduleEvent extends JsonSerializable {
  EventMeta meta();

  /** When, and by which controller instance. */
  record EventMeta(Instant at, String writer) implements JsonSerializable {}

  /**
   * The run of {@code scheduledTime} was decided; its flow ({@code flowName}, deterministic) is created after this is
   * stored. {@code missed}: earlier times not run; {@code replacing}: active runs cancelled for it (Replace).
   */
  record ScheduleFired(EventMeta meta, Instant scheduledTime, String flowName, int missed, List<String> replacing)
      implements ScheduleEvent {}

  /** The run's JobFlow exists: created, or adopted (after a restart) because it already did. */
  record ScheduledFlowCreated(EventMeta meta, Instant scheduledTime, String flowName, String flowUid, boolean adopted)
      implements ScheduleEvent {}

  /** The run's flow could not be created and never will be (e.g. refused by admission, or a flow of that name not ours). */
  record ScheduledFlowFailed(EventMeta meta, Instant scheduledTime, String flowName, String reason, String message)
      implements ScheduleEvent {}

  /** The run finished ({@code phase} Succeeded, Failed or Cancelled), or its flow was deleted ({@code phase} null). */
  record ScheduledFlowFinished(EventMeta meta, String flowName, String flowUid, FlowPhase phase, Instant finishedAt)
      implements ScheduleEvent {}

  /** The run of {@code scheduledTime} was not started (concurrencyPolicy Forbid while runs were active). */
  record FiringSkipped(EventMeta meta, Instant scheduledTime, String reason, String message) implements ScheduleEvent {}

  /** {@code count} runs up to {@code latest} were missed: not started within startingDeadlineSeconds. */
  record FiringsMissed(EventMeta meta, Instant latest, int count, String message) implements ScheduleEvent {}

  /** The CronJobFlow was deleted; its history stays. */
  record ScheduleDeleted(EventMeta meta) implements ScheduleEvent {}
}
