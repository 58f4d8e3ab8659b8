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
 *
 * <p>The one change after the start: a fan-out step's instances are appended when its list is recorded
 * ({@link #appendInstances}), behind every step of the spec. The graph belongs to the one {@link DagState} that
 * applies that fact.
 */
public final class FlowGraph {
  private final List<GraphStep> steps;
  private final List<GraphStep> view;
  private final Map<String, Integer> byName;
  private final int dagSize;
  private final int specSize;
  private final FlowFacts facts;

  private FlowGraph(List<GraphStep> steps, Map<String, Integer> byName, int dagSize, FlowFacts facts) {
    this.steps = new ArrayList<>(steps);
    this.view = Collections.unmodifiableList(this.steps);
    this.byName = byName;
    this.dagSize = dagSize;
    this.specSize = steps.size();
    this.facts = facts;
  }

  /** An empty graph, for a flow whose spec could not be used. */
  public static FlowGraph empty() {
    return new FlowGraph(List.of(), new HashMap<>(), 0, FlowFacts.NONE);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Every step, DAG steps first (in spec order), then finally steps, then instances of fan-out steps. */
  public List<GraphStep> steps() {
    return view;
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

  /** Number of DAG steps of the spec (not finally); they are indices {@code 0 .. dagSize-1}. */
  public int dagSize() {
    return dagSize;
  }

  /** Number of steps of the spec, finally steps included; instances of fan-out steps have indices from here on. */
  public int specSize() {
    return specSize;
  }

  /** This graph as the spec gave it: without the instances of fan-out steps (the same graph when it has none). */
  public FlowGraph asSpecified() {
    if (steps.size() == specSize) {
      return this;
    }
    Map<String, Integer> names = new HashMap<>();
    for (int i = 0; i < specSize; i++) {
      names.put(steps.get(i).name(), i);
    }
    return new FlowGraph(steps.subList(0, specSize), names, dagSize, facts);
  }

  /**
   * Appends the instances of fan-out step {@code parent}, one per item, named {@code <step>-<index>}.
   *
   * @return the index of the first instance
   */
  int appendInstances(int parent, List<String> items) {
    GraphStep p = steps.get(parent);
    if (p.fanOut() == null) {
      throw new IllegalArgumentException("step '" + p.name() + "' does not fan out");
    }
    int first = steps.size();
    for (int k = 0; k < items.size(); k++) {
      GraphStep instance = p.instance(k, first + k, items.get(k));
      if (byName.putIfAbsent(instance.name(), instance.index()) != null) {
        throw new IllegalArgumentException("instance '" + instance.name() + "' of step '" + p.name()
            + "' has the name of another step");
      }
      steps.add(instance);
    }
    return first;
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
                           boolean continuesOnFailure, FanOut fanOut) {
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
      return step(name, depends, retry, timeout, when, continuesOnFailure, null);
    }

    /**
     * A DAG step that fans out ({@code fanOut} not null): its instances run, it ends when they have all ended.
     */
    public Builder step(String name, Depends depends, RetryRule retry, Duration timeout, Condition when,
                        boolean continuesOnFailure, FanOut fanOut) {
      dag.add(new Pending(name, depends == null ? Depends.none() : depends, retry == null ? RetryRule.NONE : retry,
          timeout, when, continuesOnFailure, fanOut));
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
          continuesOnFailure, null));
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

    /** A step named like an instance of a fan-out step ({@code shard-3} beside {@code shard}) would take its name. */
    private static void requireNoInstanceNames(List<Pending> all) {
      java.util.Set<String> fanOuts = new java.util.HashSet<>();
      all.stream().filter(p -> p.fanOut() != null).forEach(p -> fanOuts.add(p.name()));
      if (fanOuts.isEmpty()) {
        return;
      }
      for (Pending p : all) {
        int dash = p.name().lastIndexOf('-');
        if (dash > 0 && dash < p.name().length() - 1 && p.name().substring(dash + 1).chars().allMatch(Character::isDigit)
            && fanOuts.contains(p.name().substring(0, dash))) {
          throw new IllegalArgumentException("step '" + p.name() + "' has the name of an instance of fan-out step '"
              + p.name().substring(0, dash) + "'");
        }
      }
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
      requireNoInstanceNames(all);
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
            p.when(), p.continuesOnFailure(), p.fanOut(), -1, null, -1));
      }
      FlowGraph graph = new FlowGraph(steps, new HashMap<>(byName), dag.size(), facts);
      graph.requireAcyclic();
      return graph;
    }
  }
}
