package dev.jobflow.dag;

import dev.jobflow.api.FailurePolicy;
import dev.jobflow.api.FlowPhase;
import dev.jobflow.api.GoDuration;
import dev.jobflow.api.ShutdownPolicy;
import dev.jobflow.api.StepPhase;
import dev.jobflow.dag.Decision.Abandon;
import dev.jobflow.dag.Decision.Attempt;
import dev.jobflow.dag.Decision.AttemptFailure;
import dev.jobflow.dag.Decision.Cancellation;
import dev.jobflow.dag.Decision.FinishFlow;
import dev.jobflow.dag.Decision.Skip;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The rules of a flow: from its {@link DagState} and the time, what happens next. Pure functions; the
 * state is only read. Each call costs what it decides (plus a log factor), never a scan of the whole flow,
 * except once when a stopping flow skips everything that has not started.
 */
public final class Scheduler {
  private Scheduler() {}

  /**
   * What happens next: the first rule that has something to do decides, in this order. Apply the recorded result
   * to the state, then ask again until it is {@link Decision.Nothing}.
   */
  public static Decision decide(DagState s, Instant now) {
    if (s.outcome != null || s.flowStartedAt == null) {
      return new Decision.Nothing(null);
    }
    Instant wake = wakeAt(s, now);
    Instant flowDeadline = flowDeadline(s);
    if (s.timedOutAt == null && flowDeadline != null && !now.isBefore(flowDeadline)) {
      return new Decision.TimeOutFlow(flowDeadline, wake);
    }
    List<AttemptFailure> timedOut = timedOutAttempts(s, now);
    if (!timedOut.isEmpty()) {
      return new Decision.FailAttempts(timedOut, wake);
    }
    List<Cancellation> cancellations = cancellations(s);
    if (!cancellations.isEmpty()) {
      return new Decision.CancelAttempts(cancellations, wake);
    }
    Decision.SkipSteps skips = skips(s, wake);
    if (!skips.skips().isEmpty() || !skips.abandons().isEmpty()) {
      return skips;
    }
    List<Decision.Evaluation> evaluations = evaluations(s);
    if (!evaluations.isEmpty()) {
      return new Decision.EvaluateConditions(evaluations, wake);
    }
    List<Attempt> starts = starts(s, now, dagStopReason(s) != null, cancelsFinally(s));
    if (!starts.isEmpty()) {
      return new Decision.StartAttempts(starts, wake);
    }
    if (s.running.isEmpty() && s.unfinishedDag == 0 && s.unfinishedFinally == 0) {
      return outcome(s);
    }
    return new Decision.Nothing(wake);
  }

  /** Running attempts past their step's timeout: each fails with StepTimedOut, retried when it may be. */
  private static List<AttemptFailure> timedOutAttempts(DagState s, Instant now) {
    List<AttemptFailure> failures = new ArrayList<>();
    for (DagState.Due due : s.deadlines) {
      if (due.at().isAfter(now)) {
        break;
      }
      int step = due.step();
      Duration limit = s.graph.step(step).timeout();
      failures.add(resolveFailure(s, step, s.attempts[step], Reasons.STEP_TIMED_OUT,
          "attempt " + s.attempts[step] + " ran longer than the step's timeout of " + GoDuration.format(limit), now));
    }
    return failures;
  }

  /** Running attempts that shutdown Terminate or the flow timeout stop. */
  private static List<Cancellation> cancellations(DagState s) {
    List<Cancellation> cancellations = new ArrayList<>();
    boolean cancelDag = cancelsDag(s);
    boolean cancelFinally = cancelsFinally(s);
    for (int step : cancelDag || cancelFinally ? s.running : java.util.Set.<Integer>of()) {
      if (s.graph.step(step).isFinally() ? cancelFinally : cancelDag) {
        cancellations.add(new Cancellation(step, s.attempts[step], cancelReason(s), cancelMessage(s)));
      }
    }
    return cancellations;
  }

