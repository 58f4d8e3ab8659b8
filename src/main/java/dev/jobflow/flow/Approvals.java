package dev.jobflow.flow;

import dev.jobflow.api.ApprovalDecision;
import dev.jobflow.dag.Decision;
import dev.jobflow.dag.Reasons;
import dev.jobflow.dag.Scheduler;
import dev.jobflow.flow.FlowEvent.EventMeta;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What approval steps record: a decision seen on the JobFlow (stamped by the webhook) for a step that waits, and a
 * timeout that struck. Each applies only while its step waits, and what it records (StepApproved with StepSucceeded,
 * StepRejected with StepFailed) ends the wait: a decision delivered again (a resync, a restart, a re-delivered
 * update) finds the step no longer waiting and records nothing, so each counts exactly once.
 */
final class Approvals {
  private Approvals() {}

  /** The decisions among {@code seen} (by step) for steps that wait now, recorded; empty when none applies. */
  static Recording decided(FlowState state, Map<String, ApprovalDecision> seen, EventMeta meta) {
    List<FlowEvent> events = new ArrayList<>();
    for (int step : state.waitingForApproval()) {
      String name = state.dag().graph().step(step).name();
      ApprovalDecision d = seen.get(name);
      ApprovalDefinition approval = state.stepDefinition(name).approval();
      // The webhook refuses a decision of anyone else; a flow admitted without it must not be steered by one.
      if (d != null && approval.allows(d.user(), d.groups())) {
        events.addAll(d.approved() ? approved(state, step, d, meta) : rejected(state, step, d, meta));
      }
    }
    return Recording.of(events);
  }

  /** The waiting steps whose timeout struck by {@code now}, recorded as the step's onTimeout says. */
  static Recording timedOut(FlowState state, Instant now, EventMeta meta) {
    List<FlowEvent> events = new ArrayList<>();
    for (int step : state.waitingForApproval()) {
      Instant deadline = state.approvalDeadline(step);
      if (deadline == null || deadline.isAfter(now)) {
        continue;
      }
      String name = state.dag().graph().step(step).name();
      ApprovalDefinition approval = state.stepDefinition(name).approval();
      int attempt = state.dag().attempts(step);
      String message = "nobody decided within " + dev.jobflow.api.GoDuration.format(approval.timeout());
      if (approval.approveOnTimeout()) {
        events.add(new FlowEvent.StepApproved(meta, name, attempt, null, List.of(), null, now,
            Reasons.APPROVAL_TIMED_OUT, message + ": approved, as onTimeout says"));
        events.add(new FlowEvent.StepSucceeded(meta, name, attempt, null, null, Reasons.APPROVAL_TIMED_OUT,
            message + ": approved, as onTimeout says"));
      } else {
        events.add(failure(state, step, attempt, Reasons.APPROVAL_TIMED_OUT, message, now, meta));
      }
    }
    return Recording.of(events);
  }

  /** The earliest timeout among the waiting steps, null when none has one. */
  static Instant nextDeadline(FlowState state) {
    Instant next = null;
    for (int step : state.waitingForApproval()) {
      Instant d = state.approvalDeadline(step);
      if (d != null && (next == null || d.isBefore(next))) {
        next = d;
      }
    }
    return next;
  }

  /** What an approval step's start records besides StepAttemptStarted: the request, with its deadline. */
  static FlowEvent requested(StepDefinition step, int attempt, EventMeta meta) {
    ApprovalDefinition a = step.approval();
    return new FlowEvent.StepApprovalRequested(meta, step.name(), attempt, a.message(), a.users(), a.groups(),
        a.timeout() == null ? null : meta.at().plus(a.timeout()));
  }

  private static List<FlowEvent> approved(FlowState state, int step, ApprovalDecision d, EventMeta meta) {
    String name = state.dag().graph().step(step).name();
    int attempt = state.dag().attempts(step);
    String message = "approved by " + d.user() + (d.comment() == null ? "" : ": " + d.comment());
    return List.of(new FlowEvent.StepApproved(meta, name, attempt, d.user(), d.groups(), d.comment(), decidedAt(d, meta),
            Reasons.APPROVED, message),
        new FlowEvent.StepSucceeded(meta, name, attempt, null, null, Reasons.APPROVED, message));
  }

  private static List<FlowEvent> rejected(FlowState state, int step, ApprovalDecision d, EventMeta meta) {
    String name = state.dag().graph().step(step).name();
    int attempt = state.dag().attempts(step);
    String message = "rejected by " + d.user() + (d.comment() == null ? "" : ": " + d.comment());
    return List.of(new FlowEvent.StepRejected(meta, name, attempt, d.user(), d.groups(), d.comment(),
            decidedAt(d, meta), Reasons.REJECTED, message),
        failure(state, step, attempt, Reasons.REJECTED, message, meta.at(), meta));
  }

  /** The step's end as a failure: final (approval steps have no retries), unless the spec was admitted unchecked. */
  private static FlowEvent failure(FlowState state, int step, int attempt, String reason, String message, Instant now,
                                   EventMeta meta) {
    Decision.AttemptFailure f = Scheduler.resolveFailure(state.dag(), step, attempt, reason, message, now);
    return Recording.failure(state, f, null, null, meta).events().get(0);
  }

  private static Instant decidedAt(ApprovalDecision d, EventMeta meta) {
    try {
      return d.at() == null ? meta.at() : Instant.parse(d.at());
    } catch (DateTimeParseException e) {
      return meta.at();
    }
  }
}
