package dev.jobflow.flow;

import dev.jobflow.dag.DagSnapshot;
import java.util.List;

/**
 * What a snapshot of a flow stores: an immutable copy of {@link FlowState}, taken on the entity's thread.
 *
 * @param definition null when the flow was never accepted
 * @param dag null when the flow was never accepted
 * @param invalid why the accepted spec could not run, null when it could
 * @param terminatedJobs Jobs the engine decided to delete; deleted again after a restart (idempotent)
 * @param lastHash hash of the last event before the snapshot (the audit hash chain's head); null in snapshots
 *     written before the chain existed
 * @param lastRetry the latest retry of the flow, null when none (and in snapshots written before retries existed)
 * @param retries how many times the flow was retried, null when never
 * @param historyLost the sign that the journal lost part of the flow's history, null when none (and in snapshots
 *     written before it was looked for)
 * @param locks the locks asked for and held, null when none and no step started (and in snapshots written before
 *     locks existed)
 */
public record FlowSnapshot(FlowDefinition definition, long observedGeneration, DagSnapshot dag, String invalid,
                           List<String> terminatedJobs, boolean deleted, String lastHash,
                           FlowEvent.FlowRetried lastRetry, Integer retries, FlowEvent.FlowHistoryLost historyLost,
                           Locks locks)
    implements JsonSerializable {

  /** The flow's locks: asked for (not granted yet), held, and whether a step started in this round. */
  public record Locks(List<FlowLock> requested, List<FlowLock> held, boolean roundStarted)
      implements JsonSerializable {
    public Locks {
      requested = requested == null ? List.of() : List.copyOf(requested);
      held = held == null ? List.of() : List.copyOf(held);
    }
  }

  /** A snapshot as written before lost history and locks were looked for. */
  public FlowSnapshot(FlowDefinition definition, long observedGeneration, DagSnapshot dag, String invalid,
                      List<String> terminatedJobs, boolean deleted, String lastHash, FlowEvent.FlowRetried lastRetry,
                      Integer retries) {
    this(definition, observedGeneration, dag, invalid, terminatedJobs, deleted, lastHash, lastRetry, retries, null, null);
  }

  /** A snapshot as written before retries existed. */
  public FlowSnapshot(FlowDefinition definition, long observedGeneration, DagSnapshot dag, String invalid,
                      List<String> terminatedJobs, boolean deleted, String lastHash) {
    this(definition, observedGeneration, dag, invalid, terminatedJobs, deleted, lastHash, null, null);
  }

  /** A snapshot without the chain's head, as written before the audit hash chain existed. */
  public FlowSnapshot(FlowDefinition definition, long observedGeneration, DagSnapshot dag, String invalid,
                      List<String> terminatedJobs, boolean deleted) {
    this(definition, observedGeneration, dag, invalid, terminatedJobs, deleted, null);
  }
}
