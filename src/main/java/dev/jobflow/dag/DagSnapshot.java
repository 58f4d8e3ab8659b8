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
 * An immutable copy of a {@link DagState}: what a snapshot stores. Steps are in graph order.
 *
 * @param retriedAt when the latest retry of the flow began; null before any (and in snapshots written before retries)
 */
public record DagSnapshot(List<StepProgress> steps, Integer parallelism, FailurePolicy failurePolicy,
                          Duration timeout, boolean suspended, ShutdownPolicy shutdown, Instant flowStartedAt,
                          Instant timedOutAt, boolean timedOutDuringFinally, FlowPhase outcome,
                          String outcomeReason, String outcomeMessage, Instant flowFinishedAt, Instant retriedAt) {

  /** A snapshot as written before retries of whole flows existed. */
  public DagSnapshot(List<StepProgress> steps, Integer parallelism, FailurePolicy failurePolicy,
                     Duration timeout, boolean suspended, ShutdownPolicy shutdown, Instant flowStartedAt,
                     Instant timedOutAt, boolean timedOutDuringFinally, FlowPhase outcome,
                     String outcomeReason, String outcomeMessage, Instant flowFinishedAt) {
    this(steps, parallelism, failurePolicy, timeout, suspended, shutdown, flowStartedAt, timedOutAt,
        timedOutDuringFinally, outcome, outcomeReason, outcomeMessage, flowFinishedAt, null);
  }

  /** Rebuilds the state, indexes included, from this snapshot of a flow of {@code graph}. */
  public DagState restore(FlowGraph graph) {
    DagSnapshot snap = this;
    DagState s = new DagState(graph);
    s.onFlowStarted(snap.flowStartedAt(), snap.parallelism(), snap.failurePolicy(), snap.timeout(),
        snap.suspended(), snap.shutdown());
    s.retriedAt = snap.retriedAt();
    // Replaying the steps' facts in dependency order keeps the indexes right without a second code path.
    for (int i : topologicalOrder(graph)) {
      StepProgress p = snap.steps().get(i);
      s.retryBase[i] = p.retryBase() == null ? 0 : p.retryBase();
      if (p.phase() == StepPhase.Pending) {
        // A step that runs again after a retry of the flow keeps its attempts: the next one gets a new number.
        s.attempts[i] = p.attempts();
        s.startedAt[i] = p.startedAt();
        if (Boolean.TRUE.equals(p.conditionMet())) {
          s.onConditionMet(i);
        }
        continue;
      }
      if (p.phase() == StepPhase.Skipped) {
        s.onSkipped(i, p.finishedAt(), p.reason(), p.message());
        s.attempts[i] = p.attempts(); // attempts of earlier rounds, when it was skipped after a retry
        s.startedAt[i] = p.startedAt();
        continue;
      }
      if (p.attempts() == 0 || p.attemptStartedAt() == null) {
        // Failed before any attempt (of this round): its condition could not be evaluated.
        s.onFailed(i, p.finishedAt(), p.reason(), p.message(), p.exitCode());
        s.attempts[i] = p.attempts();
        s.startedAt[i] = p.startedAt();
        continue;
      }
      s.onAttemptStarted(i, p.attempts(), p.attemptStartedAt());
      s.startedAt[i] = p.startedAt();
      s.jobUid[i] = p.jobUid();
      switch (p.phase()) {
        case Running -> { }
        case Succeeded -> {
          s.onSucceeded(i, p.finishedAt(), p.reason(), p.message(), p.outputs());
          s.exitCode[i] = p.exitCode();
        }
        case Retrying -> s.onRetryScheduled(i, p.nextAttemptAt(), p.reason(), p.message());
        case Failed -> s.onFailed(i, p.finishedAt(), p.reason(), p.message(), p.exitCode());
        case Cancelled -> s.onCancelled(i, p.finishedAt(), p.reason(), p.message());
        default -> throw new IllegalStateException("unexpected phase " + p.phase() + " of step " + p.name());
      }
      s.reason[i] = p.reason();
      s.message[i] = p.message();
    }
    if (snap.timedOutAt() != null) {
      s.timedOutAt = snap.timedOutAt();
      s.timedOutDuringFinally = snap.timedOutDuringFinally();
    }
    if (snap.outcome() != null) {
      s.onFlowFinished(snap.outcome(), snap.flowFinishedAt(), snap.outcomeReason(), snap.outcomeMessage());
    }
    return s;
  }

  private static List<Integer> topologicalOrder(FlowGraph graph) {
    int n = graph.size();
    int[] indegree = new int[n];
    for (GraphStep s : graph.steps()) {
      indegree[s.index()] = s.dependsOn().length;
    }
    List<Integer> order = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      if (indegree[i] == 0) {
        order.add(i);
      }
    }
    for (int k = 0; k < order.size(); k++) {
      for (int d : graph.step(order.get(k)).dependents()) {
        if (--indegree[d] == 0) {
          order.add(d);
        }
      }
    }
    return order;
  }
}

