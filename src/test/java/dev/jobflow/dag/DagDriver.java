package dev.jobflow.dag;

import dev.jobflow.api.FailurePolicy;
import dev.jobflow.api.FlowPhase;
import dev.jobflow.api.ShutdownPolicy;
import dev.jobflow.api.StepPhase;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Plays a flow through the scheduler the way the entity does (decide, apply, decide again until nothing
 * is left), with the test as the cluster: it finishes attempts and moves time.
 */
final class DagDriver {
  static final Instant T0 = Instant.parse("2026-11-23T00:00:00Z");

  DagState state;
  Instant now = T0;
  /** "step#attempt" in start order. */
  final List<String> starts = new ArrayList<>();
  final List<Decision> decisions = new ArrayList<>();
  /** "step=RUN|SKIP|FAIL" in evaluation order. */
  final List<String> evaluated = new ArrayList<>();
  int maxRunning;

  DagDriver(FlowGraph graph, Integer parallelism, FailurePolicy policy, Duration timeout, boolean suspended) {
    state = new DagState(graph);
    state.onFlowStarted(T0, parallelism, policy, timeout, suspended, null);
  }

  static DagDriver of(FlowGraph graph) {
    return new DagDriver(graph, null, FailurePolicy.FailFast, null, false).settle();
  }

  /** Decides and applies until the scheduler has nothing more to decide now. */
  DagDriver settle() {
    for (int round = 0; round < 100_000; round++) {
      Decision d = Scheduler.decide(state, now);
      if (d instanceof Decision.Nothing) {
        return this;
      }
      decisions.add(d);
      d.accept(applier);
    }
    throw new AssertionError("the scheduler never settled");
  }

  /** Records each kind of decision as the entity's events would, straight into the state. */
  private final Decision.Handler<Void> applier = new Decision.Handler<>() {
    @Override
    public Void nothing(Decision.Nothing d) {
      return null;
    }

    @Override
    public Void timeOutFlow(Decision.TimeOutFlow d) {
      state.onFlowTimedOut(now);
      return null;
    }

    @Override
    public Void failAttempts(Decision.FailAttempts d) {
      d.failures().forEach(DagDriver.this::applyFailure);
      return null;
    }

    @Override
    public Void cancelAttempts(Decision.CancelAttempts d) {
      d.cancellations().forEach(c -> state.onCancelled(c.step(), now, c.reason(), c.message()));
      return null;
    }

    @Override
    public Void skipSteps(Decision.SkipSteps d) {
      d.skips().forEach(s -> state.onSkipped(s.step(), now, s.reason(), s.message()));
      d.abandons().forEach(a -> state.onFailed(a.step(), now, a.reason(), a.message()));
      return null;
    }

    @Override
    public Void evaluateConditions(Decision.EvaluateConditions d) {
      for (Decision.Evaluation e : d.evaluations()) {
        switch (e.verdict().kind()) {
          case RUN -> state.onConditionMet(e.step());
          case SKIP -> state.onSkipped(e.step(), now, Reasons.WHEN_FALSE, "when is false");
          case FAIL -> state.onFailed(e.step(), now, Reasons.EXPRESSION_ERROR, e.verdict().message());
        }
        evaluated.add(name(e.step()) + "=" + e.verdict().kind());
      }
      return null;
    }

    @Override
    public Void startAttempts(Decision.StartAttempts d) {
      for (Decision.Attempt s : d.starts()) {
        state.onAttemptStarted(s.step(), s.attempt(), now);
        starts.add(name(s.step()) + "#" + s.attempt());
      }
      maxRunning = Math.max(maxRunning, state.runningCount());
      return null;
    }

    @Override
    public Void finishFlow(Decision.FinishFlow d) {
      state.onFlowFinished(d.phase(), now, d.reason(), d.message());
      return null;
    }
  };

  private void applyFailure(Decision.AttemptFailure f) {
    if (f.retried()) {
      state.onRetryScheduled(f.step(), f.retryAt(), f.reason(), f.message());
    } else {
      state.onFailed(f.step(), now, f.reason(), f.message());
    }
  }

  DagDriver succeed(String step) {
    return succeed(step, null);
  }

  /** The step's Job succeeded and wrote these outputs (null: not read). */
  DagDriver succeed(String step, java.util.Map<String, String> outputs) {
    int i = index(step);
    if (!Scheduler.isCurrent(state, i, state.attempts(i))) {
      throw new AssertionError(step + " is not running but " + state.phase(i));
    }
    state.onSucceeded(i, now, null, null, outputs);
    return settle();
  }

  /** A restart: the state rebuilt from a snapshot of itself, as a recovery does, then decided again. */
  DagDriver restart() {
    state = state.snapshot().restore(state.graph());
    return settle();
  }

  /** The steps a retry of the finished flow (from {@code fromStep}, nullable) runs again, as the entity records them. */
  List<String> retry(String fromStep) {
    RetryPlan.Plan plan = RetryPlan.of(state, fromStep);
    if (!plan.isPossible()) {
      throw new AssertionError("retry refused: " + plan.problem());
    }
    state = RetryPlan.apply(state, plan.steps(), now);
    starts.clear();
    settle();
    return plan.steps();
  }

  DagDriver fail(String step) {
    return fail(step, "BackoffLimitExceeded");
  }

  DagDriver fail(String step, String reason) {
    int i = index(step);
    Decision.AttemptFailure f = Scheduler.resolveFailure(state, i, state.attempts(i), reason, "failed", now);
    if (f == null) {
      throw new AssertionError(step + " is not running but " + state.phase(i));
    }
    applyFailure(f);
    return settle();
  }

  DagDriver advance(Duration d) {
    now = now.plus(d);
    return settle();
  }

  DagDriver suspend(boolean on) {
    state.onSuspended(on);
    return settle();
  }

  DagDriver parallelism(Integer p) {
    state.onParallelismChanged(p);
    return settle();
  }

  DagDriver shutdown(ShutdownPolicy p) {
    state.onShutdownRequested(p);
    return settle();
  }

  StepPhase phase(String step) {
    return state.phase(index(step));
  }

  String reason(String step) {
    return state.progress(index(step)).reason();
  }

  FlowPhase outcome() {
    return state.outcome();
  }

  List<String> running() {
    return state.runningSteps().stream().map(this::name).toList();
  }

  Instant wakeAt() {
    return Scheduler.decide(state, now).wakeAt();
  }

  int index(String step) {
    return state.graph().indexOf(step);
  }

  String name(int i) {
    return state.graph().step(i).name();
  }
}
