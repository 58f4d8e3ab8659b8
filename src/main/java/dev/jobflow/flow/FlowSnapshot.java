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
 */
public record FlowSnapshot(FlowDefinition definition, long observedGeneration, DagSnapshot dag, String invalid,
                           List<String> terminatedJobs, boolean deleted) implements JsonSerializable {}
