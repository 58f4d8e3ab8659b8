package dev.jobflow.metrics;

import dev.jobflow.api.FlowPhase;
import java.time.Instant;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;

/**
 * A count of all JobFlows by namespace and phase, taken from the controller's informer cache. The flows-by-phase gauge
 * is set from a whole census rather than incremented on transitions, so it is right after a restart, after missed
 * transitions and after flows are deleted.
 */
public final class FlowCensus {
  private final Map<String, EnumMap<FlowPhase, Long>> counts = new HashMap<>();
  private final Map<String, Instant> oldestRunningStart = new HashMap<>();
  private final Map<String, Long> pendingApprovals = new HashMap<>();

  /**
   * Counts one flow. {@code startedAt} (nullable) matters only for running flows: the oldest running flow's start
   * time per namespace drives the "running far longer than usual" alert.
   */
  public FlowCensus add(String namespace, FlowPhase phase, Instant startedAt) {
    counts.computeIfAbsent(namespace, ns -> new EnumMap<>(FlowPhase.class)).merge(phase, 1L, Long::sum);
    if (phase == FlowPhase.Running && startedAt != null) {
      oldestRunningStart.merge(namespace, startedAt, (a, b) -> a.isBefore(b) ? a : b);
    }
    return this;
  }

  /** Counts approval steps of a flow that wait for a decision (0 adds the namespace with none). */
  public FlowCensus addPendingApprovals(String namespace, int steps) {
    pendingApprovals.merge(namespace, (long) steps, Long::sum);
    return this;
  }

  /** Approval steps waiting for a decision, per namespace counted. */
  public Map<String, Long> pendingApprovals() {
    return Collections.unmodifiableMap(pendingApprovals);
  }

  /** Flows per phase of each namespace counted (phases without flows are absent). */
  public Map<String, Map<FlowPhase, Long>> counts() {
    return Collections.unmodifiableMap(counts);
  }

  /** Start time of the oldest running flow of each namespace that has one. */
  public Map<String, Instant> oldestRunningStart() {
    return Collections.unmodifiableMap(oldestRunningStart);
  }
}
