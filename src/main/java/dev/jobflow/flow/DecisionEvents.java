package dev.jobflow.flow;

import dev.jobflow.dag.DagState;
import dev.jobflow.dag.Decision;
import dev.jobflow.flow.FlowEvent.EventMeta;
import java.util.ArrayList;
import java.util.List;

/** Turns a {@link Decision} of the scheduler into the events that record it. */
final class DecisionEvents {
  private DecisionEvents() {}

  static List<FlowEvent> of(FlowState state, Decision d, EventMeta meta) {
    DagState dag = state.dag();
    List<FlowEvent> events = new ArrayList<>();
    if (d.flowTimedOut()) {
      events.add(new FlowEvent.FlowTimedOut(meta, dag.flowStartedAt().plus(state.definition().timeout())));
    }
    for (Decision.AttemptFailure f : d.failures()) {
      events.add(failure(state, f, dag.jobUid(f.step()), meta));
    }
    for (Decision.Cancellation c : d.cancellations()) {
      String step = name(dag, c.step());
      events.add(new FlowEvent.StepCancelled(meta, step, c.attempt(), state.jobName(step, c.attempt()),
          dag.jobUid(c.step()), c.reason(), c.message()));
    }
    for (Decision.Skip s : d.skips()) {
      events.add(new FlowEvent.StepSkipped(meta, name(dag, s.step()), s.reason(), s.message()));
    }
    for (Decision.Abandon a : d.abandons()) {
      String step = name(dag, a.step());
      events.add(new FlowEvent.StepFailed(meta, step, a.attempt(), state.jobName(step, a.attempt()),
          dag.jobUid(a.step()), a.reason(), a.message()));
    }
    for (Decision.Start s : d.starts()) {
      String step = name(dag, s.step());
      events.add(new FlowEvent.StepAttemptStarted(meta, step, s.attempt(), state.jobName(step, s.attempt())));
    }
    if (d.outcome() != null) {
      Decision.Outcome o = d.outcome();
      events.add(switch (o.phase()) {
        case Succeeded -> new FlowEvent.FlowSucceeded(meta, o.reason(), o.message());
        case Cancelled -> new FlowEvent.FlowCancelled(meta, o.reason(), o.message());
        default -> new FlowEvent.FlowFailed(meta, o.reason(), o.message());
      });
    }
    return events;
  }

  /** A failed attempt: retried later, or the step's end. */
  static FlowEvent failure(FlowState state, Decision.AttemptFailure f, String jobUid, EventMeta meta) {
    String step = name(state.dag(), f.step());
    String job = state.jobName(step, f.attempt());
    if (f.retried()) {
      return new FlowEvent.StepRetryScheduled(meta, step, f.attempt(), job, jobUid, f.reason(), f.message(),
          f.attempt() + 1, f.retryAt());
    }
    return new FlowEvent.StepFailed(meta, step, f.attempt(), job, jobUid, f.reason(), f.message());
  }

  private static String name(DagState dag, int step) {
    return dag.graph().step(step).name();
  }
}
