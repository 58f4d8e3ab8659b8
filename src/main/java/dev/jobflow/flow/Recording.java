package dev.jobflow.flow;

import dev.jobflow.dag.DagState;
import dev.jobflow.api.StepPhase;
import dev.jobflow.dag.Decision;
import dev.jobflow.dag.Decision.Attempt;
import dev.jobflow.dag.Reasons;
import dev.jobflow.flow.FlowEvent.EventMeta;
import java.util.ArrayList;
import java.util.List;

/**
 * What one command makes a flow record, and what the entity does once it is stored (persist, then act): the
 * events, the attempts to start, the attempts whose Jobs to delete. The side effects come from the decision that
 * led to the events, never from reading the events back.
 */
record Recording(List<FlowEvent> events, List<Attempt> starts, List<Attempt> stops, String lastHash) {

  /** Events not linked yet: {@link #chained} links them and knows the hash of the last. */
  Recording(List<FlowEvent> events, List<Attempt> starts, List<Attempt> stops) {
    this(events, starts, stops, null);
  }

  /** Events with no side effect but telling the listener. */
  static Recording of(List<FlowEvent> events) {
    return new Recording(List.copyOf(events), List.of(), List.of());
  }

  static Recording of(FlowEvent event) {
    return of(List.of(event));
  }

  /** A decision of the scheduler: its events, and the effects the decision names. */
  static Recording of(FlowState state, Decision decision, EventMeta meta) {
    return new Recording(decision.accept(new DecisionEvents(state, meta)), decision.attemptsToStart(),
        decision.attemptsToStop());
  }

  /**
   * A failed attempt, reported by its step actor (which stopped; its Job stays for the user to inspect), with the
   * exit code of its failed container when it was read.
   */
  static Recording failure(FlowState state, Decision.AttemptFailure failure, String jobUid, Integer exitCode,
                           EventMeta meta) {
    return of(failureEvent(state, failure, jobUid, exitCode, meta));
  }

  /** The JobFlow was deleted: running attempts are cancelled (their Jobs deleted) and the flow ends, then the fact. */
  static Recording deletion(FlowState state, EventMeta meta) {
    List<FlowEvent> events = new ArrayList<>();
    List<Attempt> stops = new ArrayList<>();
    if (!state.isFinished()) {
      DagState dag = state.dag();
      String message = "the JobFlow was deleted";
      for (int step : dag.runningSteps()) {
        String name = name(dag, step);
        events.add(new FlowEvent.StepCancelled(meta, name, dag.attempts(step),
            state.jobName(name, dag.attempts(step)), dag.jobUid(step), Reasons.FLOW_DELETED, message));
        stops.add(new Attempt(step, dag.attempts(step)));
      }
      events.add(new FlowEvent.FlowCancelled(meta, Reasons.FLOW_DELETED, message));
    }
    events.add(new FlowEvent.FlowDeleted(meta));
    return new Recording(List.copyOf(events), List.of(), List.copyOf(stops));
  }

  /** The same, with each event linked into the flow's hash chain after {@code previousHash}. */
  Recording chained(String previousHash) {
    HashChain.Linked linked = HashChain.link(previousHash, events);
    return new Recording(linked.events(), starts, stops, linked.lastHash());
  }

  private static FlowEvent failureEvent(FlowState state, Decision.AttemptFailure f, String jobUid, Integer exitCode,
                                        EventMeta meta) {
    String step = name(state.dag(), f.step());
    String job = state.jobName(step, f.attempt());
    if (f.retried()) {
      return new FlowEvent.StepRetryScheduled(meta, step, f.attempt(), job, jobUid, f.reason(), f.message(),
          f.attempt() + 1, f.retryAt());
    }
    return new FlowEvent.StepFailed(meta, step, f.attempt(), job, jobUid, f.reason(), f.message(), exitCode);
  }

  private static String name(DagState dag, int step) {
    return dag.graph().step(step).name();
  }

  /** The events that record each kind of decision. */
  private record DecisionEvents(FlowState state, EventMeta meta) implements Decision.Handler<List<FlowEvent>> {
    @Override
    public List<FlowEvent> nothing(Decision.Nothing d) {
      return List.of();
    }

