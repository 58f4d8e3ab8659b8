package dev.jobflow.validation;

import dev.jobflow.api.Step;
import dev.jobflow.dag.CycleFinder;
import dev.jobflow.dag.Depends;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The edges of the DAG: every name in {@code dependsOn} or {@code depends} is a step of {@code spec.steps}, a step
 * has one or the other, and there is no cycle. Answers which steps are upstream of which, for the rules on what a
 * condition or a placeholder may read.
 */
final class GraphRules {
  /** A cycle longer than this is shown by its ends only, so a 10,000-step loop stays one readable line. */
  static final int MAX_CYCLE_SHOWN = 12;

  private final List<StepAt> steps;
  private final Map<String, Integer> stepIndex = new HashMap<>();
  private final Set<String> finallyNames = new HashSet<>();
  private final int[][] dependencies;
  /** Where each step's edges are written: {@code dependsOn[i]} entries, or its {@code depends}. */
  private final String[] edgeField;
  private int[] visited;
  private int visit;

  /** @param steps the entries of {@code spec.steps} in order ({@code null} where an entry is empty) */
  GraphRules(List<StepAt> steps, List<StepAt> finallySteps) {
    this.steps = steps;
    for (int i = 0; i < steps.size(); i++) {
      StepAt at = steps.get(i);
      if (at != null && at.step().getName() != null) {
        stepIndex.putIfAbsent(at.step().getName(), i);
      }
    }
    for (StepAt at : finallySteps) {
      if (at != null && at.step().getName() != null) {
        finallyNames.add(at.step().getName());
      }
    }
    this.dependencies = new int[steps.size()][];
    this.edgeField = new String[steps.size()];
  }

  /** The index of a step of {@code spec.steps}, or null. */
  Integer indexOf(String name) {
    return stepIndex.get(name);
  }

  boolean isFinallyStep(String name) {
    return finallyNames.contains(name) && !stepIndex.containsKey(name);
  }

  /**
   * True when {@code candidate} is upstream of {@code step} (a step it depends on, directly or not). Call after
   * {@link #checkCycles}.
   */
  boolean isUpstream(int step, int candidate) {
    for (int d : dependencies[step]) {
      if (d == candidate) {
        return true;
      }
    }
    if (visited == null) {
      visited = new int[dependencies.length];
    }
    visit++;
    java.util.ArrayDeque<Integer> stack = new java.util.ArrayDeque<>();
    stack.push(step);
    visited[step] = visit;
    while (!stack.isEmpty()) {
      for (int d : dependencies[stack.pop()]) {
        if (d == candidate) {
          return true;
        }
        if (visited[d] != visit) {
          visited[d] = visit;
          stack.push(d);
        }
      }
    }
    return false;
  }

  /** Checks one step's {@code dependsOn} and remembers its edges for {@link #checkCycles}. */
  void checkDependencies(StepAt at, List<Problem> problems) {
    Step step = at.step();
    List<String> dependsOn = step.getDependsOn();
    boolean hasDependsOn = dependsOn != null && !dependsOn.isEmpty();
    if (at.isFinally()) {
      if (hasDependsOn) {
        problems.add(new Problem(at.at("dependsOn"),
            "finally steps start once the whole DAG has settled and cannot have dependsOn"));
      }
      if (step.getDepends() != null) {
        problems.add(new Problem(at.at("depends"),
            "finally steps start once the whole DAG has settled and cannot have depends; use when to choose"));
      }
      return;
    }
    if (step.getDepends() != null) {
      if (hasDependsOn) {
        problems.add(new Problem(at.at("depends"), "a step has dependsOn or depends, not both: write dependsOn's names "
            + "into depends (" + String.join(" && ", dependsOn) + " && ...)"));
      }
      checkDepends(at, problems);
      return;
    }
    if (!hasDependsOn) {
      dependencies[at.index()] = new int[0];
      return;
    }
    int[] edges = new int[dependsOn.size()];
    int count = 0;
    Set<String> listed = dependsOn.size() > 1 ? new HashSet<>() : null;
    for (int j = 0; j < dependsOn.size(); j++) {
      String dep = dependsOn.get(j);
      if (dep == null || dep.isEmpty()) {
        problems.add(new Problem(at.at("dependsOn[" + j + "]"), "empty dependency: name a step of spec.steps"));
        continue;
      }
      if (dep.equals(step.getName())) {
        problems.add(new Problem(at.at("dependsOn[" + j + "]"), "step '" + dep + "' cannot depend on itself"));
        continue;
      }
      if (listed != null && !listed.add(dep)) {
        problems.add(new Problem(at.at("dependsOn[" + j + "]"), "'" + dep + "' is listed twice"));
        continue;
      }
      Integer target = stepIndex.get(dep);
      if (target != null) {
        edges[count++] = target;
      } else if (finallyNames.contains(dep)) {
        problems.add(new Problem(at.at("dependsOn[" + j + "]"), "'" + dep + "' is a finally step; steps can only depend on steps of spec.steps"));
      } else {
        problems.add(new Problem(at.at("dependsOn[" + j + "]"), "no step named '" + dep + "' in spec.steps"));
      }
    }
    dependencies[at.index()] = count == edges.length ? edges : java.util.Arrays.copyOf(edges, count);
  }

