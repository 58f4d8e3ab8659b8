package dev.jobflow.dag;

import dev.jobflow.api.FailurePolicy;
import dev.jobflow.api.FlowPhase;
import dev.jobflow.api.ShutdownPolicy;
import dev.jobflow.api.StepPhase;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

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

  /**
   * Rebuilds the state, indexes included, from this snapshot of a flow of {@code graph} (its instances, if it has
   * any, are appended again as the snapshot's fan-out steps are expanded).
   */
  public DagState restore(FlowGraph specified) {
    FlowGraph graph = specified.asSpecified();
    DagSnapshot snap = this;
    DagState s = new DagState(graph);
    s.onFlowStarted(snap.flowStartedAt(), snap.parallelism(), snap.failurePolicy(), snap.timeout(),
        snap.suspended(), snap.shutdown());
    s.retriedAt = snap.retriedAt();
    // Replaying the steps' facts in dependency order keeps the indexes right without a second code path. Rows are
    // found by name: instances get their indices again as their fan-out steps are expanded, in this order.
    Map<String, StepProgress> rows = new HashMap<>();
    snap.steps().forEach(p -> rows.put(p.name(), p));
    for (int i : topologicalOrder(graph)) {
      replay(s, i, rows);
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

  private static void replay(DagState s, int i, Map<String, StepProgress> rows) {
    StepProgress p = rows.get(s.graph.step(i).name());
    if (p == null) {
      return;
    }
    s.retryBase[i] = p.retryBase() == null ? 0 : p.retryBase();
    if (p.phase() == StepPhase.Pending) {
      // A step that runs again after a retry of the flow keeps its attempts: the next one gets a new number.
      s.attempts[i] = p.attempts();
      s.startedAt[i] = p.startedAt();
      if (Boolean.TRUE.equals(p.conditionMet())) {
        s.onConditionMet(i);
      }
      return;
    }
    if (p.items() != null) {
      // An expanded fan-out step: its instances, then (derived from them, as when it ran) its own end.
      s.onExpanded(i, p.items(), p.startedAt());
      DagState.Group g = s.group(i);
      for (int k = 0; k < g.size(); k++) {
        replay(s, g.first + k, rows);
      }
      return;
    }
    if (p.phase() == StepPhase.Skipped) {
      s.onSkipped(i, p.finishedAt(), p.reason(), p.message());
      s.attempts[i] = p.attempts(); // attempts of earlier rounds, when it was skipped after a retry
      s.startedAt[i] = p.startedAt();
      return;
    }
    if (p.attempts() == 0 || p.attemptStartedAt() == null) {
      // Failed before any attempt (of this round): its condition (or its list of items) could not be evaluated.
      s.onFailed(i, p.finishedAt(), p.reason(), p.message(), p.exitCode());
      s.attempts[i] = p.attempts();
      s.startedAt[i] = p.startedAt();
      return;
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

  private static List<Integer> topologicalOrder(FlowGraph graph) {
    int n = graph.specSize();
    int[] indegree = new int[n];
    for (int i = 0; i < n; i++) {
      indegree[i] = graph.step(i).dependsOn().length;
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