    @Override
    public List<FlowEvent> timeOutFlow(Decision.TimeOutFlow d) {
      return List.of(new FlowEvent.FlowTimedOut(meta, d.deadline()));
    }

    @Override
    public List<FlowEvent> failAttempts(Decision.FailAttempts d) {
      return d.failures().stream().map(f -> failureEvent(state, f, dag().jobUid(f.step()), null, meta)).toList();
    }

    @Override
    public List<FlowEvent> cancelAttempts(Decision.CancelAttempts d) {
      return d.cancellations().stream().<FlowEvent>map(c -> {
        String step = name(dag(), c.step());
        return new FlowEvent.StepCancelled(meta, step, c.attempt(), state.jobName(step, c.attempt()),
            dag().jobUid(c.step()), c.reason(), c.message());
      }).toList();
    }

    @Override
    public List<FlowEvent> skipSteps(Decision.SkipSteps d) {
      List<FlowEvent> events = new ArrayList<>();
      for (Decision.Skip s : d.skips()) {
        events.add(new FlowEvent.StepSkipped(meta, name(dag(), s.step()), s.reason(), s.message()));
      }
      for (Decision.Abandon a : d.abandons()) {
        String step = name(dag(), a.step());
        String job = state.jobName(step, a.attempt());
        events.add(a.endsAs() == StepPhase.Cancelled
            ? new FlowEvent.StepCancelled(meta, step, a.attempt(), job, dag().jobUid(a.step()), a.reason(), a.message())
            : new FlowEvent.StepFailed(meta, step, a.attempt(), job, dag().jobUid(a.step()), a.reason(), a.message()));
      }
      return events;
    }

    @Override
    public List<FlowEvent> evaluateConditions(Decision.EvaluateConditions d) {
      List<FlowEvent> events = new ArrayList<>();
      for (Decision.Evaluation e : d.evaluations()) {
        String step = name(dag(), e.step());
        events.add(switch (e.verdict().kind()) {
          case RUN -> new FlowEvent.StepConditionEvaluated(meta, step, e.when(), true);
          case SKIP -> new FlowEvent.StepSkipped(meta, step, Reasons.WHEN_FALSE, "not run: when '" + e.when()
              + "' is false");
          case FAIL -> new FlowEvent.StepFailed(meta, step, 0, null, null, Reasons.EXPRESSION_ERROR,
              "when '" + e.when() + "': " + e.verdict().message());
        });
      }
      return events;
    }

    @Override
    public List<FlowEvent> expandSteps(Decision.ExpandSteps d) {
      List<FlowEvent> events = new ArrayList<>();
      for (Decision.Expansion e : d.expansions()) {
        String step = name(dag(), e.step());
        events.add(e.failed()
            ? new FlowEvent.StepFailed(meta, step, 0, null, null, e.reason(), e.message())
            : new FlowEvent.StepExpanded(meta, step, dag().graph().step(e.step()).fanOut().source().field(),
                e.items()));
      }
      return events;
    }

    @Override
    public List<FlowEvent> startAttempts(Decision.StartAttempts d) {
      List<FlowEvent> events = new ArrayList<>();
      for (Attempt s : d.starts()) {
        String step = name(dag(), s.step());
        events.add(new FlowEvent.StepAttemptStarted(meta, step, s.attempt(), state.jobName(step, s.attempt())));
        StepDefinition definition = state.stepDefinition(step);
        if (definition.waitsForApproval()) {
          events.add(Approvals.requested(definition, s.attempt(), meta));
        }
      }
      return events;
    }

    @Override
    public List<FlowEvent> finishFlow(Decision.FinishFlow d) {
      return List.of(switch (d.phase()) {
        case Succeeded -> new FlowEvent.FlowSucceeded(meta, d.reason(), d.message());
        case Cancelled -> new FlowEvent.FlowCancelled(meta, d.reason(), d.message());
        default -> new FlowEvent.FlowFailed(meta, d.reason(), d.message());
      });
    }

    private DagState dag() {
      return state.dag();
    }
  }
}
