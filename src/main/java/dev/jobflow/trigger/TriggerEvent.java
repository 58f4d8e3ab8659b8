package dev.jobflow.trigger;

import dev.jobflow.flow.JsonSerializable;
import java.time.Instant;
import java.util.Map;

/**
 * What happened to a trigger: facts in the past tense, persisted before the entity acts on them. Never rename or
 * remove a field or a type; add optional fields only (golden files under {@code src/test/resources/golden/events}).
 */
public sealed interface TriggerEvent extends JsonSerializable {
  EventMeta meta();

  /** When, and by which controller instance. */
  record EventMeta(Instant at, String writer) implements JsonSerializable {}

  /**
   * A firing with {@code fingerprint} was accepted: its flow {@code flowName} (deterministic, from the fingerprint
   * and the trigger's sequence) is created after this is stored, with these parameters; repeats within the window
   * are answered with this flow.
   */
  record AlertAccepted(EventMeta meta, String fingerprint, String flowName, String alertName,
                       Map<String, String> parameters) implements TriggerEvent {}

  /** The accepted firing's JobFlow exists: created, or adopted after a restart because it already did. */
  record TriggeredFlowCreated(EventMeta meta, String flowName, String flowUid, boolean adopted)
      implements TriggerEvent {}

  /** The flow could not be created and never will be (refused by admission, a name not ours); its fingerprint is free again. */
  record TriggeredFlowFailed(EventMeta meta, String flowName, String fingerprint, String reason, String message)
      implements TriggerEvent {}

  /** The JobFlowTrigger was deleted; its history stays. */
  record TriggerDeleted(EventMeta meta) implements TriggerEvent {}
}
