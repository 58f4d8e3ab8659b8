package dev.jobflow.audit;

import dev.jobflow.flow.FlowDefinition;
import dev.jobflow.flow.FlowEvent;
import dev.jobflow.flow.FlowId;
import dev.jobflow.flow.StepDefinition;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * One event of a flow's history as auditors read it (CLI, HTTP API, docs/audit.md).
 *
 * @param namespace null when the flow's first event is missing from the journal
 * @param sequenceNr the event's position in its flow's journal, from 1
 * @param at when it happened (the controller's clock)
 * @param type the event type, e.g. {@code StepSucceeded}
 * @param attempt the attempt of the step, from 1; null for events about no attempt
 * @param job the Job of that attempt, {@code jobUid} its uid once known
 * @param detail the event's other fields, {@code name=value} separated by spaces (e.g. {@code nextAttempt=2})
 * @param writer the controller instance that wrote the event
 */
public record TimelineEntry(String namespace, String name, String uid, long sequenceNr, Instant at, String type,
                            String step, Integer attempt, String job, String jobUid, String reason, String message,
                            String detail, String writer) {
  static TimelineEntry of(FlowId flow, long sequenceNr, FlowEvent event) {
    Fields f = event.accept(new FieldsOf());
    return new TimelineEntry(flow.namespace(), flow.name(), flow.uid(), sequenceNr, event.meta().at(),
        event.getClass().getSimpleName(), event.step(), f.attempt, f.job, f.jobUid, event.reason(), event.message(),
        f.detail.isEmpty() ? null : String.join(" ", f.detail), event.meta().writer());
  }

  /** What an event says beyond its type, step, reason and message. */
  private static final class Fields {
    Integer attempt;
    String job;
    String jobUid;
    final List<String> detail = new ArrayList<>();

    Fields attempt(int n, String jobName, String uid) {
      attempt = n;
      job = jobName;
      jobUid = uid;
      return this;
    }

    /** {@code name=value}, in the event's field order; null values are left out. */
    Fields detail(String name, Object value) {
      if (value != null) {
        detail.add(name + "=" + value);
      }
      return this;
    }
  }

  /** Every event type's fields, each named as in the event record, so auditors see the journal's own words. */
  private static final class FieldsOf implements FlowEvent.Handler<Fields> {
    @Override
    public Fields flowAccepted(FlowEvent.FlowAccepted e) {
      FlowDefinition def = e.definition();
      Fields f = new Fields().detail("generation", def.generation())
          .detail("steps", String.join(",", def.steps().stream().map(StepDefinition::name).toList()));
      if (!def.finallySteps().isEmpty()) {
        f.detail("finally", String.join(",", def.finallySteps().stream().map(StepDefinition::name).toList()));
      }
      if (def.template() != null) {
        // Which template, and which version of it, the steps came from.
        f.detail("template", def.template().name() + (def.template().found()
            ? " templateUid=" + def.template().uid() + " templateResourceVersion=" + def.template().resourceVersion()
            : " (not found)"));
      }
      return f;
    }

    @Override
    public Fields flowSuspended(FlowEvent.FlowSuspended e) {
      return new Fields().detail("generation", e.generation());
    }

    @Override
    public Fields flowResumed(FlowEvent.FlowResumed e) {
      return new Fields().detail("generation", e.generation());
    }

    @Override
    public Fields flowParallelismChanged(FlowEvent.FlowParallelismChanged e) {
      return new Fields().detail("generation", e.generation()).detail("parallelism", e.parallelism());
    }

    @Override
    public Fields flowShutdownRequested(FlowEvent.FlowShutdownRequested e) {
      return new Fields().detail("generation", e.generation()).detail("policy", e.policy());
    }

    @Override
    public Fields flowGenerationObserved(FlowEvent.FlowGenerationObserved e) {
      return new Fields().detail("generation", e.generation());
    }

    @Override
    public Fields flowTimedOut(FlowEvent.FlowTimedOut e) {
      return new Fields().detail("deadline", e.deadline());
    }

    @Override
    public Fields flowSucceeded(FlowEvent.FlowSucceeded e) {
      return new Fields();
    }

    @Override
    public Fields flowFailed(FlowEvent.FlowFailed e) {
      return new Fields();
    }

    @Override
    public Fields flowCancelled(FlowEvent.FlowCancelled e) {
      return new Fields();
    }

    @Override
    public Fields flowRetried(FlowEvent.FlowRetried e) {
      return new Fields().detail("request", e.request()).detail("fromStep", e.fromStep())
          .detail("requestedBy", e.requestedBy()).detail("requestedAt", e.requestedAt())
          .detail("steps", String.join(",", e.steps()));
    }

    @Override
    public Fields flowHistoryLost(FlowEvent.FlowHistoryLost e) {
      return new Fields().detail("jobs", String.join(",", e.jobs()));
    }

    @Override
    public Fields flowDeleted(FlowEvent.FlowDeleted e) {
      return new Fields();
    }

    @Override
    public Fields stepAttemptStarted(FlowEvent.StepAttemptStarted e) {
      return new Fields().attempt(e.attempt(), e.job(), null);
    }

    @Override
    public Fields stepJobCreated(FlowEvent.StepJobCreated e) {
      return new Fields().attempt(e.attempt(), e.job(), e.jobUid()).detail("adopted", e.adopted());
    }

    @Override
    public Fields stepSucceeded(FlowEvent.StepSucceeded e) {
      return new Fields().attempt(e.attempt(), e.job(), e.jobUid()).detail("outputs", e.outputs());
    }

    @Override
    public Fields stepRetryScheduled(FlowEvent.StepRetryScheduled e) {
      return new Fields().attempt(e.attempt(), e.job(), e.jobUid())
          .detail("nextAttempt", e.nextAttempt()).detail("nextAttemptAt", e.nextAttemptAt());
    }

    @Override
    public Fields stepFailed(FlowEvent.StepFailed e) {
      return new Fields().attempt(e.attempt(), e.job(), e.jobUid()).detail("exitCode", e.exitCode());
    }

    @Override
    public Fields stepConditionEvaluated(FlowEvent.StepConditionEvaluated e) {
      return new Fields().detail("when", e.when()).detail("result", e.result());
    }

    @Override
    public Fields stepSkipped(FlowEvent.StepSkipped e) {
      return new Fields();
    }

    @Override
    public Fields stepCancelled(FlowEvent.StepCancelled e) {
      return new Fields().attempt(e.attempt(), e.job(), e.jobUid());
    }

    @Override
    public Fields stepExpanded(FlowEvent.StepExpanded e) {
      return new Fields().detail("source", e.source()).detail("items", e.items());
    }

    @Override
    public Fields flowLockRequested(FlowEvent.FlowLockRequested e) {
      return lock(e.lock()).detail("priority", e.priority());
    }

    @Override
    public Fields flowLockGranted(FlowEvent.FlowLockGranted e) {
      return lock(e.lock());
    }

    @Override
    public Fields flowLockReleased(FlowEvent.FlowLockReleased e) {
      return lock(e.lock()).detail("held", e.held());
    }

    private Fields lock(dev.jobflow.flow.FlowLock lock) {
      return new Fields().detail("lock", lock.kind() + ":" + lock.name()).detail("lockNamespace", lock.namespace());
    }

    @Override
    public Fields stepApprovalRequested(FlowEvent.StepApprovalRequested e) {
      return new Fields().attempt(e.attempt(), null, null).detail("users", String.join(",", e.users()))
          .detail("groups", String.join(",", e.groups())).detail("deadline", e.deadline());
    }

    @Override
    public Fields stepApproved(FlowEvent.StepApproved e) {
      return decision(e.attempt(), e.user(), e.groups(), e.comment(), e.decidedAt());
    }

    @Override
    public Fields stepRejected(FlowEvent.StepRejected e) {
      return decision(e.attempt(), e.user(), e.groups(), e.comment(), e.decidedAt());
    }

    /** Who decided, as the API server authenticated them: what the audit trail is asked ("who let this run"). */
    private static Fields decision(int attempt, String user, java.util.List<String> groups, String comment,
                                   java.time.Instant at) {
      return new Fields().attempt(attempt, null, null).detail("user", user)
          .detail("groups", groups.isEmpty() ? null : String.join(",", groups)).detail("comment", comment)
          .detail("decidedAt", at);
    }
  }
}