  /** Steps that will not run: everything idle of a stopping DAG (or of cancelled finally steps), or downstream. */
  private static Decision.SkipSteps skips(DagState s, Instant wake) {
    List<Skip> skips = new ArrayList<>();
    List<Abandon> abandons = new ArrayList<>();
    String stopReason = dagStopReason(s);
    if (stopReason != null && s.idleDag > 0) {
      idleSteps(s, 0, s.graph.dagSize(), stopReason, dagStopMessage(s, stopReason), skips, abandons);
      skips.removeIf(skip -> exemptFromStop(s, skip.step()));
      abandons.removeIf(abandon -> exemptFromStop(s, abandon.step()));
    } else if (!s.doomed.isEmpty()) {
      skipDownstream(s, skips);
    }
    if (cancelsFinally(s) && s.idleFinally > 0) {
      idleSteps(s, s.graph.dagSize(), s.graph.size(), cancelReason(s), cancelMessage(s), skips, abandons);
    }
    return new Decision.SkipSteps(skips, abandons, wake);
  }

  /**
   * What a failed attempt leads to: a retry at an absolute time, or the step failing for good (retries
   * spent, or the flow is stopping). Null when the attempt is not the step's running one (a late report).
   */
  public static AttemptFailure resolveFailure(DagState s, int step, int attempt, String reason, String message,
                                              Instant now) {
    if (s.outcome != null || s.phase[step] != StepPhase.Running || s.attempts[step] != attempt) {
      return null;
    }
    GraphStep g = s.graph.step(step);
    boolean stopping = g.isFinally() ? cancelsFinally(s) : dagStopReason(s) != null && !exemptFromStop(s, step);
    // An expression that could not be evaluated fails the same way every time: retrying it cannot help.
    // A retry of the whole flow gives each step that runs again its full budget: count this round's attempts only.
    int inRound = attempt - s.retryBase[step];
    boolean retriable = !Reasons.EXPRESSION_ERROR.equals(reason) && g.retry().allowsRetryAfter(inRound);
    Instant retryAt = !stopping && retriable ? now.plus(g.retry().delayAfter(inRound)) : null;
    return new AttemptFailure(step, attempt, reason, message, retryAt);
  }

  /** True when a report about this attempt is current: the attempt is the step's running one. */
  public static boolean isCurrent(DagState s, int step, int attempt) {
    return s.outcome == null && s.phase[step] == StepPhase.Running && s.attempts[step] == attempt;
  }

  private static List<Attempt> starts(DagState s, Instant now, boolean dagStopping, boolean cancelFinally) {
    if (s.suspended) {
      return List.of();
    }
    int slots = s.parallelism == null ? Integer.MAX_VALUE : Math.max(0, s.parallelism - s.running.size());
    List<Attempt> starts = new ArrayList<>();
    for (DagState.Due due : s.retries) {
      if (starts.size() >= slots || due.at().isAfter(now)) {
        break;
      }
      if (allowed(s, due.step(), dagStopping, cancelFinally)) {
        starts.add(new Attempt(due.step(), s.attempts[due.step()] + 1));
      }
    }
    for (int step : s.ready) {
      if (starts.size() >= slots) {
        break;
      }
      if (allowed(s, step, dagStopping, cancelFinally)) {
        starts.add(new Attempt(step, s.attempts[step] + 1));
      }
    }
    return starts;
  }

  private static boolean allowed(DagState s, int step, boolean dagStopping, boolean cancelFinally) {
    return s.graph.step(step).isFinally() ? !cancelFinally && s.unfinishedDag == 0
        : !dagStopping || exemptFromStop(s, step);
  }

  /**
   * A failure handler: under FailFast the flow stops starting steps after a failure, except those whose
   * {@code depends} names a failed step with an explicit result ({@code train.Failed}) and can still be met: they
   * were written for exactly this.
   */
  private static boolean exemptFromStop(DagState s, int step) {
    if (s.shutdown != null || s.timedOutAt != null || s.doomed.contains(step)) {
      return false;
    }
    Depends depends = s.graph.step(step).depends();
    if (!depends.isExplicit()) {
      return false;
    }
    for (String name : depends.steps()) {
      if (s.phase[s.graph.indexOf(name)] == StepPhase.Failed && depends.reactsTo(name)) {
        return true;
      }
    }
    return false;
  }

