package dev.jobflow.dag;

import dev.jobflow.api.StepPhase;

import dev.jobflow.api.FlowPhase;
import java.time.Instant;
import java.util.List;

/**
 * What happens next in a flow, decided by {@link Scheduler#decide} from its state and the time: one kind of change
 * at a time, in the order of the cases below; the engine records it, applies it, and asks again. Each case names
 * the side effects it implies ({@link #attemptsToStart}, {@link #attemptsToStop}), so whoever records it never
 * re-derives them from what was recorded.
 */
public sealed interface Decision {

  /** The earliest future time at which the decision may change by itself (a retry, a deadline), or null. */
  Instant wakeAt();

  /** Calls the handler's method for this kind of decision. */
  <R> R accept(Handler<R> handler);

  /** Attempts to run once the decision is recorded. */
  default List<Attempt> attemptsToStart() {
    return List.of();
  }

  /** Running attempts whose Jobs are deleted once the decision is recorded. */
  default List<Attempt> attemptsToStop() {
    return List.of();
  }

  /** One method per kind of decision: a new kind does not compile until every handler says what it records. */
  interface Handler<R> {
    R nothing(Nothing d);

    R timeOutFlow(TimeOutFlow d);

    R failAttempts(FailAttempts d);

    R cancelAttempts(CancelAttempts d);

    R skipSteps(SkipSteps d);

    R evaluateConditions(EvaluateConditions d);

    R expandSteps(ExpandSteps d);

    R startAttempts(StartAttempts d);

    R finishFlow(FinishFlow d);
  }

  /** Nothing to record now; wake up at {@code wakeAt} (null: only a new fact can change that). */
  record Nothing(Instant wakeAt) implements Decision {
    @Override
    public <R> R accept(Handler<R> handler) {
      return handler.nothing(this);
    }
  }

  /** The flow's deadline ({@code spec.timeout}) passed. */
  record TimeOutFlow(Instant deadline, Instant wakeAt) implements Decision {
    @Override
    public <R> R accept(Handler<R> handler) {
      return handler.timeOutFlow(this);
    }
  }

  /** Running attempts ran past their step's timeout: they fail (retried or for good) and their Jobs go. */
  record FailAttempts(List<AttemptFailure> failures, Instant wakeAt) implements Decision {
    @Override
    public <R> R accept(Handler<R> handler) {
      return handler.failAttempts(this);
    }

    @Override
    public List<Attempt> attemptsToStop() {
      return failures.stream().map(f -> new Attempt(f.step(), f.attempt())).toList();
    }
  }

  /** Running attempts end Cancelled (shutdown Terminate, flow timeout) and their Jobs go. */
  record CancelAttempts(List<Cancellation> cancellations, Instant wakeAt) implements Decision {
    @Override
    public <R> R accept(Handler<R> handler) {
      return handler.cancelAttempts(this);
    }

    @Override
    public List<Attempt> attemptsToStop() {
      return cancellations.stream().map(c -> new Attempt(c.step(), c.attempt())).toList();
    }
  }

  /**
   * Steps that will never run: {@code skips} never started, {@code abandons} waited for a retry that will not come
   * (they fail for good). Decided together: both follow from one reason to stop (at least one list is not empty).
   */
  record SkipSteps(List<Skip> skips, List<Abandon> abandons, Instant wakeAt) implements Decision {
    @Override
    public <R> R accept(Handler<R> handler) {
      return handler.skipSteps(this);
    }
  }

  /**
   * Steps whose dependencies are met had their {@code when} evaluated, once: each runs (it becomes ready), is skipped
   * ({@code WhenFalse}, its dependents treat it as settled) or fails ({@code ExpressionError}). Recording the verdicts
   * is what makes them final: a recovery reads them back and never evaluates again.
   */
  record EvaluateConditions(List<Evaluation> evaluations, Instant wakeAt) implements Decision {
    @Override
    public <R> R accept(Handler<R> handler) {
      return handler.evaluateConditions(this);
    }
  }

  /**
   * Fan-out steps whose dependencies are met had their list fixed, once: each runs its instances (recorded with the
   * whole list, so a recovery or a later change of the source never yields another) or fails ({@code TooManyItems},
   * {@code BadItems}).
   */
  record ExpandSteps(List<Expansion> expansions, Instant wakeAt) implements Decision {
    @Override
    public <R> R accept(Handler<R> handler) {
      return handler.expandSteps(this);
    }
  }

  /** Attempts to start now: due retries first, then ready steps. */
  record StartAttempts(List<Attempt> starts, Instant wakeAt) implements Decision {
    @Override
    public <R> R accept(Handler<R> handler) {
      return handler.startAttempts(this);
    }

    @Override
    public List<Attempt> attemptsToStart() {
      return starts;
    }
  }

  /** Every step has finished and nothing runs: how the flow ends. */
  record FinishFlow(FlowPhase phase, String reason, String message) implements Decision {
    @Override
    public Instant wakeAt() {
      return null;
    }

    @Override
    public <R> R accept(Handler<R> handler) {
      return handler.finishFlow(this);
    }
  }

  /** Attempt {@code attempt} (1-based) of the step (by index). */
  record Attempt(int step, int attempt) {}

  /** A failed attempt: retried at {@code retryAt}, or the step fails for good when it is null. */
  record AttemptFailure(int step, int attempt, String reason, String message, Instant retryAt) {
    public boolean retried() {
      return retryAt != null;
    }
  }

  record Cancellation(int step, int attempt, String reason, String message) {}

  record Skip(int step, String reason, String message) {}

  /** The verdict of one step's condition ({@code when}, as written). */
  record Evaluation(int step, String when, Condition.Verdict verdict) {}

  /**
   * A step waiting for a retry that will not come. It ends {@code Cancelled} when the flow stopped it (shutdown,
   * flow timeout), as its running siblings are; {@code Failed} when it is left behind by another step's failure.
   */
  record Abandon(int step, int attempt, StepPhase endsAs, String reason, String message) {}

  /** A fan-out step's list ({@code items}, JSON texts), or why it has none ({@code reason}, {@code message}). */
  record Expansion(int step, List<String> items, String reason, String message) {
    public boolean failed() {
      return items == null;
    }
  }
}
