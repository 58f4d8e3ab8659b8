package dev.jobflow.dag;

import java.time.Duration;

/**
 * One node of a {@link FlowGraph}, with its edges as indices into the graph.
 *
 * @param index position in the graph: DAG steps first in spec order, then finally steps
 * @param dependsOn indices of the steps this one waits for (empty for finally steps)
 * @param dependents indices of the steps waiting for this one
 * @param timeout deadline of one attempt, null for none
 */
public record GraphStep(String name, int index, boolean isFinally, int[] dependsOn, int[] dependents,
                        RetryRule retry, Duration timeout) {}