  /** The condition of every step waiting for one, evaluated now: a verdict each. */
  private static List<Decision.Evaluation> evaluations(DagState s) {
    List<Decision.Evaluation> out = new ArrayList<>();
    for (int step : s.toEvaluate) {
      Condition when = s.graph.step(step).when();
      Condition.Verdict verdict;
      try {
        verdict = when.evaluate(s.inputsOf(step));
      } catch (RuntimeException e) {
        verdict = Condition.Verdict.fail(e.getMessage() == null ? e.toString() : e.getMessage());
      }
      out.add(new Decision.Evaluation(step, when.source(), verdict));
    }
    return out;
  }

  private static void idleSteps(DagState s, int from, int to, String reason, String message, List<Skip> skips,
                                List<Abandon> abandons) {
    for (int i = from; i < to; i++) {
      if (s.phase[i] == StepPhase.Pending) {
        skips.add(new Skip(i, reason, message));
      } else if (s.phase[i] == StepPhase.Retrying) {
        StepPhase endsAs = s.shutdown != null || s.timedOutAt != null ? StepPhase.Cancelled : StepPhase.Failed;
        abandons.add(new Abandon(i, s.attempts[i], endsAs, reason, "retry abandoned: " + message));
      }
    }
  }

  /**
   * Skips every pending step whose dependencies can no longer be met, and transitively the steps that this makes
   * unmet too (each evaluated as if the skips before it were recorded), in one decision.
   */
  private static void skipDownstream(DagState s, List<Skip> skips) {
    Map<Integer, String> skipped = new HashMap<>();
    ArrayDeque<Integer> queue = new ArrayDeque<>(s.doomed);
    java.util.function.Function<String, Depends.Settled> settled = name -> {
      String why = skipped.get(s.graph.indexOf(name));
      return why != null ? new Depends.Settled(StepPhase.Skipped, why, false) : s.settled(name);
    };
    queue.forEach(step -> skipped.put(step, skipReason(s, step)));
    while (!queue.isEmpty()) {
      int step = queue.poll();
      skips.add(new Skip(step, skipped.get(step), skipMessage(s, step, settled)));
      for (int d : s.graph.step(step).dependents()) {
        if (s.phase[d] == StepPhase.Pending && !skipped.containsKey(d)
            && s.graph.step(d).depends().evaluate(settled) == Depends.Truth.FALSE) {
          skipped.put(d, skipReason(s, d));
          queue.add(d);
        }
      }
    }
  }

  private static String skipReason(DagState s, int step) {
    return s.graph.step(step).depends().isExplicit() ? Reasons.DEPENDS_FALSE : Reasons.UPSTREAM_FAILED;
  }

  private static String skipMessage(DagState s, int step, java.util.function.Function<String, Depends.Settled> settled) {
    Depends depends = s.graph.step(step).depends();
    List<String> ended = new ArrayList<>();
    String cause = null;
    for (String name : depends.steps()) {
      Depends.Settled e = settled.apply(name);
      if (e == null) {
        continue;
      }
      ended.add(name + " " + e.phase() + (e.reason() == null || e.phase() == StepPhase.Succeeded ? "" : " (" + e.reason() + ")"));
      if (cause == null && !Depends.matches(null, e)) {
        cause = name;
      }
    }
    if (depends.isExplicit()) {
      return "not run: depends '" + depends.text() + "' is false (" + String.join(", ", ended) + ")";
    }
    String what = cause == null ? "a dependency" : "'" + cause + "'";
    return "not run: it depends on " + what + ", which did not succeed";
  }

  private static FinishFlow outcome(DagState s) {
    if (s.shutdown != null) {
      return new FinishFlow(FlowPhase.Cancelled, s.shutdown == ShutdownPolicy.Stop ? Reasons.STOPPED : Reasons.TERMINATED,
          "the flow was shut down (" + s.shutdown + ")");
    }
    if (s.timedOutAt != null) {
      return new FinishFlow(FlowPhase.Failed, Reasons.FLOW_TIMED_OUT,
          "the flow ran longer than its timeout of " + GoDuration.format(s.timeout));
    }
    if (s.firstFailedStep >= 0) {
      return new FinishFlow(FlowPhase.Failed, Reasons.STEP_FAILED, failureMessage(s, s.firstFailedStep));
    }
    if (s.firstFailedFinally >= 0) {
      return new FinishFlow(FlowPhase.Failed, Reasons.FINALLY_STEP_FAILED, failureMessage(s, s.firstFailedFinally));
    }
    return new FinishFlow(FlowPhase.Succeeded, Reasons.SUCCEEDED, successMessage(s));
  }

