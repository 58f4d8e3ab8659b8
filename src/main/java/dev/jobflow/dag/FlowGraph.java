package dev.jobflow.dag;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The shape of a flow, fixed once it has started: steps with their edges, retry rules and timeouts.
 * Plain values only, so the scheduling rules are tested without Akka or Kubernetes.
 */
public final class FlowGraph {
  private final List<GraphStep> steps;
  private final Map<String, Integer> byName;
  private final int dagSize;
  private final FlowFacts facts;

  private FlowGraph(List<GraphStep> steps, Map<String, Integer> byName, int dagSize, FlowFacts facts) {
    this.steps = steps;
    this.byName = byName;
    this.dagSize = dagSize;
    this.facts = facts;
  }

  /** An empty graph, for a flow whose spec could not be used. */
  public static FlowGraph empty() {
    return new FlowGraph(List.of(), Map.of(), 0, FlowFacts.NONE);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Every step, DAG steps first (in spec order), then finally steps. */
  public List<GraphStep> steps() {
    return steps;
  }

  public GraphStep step(int index) {
    return steps.get(index);
  }

  /** The step's index; throws naming the step when there is none of that name. */
  public int indexOf(String name) {
    Integer i = byName.get(name);
    if (i == null) {
      throw new IllegalArgumentException("no step named '" + name + "' in this flow");
    }
    return i;
  }

  public boolean contains(String name) {
    return byName.containsKey(name);
  }

  public int size() {
    return steps.size();
  }

  /** The flow's name, namespace, labels and parameters, for conditions. */
  public FlowFacts facts() {
    return facts;
  }

  /** Number of DAG steps (not finally); they are indices {@code 0 .. dagSize-1}. */
  public int dagSize() {
    return dagSize;
  }

  /** Kahn's count: a step never reaching indegree 0 is in, or behind, a cycle and could never start. */
  private void requireAcyclic() {
    int[] indegree = new int[steps.size()];
    java.util.ArrayDeque<Integer> queue = new java.util.ArrayDeque<>();
    for (GraphStep s : steps) {
      indegree[s.index()] = s.dependsOn().length;
      if (indegree[s.index()] == 0) {
        queue.add(s.index());
      }
    }
    int seen = 0;
    while (!queue.isEmpty()) {
      seen++;
      for (int d : steps.get(queue.poll()).dependents()) {
        if (--indegree[d] == 0) {
          queue.add(d);
        }
      }
    }
    if (seen < steps.size()) {
      List<String> stuck = new ArrayList<>();
      for (int i = 0; i < steps.size() && stuck.size() < 10; i++) {
        if (indegree[i] > 0) {
          stuck.add(steps.get(i).name());
        }
      }
      throw new IllegalArgumentException("steps in or behind a dependency cycle can never start: "
          + String.join(", ", stuck) + (steps.size() - seen > stuck.size() ? ", ..." : ""));
    }
  }

  /** Collects steps; {@link #build()} checks names, dependencies and that every step can start (no cycle). */
  public static final class Builder {
    private record Pending(String name, Depends depends, RetryRule retry, Duration timeout, Condition when,
                           boolean continuesOnFailure) {
      List<String> dependsOn() {
        return depends.steps();
      }
    }

    private final List<Pending> dag = new ArrayList<>();
    private final List<Pending> fin = new ArrayList<>();
    private FlowFacts facts = FlowFacts.NONE;

    /**
     * A DAG step.
     *
     * @param depends when it may start ({@link Depends#allOf} for {@code dependsOn}); null for no dependency
     * @param when its condition, null for none
     */
    public Builder step(String name, Depends depends, RetryRule retry, Duration timeout, Condition when,
                        boolean continuesOnFailure) {
      dag.add(new Pending(name, depends == null ? Depends.none() : depends, retry == null ? RetryRule.NONE : retry,
          timeout, when, continuesOnFailure));
      return this;
    }

    public Builder step(String name, List<String> dependsOn, RetryRule retry, Duration timeout) {
      return step(name, Depends.allOf(dependsOn == null ? List.of() : dependsOn), retry, timeout, null, false);
    }

    public Builder step(String name, String... dependsOn) {
      return step(name, List.of(dependsOn), RetryRule.NONE, null);
    }

    public Builder finallyStep(String name, RetryRule retry, Duration timeout, Condition when,
                               boolean continuesOnFailure) {
      fin.add(new Pending(name, Depends.none(), retry == null ? RetryRule.NONE : retry, timeout, when,
          continuesOnFailure));
      return this;
    }

    public Builder finallyStep(String name, RetryRule retry, Duration timeout) {
      return finallyStep(name, retry, timeout, null, false);
    }

    /** The flow's facts that conditions read. */
    public Builder facts(FlowFacts facts) {
      this.facts = facts == null ? FlowFacts.NONE : facts;
      return this;
    }

    public Builder finallyStep(String name) {
      return finallyStep(name, RetryRule.NONE, null);
    }

    public FlowGraph build() {
      Map<String, Integer> byName = new LinkedHashMap<>();
      List<Pending> all = new ArrayList<>(dag);
      all.addAll(fin);
      for (int i = 0; i < all.size(); i++) {
        if (byName.putIfAbsent(all.get(i).name(), i) != null) {
          throw new IllegalArgumentException("step name '" + all.get(i).name() + "' is used twice");
        }
      }
      int[][] deps = new int[all.size()][];
      List<List<Integer>> dependents = new ArrayList<>();
      for (int i = 0; i < all.size(); i++) {
        dependents.add(new ArrayList<>(2));
      }
      for (int i = 0; i < all.size(); i++) {
        List<String> names = all.get(i).dependsOn();
        deps[i] = new int[names.size()];
        for (int d = 0; d < names.size(); d++) {
          Integer dep = byName.get(names.get(d));
          if (dep == null || dep >= dag.size()) {
            throw new IllegalArgumentException("step '" + all.get(i).name() + "' depends on '" + names.get(d)
                + "', which is not a step of this flow");
          }
          if (dep == i) {
            throw new IllegalArgumentException("step '" + all.get(i).name() + "' depends on itself");
          }
          deps[i][d] = dep;
          dependents.get(dep).add(i);
        }
      }
      List<GraphStep> steps = new ArrayList<>(all.size());
      for (int i = 0; i < all.size(); i++) {
        Pending p = all.get(i);
        int[] out = dependents.get(i).stream().mapToInt(Integer::intValue).toArray();
        steps.add(new GraphStep(p.name(), i, i >= dag.size(), deps[i], out, p.depends(), p.retry(), p.timeout(),
            p.when(), p.continuesOnFailure()));
      }
      FlowGraph graph = new FlowGraph(Collections.unmodifiableList(steps), new HashMap<>(byName), dag.size(), facts);
      graph.requireAcyclic();
      return graph;
    }
  }
}
