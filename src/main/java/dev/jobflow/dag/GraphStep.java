package dev.jobflow.dag;

import java.time.Duration;

/**
 * One node of a {@link FlowGraph}, with its edges as indices into the graph.
 *
 * @param index position in the graph: DAG steps first in spec order, then finally steps
 * @param dependsOn indices of the steps this one waits for (empty for finally steps): the names of {@code depends}
 * @param dependents indices of the steps waiting for this one
 * @param depends when it may start, in terms of how those steps ended ({@code dependsOn} or {@code depends})
 * @param timeout deadline of one attempt, null for none
 * @param when its condition, evaluated once its dependencies are met; null for none
 * @param continuesOnFailure {@code continueOn.failed}: its failure neither fails the flow nor blocks dependents
 */
public record GraphStep(String name, int index, boolean isFinally, int[] dependsOn, int[] dependents, Depends depends,
                        RetryRule retry, Duration timeout, Condition when, boolean continuesOnFailure) {}
