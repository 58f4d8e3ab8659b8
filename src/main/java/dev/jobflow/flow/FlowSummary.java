package dev.jobflow.flow;

import dev.jobflow.api.FlowPhase;
import dev.jobflow.api.StepPhase;
import dev.jobflow.dag.InstanceCounts;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The whole flow at a glance, cheap to build for any size of flow. Immutable.
 *
 * @param observedGeneration the newest spec generation the engine has taken into account
 * @param stepCounts number of steps per phase (every phase present)
 * @param reason why the flow is in its phase (e.g. {@code StepFailed}), null while nothing to say
 * @param retries how many times the flow was retried in place
 * @param lastRetry the latest of those retries, null when none
 * @param historyLost the sign that the journal lost part of this flow's history, null when none was found
 * @param instances the instance counts of each expanded fan-out step, in spec order (empty when none)
 */
public record FlowSummary(FlowPhase phase, long observedGeneration, int totalSteps, int finishedSteps,
                          Map<StepPhase, Integer> stepCounts, Instant startedAt, Instant finishedAt, String reason,
                          String message, int retries, FlowEvent.FlowRetried lastRetry,
                          FlowEvent.FlowHistoryLost historyLost, List<InstanceCounts> instances)
    implements JsonSerializable {
  public FlowSummary {
    instances = instances == null ? List.of() : List.copyOf(instances);
  }

  /** A flow whose history is whole, without fan-out steps. */
  public FlowSummary(FlowPhase phase, long observedGeneration, int totalSteps, int finishedSteps,
                     Map<StepPhase, Integer> stepCounts, Instant startedAt, Instant finishedAt, String reason,
                     String message, int retries, FlowEvent.FlowRetried lastRetry) {
    this(phase, observedGeneration, totalSteps, finishedSteps, stepCounts, startedAt, finishedAt, reason, message,
        retries, lastRetry, null, List.of());
  }

  /** A flow never retried. */
  public FlowSummary(FlowPhase phase, long observedGeneration, int totalSteps, int finishedSteps,
                     Map<StepPhase, Integer> stepCounts, Instant startedAt, Instant finishedAt, String reason,
                     String message) {
    this(phase, observedGeneration, totalSteps, finishedSteps, stepCounts, startedAt, finishedAt, reason, message, 0,
        null);
  }

  /** Finished / all steps, as {@code kubectl get jf} shows it: {@code 2/4}. */
  public String progress() {
    return finishedSteps + "/" + totalSteps;
  }

  /** The same, for a flow that waits for a lock before its first step: Pending, reason WaitingForLock. */
  public FlowSummary waitingForLock(String waitMessage) {
    return new FlowSummary(FlowPhase.Pending, observedGeneration, totalSteps, finishedSteps, stepCounts, startedAt,
        finishedAt, dev.jobflow.dag.Reasons.WAITING_FOR_LOCK, waitMessage, retries, lastRetry, historyLost, instances);
  }
}