  /** A {@code depends} expression: its syntax, and every name a step of spec.steps other than this one. */
  private void checkDepends(StepAt at, List<Problem> problems) {
    String path = at.at("depends");
    edgeField[at.index()] = path;
    dependencies[at.index()] = new int[0];
    Depends depends;
    try {
      depends = Depends.parse(at.step().getDepends());
    } catch (Depends.SyntaxError e) {
      problems.add(new Problem(path, e.getMessage() + " of '" + at.step().getDepends() + "'"));
      return;
    }
    if (depends.steps().isEmpty()) {
      problems.add(new Problem(path, "an empty depends: name the steps this one waits for, or leave it out"));
      return;
    }
    int[] edges = new int[depends.steps().size()];
    int count = 0;
    for (String dep : depends.steps()) {
      Integer target = stepIndex.get(dep);
      if (dep.equals(at.step().getName())) {
        problems.add(new Problem(path, "step '" + dep + "' cannot depend on itself"));
      } else if (target != null) {
        edges[count++] = target;
      } else if (finallyNames.contains(dep)) {
        problems.add(new Problem(path, "'" + dep + "' is a finally step; steps can only depend on steps of spec.steps"));
      } else {
        problems.add(new Problem(path, "no step named '" + dep + "' in spec.steps"));
      }
    }
    dependencies[at.index()] = java.util.Arrays.copyOf(edges, count);
  }

  /** Reports every group of steps that wait on each other, naming one cycle through it. Call after every step. */
  void checkCycles(List<Problem> problems) {
    for (int i = 0; i < dependencies.length; i++) {
      if (dependencies[i] == null) {
        dependencies[i] = new int[0];
      }
    }
    for (int[] cycle : CycleFinder.findCycles(dependencies)) {
      StepAt start = steps.get(cycle[0]);
      String closing = steps.get(cycle[cycle.length - 1]).step().getName();
      String where = edgeField[cycle[0]] != null ? edgeField[cycle[0]]
          : start.at("dependsOn[" + start.step().getDependsOn().indexOf(closing) + "]");
      problems.add(new Problem(where,
          "dependency cycle: " + describe(cycle) + " (each step waits for the one before it); remove one of these dependencies"));
    }
  }

  private String describe(int[] cycle) {
    StringBuilder out = new StringBuilder();
    int n = cycle.length;
    for (int i = 0; i < n; i++) {
      if (n > MAX_CYCLE_SHOWN && i == MAX_CYCLE_SHOWN / 2) {
        int skipped = n - MAX_CYCLE_SHOWN;
        out.append("... (").append(skipped).append(" more steps) -> ");
        i = n - MAX_CYCLE_SHOWN / 2;
      }
      out.append(steps.get(cycle[i]).step().getName()).append(" -> ");
    }
    return out.append(steps.get(cycle[0]).step().getName()).toString();
  }
}