  private static String successMessage(DagState s) {
    int skipped = s.count(StepPhase.Skipped);
    if (skipped == 0 && s.toleratedFailures == 0) {
      return "all " + s.graph.size() + " steps succeeded";
    }
    return s.count(StepPhase.Succeeded) + " of " + s.graph.size() + " steps succeeded"
        + (skipped > 0 ? ", " + skipped + " skipped" : "")
        + (s.toleratedFailures > 0 ? ", " + s.toleratedFailures + " failed with continueOn.failed" : "");
  }

  private static String failureMessage(DagState s, int step) {
    String detail = s.reason[step] == null ? "" : ": " + s.reason[step]
        + (s.message[step] == null ? "" : ": " + s.message[step]);
    int failed = s.count(StepPhase.Failed);
    return "step '" + s.graph.step(step).name() + "' failed" + detail
        + (failed > 1 ? " (and " + (failed - 1) + " more)" : "");
  }

  private static boolean cancelsDag(DagState s) {
    return s.shutdown == ShutdownPolicy.Terminate || s.timedOutAt != null;
  }

  private static boolean cancelsFinally(DagState s) {
    return s.shutdown == ShutdownPolicy.Terminate || s.timedOutDuringFinally;
  }

  private static String cancelReason(DagState s) {
    return s.shutdown == ShutdownPolicy.Terminate ? Reasons.TERMINATED : Reasons.FLOW_TIMED_OUT;
  }

  private static String cancelMessage(DagState s) {
    return s.shutdown == ShutdownPolicy.Terminate ? "the flow was shut down (Terminate)"
        : "the flow ran longer than its timeout of " + GoDuration.format(s.timeout);
  }

  /** Why DAG steps may no longer start, or null when they may. */
  private static String dagStopReason(DagState s) {
    if (s.shutdown != null) {
      return Reasons.SHUTDOWN;
    }
    if (s.timedOutAt != null) {
      return Reasons.FLOW_TIMED_OUT;
    }
    if (s.failurePolicy == FailurePolicy.FailFast && s.firstFailedStep >= 0) {
      return Reasons.FAIL_FAST;
    }
    return null;
  }

  private static String dagStopMessage(DagState s, String reason) {
    return switch (reason) {
      case Reasons.SHUTDOWN -> "not run: the flow was shut down (" + s.shutdown + ")";
      case Reasons.FLOW_TIMED_OUT -> "not run: the flow ran longer than its timeout of " + GoDuration.format(s.timeout);
      default -> "not run: step '" + s.graph.step(s.firstFailedStep).name() + "' failed and the flow fails fast";
    };
  }

  private static Instant flowDeadline(DagState s) {
    // A retried flow gets its whole timeout again, from the retry.
    return s.timeout == null ? null : (s.retriedAt == null ? s.flowStartedAt : s.retriedAt).plus(s.timeout);
  }

  /** The earliest future moment something is due: a retry, an attempt's deadline, the flow's deadline. */
  private static Instant wakeAt(DagState s, Instant now) {
    Instant wake = null;
    Instant flowDeadline = flowDeadline(s);
    if (s.timedOutAt == null && flowDeadline != null && flowDeadline.isAfter(now)) {
      wake = flowDeadline;
    }
    wake = earliestAfter(s.deadlines, now, wake);
    if (!s.suspended) {
      wake = earliestAfter(s.retries, now, wake);
    }
    return wake;
  }

  private static Instant earliestAfter(java.util.NavigableSet<DagState.Due> queue, Instant now, Instant wake) {
    DagState.Due next = queue.higher(new DagState.Due(now, Integer.MAX_VALUE));
    if (next == null) {
      return wake;
    }
    return wake == null || next.at().isBefore(wake) ? next.at() : wake;
  }
}
