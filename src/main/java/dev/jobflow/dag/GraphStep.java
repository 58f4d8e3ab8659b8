package dev.jobflow.dag;

import java.time.Duration;

/**
 * One node of a {@link FlowGraph}, with its edges as indices into the graph.
 *
 * @param index position in the graph: DAG steps first in spec order, then finally steps, then the instances of
 *     fan-out steps in the order they were expanded
 * @param dependsOn indices of the steps this one waits for (empty for finally steps and instances): the names of
 *     {@code depends}
 * @param dependents indices of the steps waiting for this one
 * @param depends when it may start, in terms of how those steps ended ({@code dependsOn} or {@code depends})
 * @param timeout deadline of one attempt, null for none
 * @param when its condition, evaluated once its dependencies are met; null for none (of a fan-out step: evaluated
 *     for each instance, with its item in scope)
 * @param continuesOnFailure {@code continueOn.failed}: its failure neither fails the flow nor blocks dependents
 * @param fanOut how the step fans out into instances; null for a step that runs as itself
 * @param parent index of the fan-out step this is an instance of; -1 for a step of the spec
 * @param item the instance's item as JSON text; null for a step of the spec
 * @param itemIndex the instance's position in its step's list; -1 for a step of the spec
 */
public record GraphStep(String name, int index, boolean isFinally, int[] dependsOn, int[] dependents, Depends depends,
                        RetryRule retry, Duration timeout, Condition when, boolean continuesOnFailure, FanOut fanOut,
                        int parent, String item, int itemIndex) {
  private static final int[] NONE = new int[0];

  /** A step of the spec that runs as itself. */
  public GraphStep(String name, int index, boolean isFinally, int[] dependsOn, int[] dependents, Depends depends,
                   RetryRule retry, Duration timeout, Condition when, boolean continuesOnFailure) {
    this(name, index, isFinally, dependsOn, dependents, depends, retry, timeout, when, continuesOnFailure, null, -1,
        null, -1);
  }

  /** Instance {@code k} of this fan-out step, at graph index {@code at}: the step's rules, no edges of its own. */
  GraphStep instance(int k, int at, String itemJson) {
    return new GraphStep(instanceName(name, k), at, isFinally, NONE, NONE, Depends.none(), retry, timeout, when,
        continuesOnFailure, null, index, itemJson, k);
  }

  /** True for an instance of a fan-out step. */
  public boolean isInstance() {
    return parent >= 0;
  }

  /** The name of instance {@code k} of step {@code step}: {@code <step>-<k>}. */
  public static String instanceName(String step, int k) {
    return step + "-" + k;
  }
}
