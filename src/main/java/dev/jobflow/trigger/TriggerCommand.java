package dev.jobflow.trigger;

import akka.actor.typed.ActorRef;
import dev.jobflow.flow.JsonSerializable;
import java.time.Duration;
import java.util.Map;

/** What a {@link TriggerEntity} is told: by the controller and the endpoint (through {@link TriggerRouter}), by itself. */
public sealed interface TriggerCommand extends JsonSerializable {

  /** The JobFlowTrigger was seen (created, updated, or on resync). */
  record SpecSeen(TriggerDefinition definition) implements TriggerCommand {}

  /** A matching firing arrived: create its flow unless it repeats one within the window or the rate limit is hit. */
  record Fire(String fingerprint, String alertName, Map<String, String> parameters, ActorRef<FireReply> replyTo)
      implements TriggerCommand {}

  /** The JobFlowTrigger is gone: the entity journals it and stops. */
  record Deleted() implements TriggerCommand {}

  /** The answer to {@link Fire}. */
  sealed interface FireReply extends JsonSerializable {}

  /** A new flow: stored, and created (or its creation retried until it is). */
  record Created(String flowName) implements FireReply {}

  /** The same fingerprint was accepted within the window: that flow stands for this firing too. */
  record Duplicate(String flowName) implements FireReply {}

  /** No more flows now; one may be created after {@code retryAfter}. */
  record RateLimited(Duration retryAfter) implements FireReply {}

  /** The flow was stored but can never be created (e.g. refused by admission); the fingerprint is free again. */
  record Failed(String flowName, String reason, String message) implements FireReply {}

  /** The trigger cannot take firings: its spec is not known yet, invalid, or it is deleted. */
  record Unavailable(String message) implements FireReply {}

  // ---- internal ----

  /** The flow exists (created or adopted). */
  record FlowCreated(String flowName, String flowUid, boolean adopted) implements TriggerCommand {}

  /** Creating the flow failed; {@code permanent}: it never will succeed. */
  record FlowCreateFailed(String flowName, boolean permanent, String reason, String message) implements TriggerCommand {}

  /** Try creating the flows still pending (after a transient failure). */
  record RetryCreates() implements TriggerCommand {}

  /** From the entity's shard: it passivated, or its shard is handed off to another replica. Stop. */
  record Stop() implements TriggerCommand {}
}
