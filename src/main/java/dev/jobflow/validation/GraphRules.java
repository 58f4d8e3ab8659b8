package dev.jobflow.validation;

import dev.jobflow.api.Step;
import dev.jobflow.dag.CycleFinder;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The edges of the DAG: every {@code dependsOn} names a step of {@code spec.steps}, and there is no cycle. */
final class GraphRules {
  /** A cycle longer than this is shown by its ends only, so a 10,000-step loop stays one readable line. */
  static final int MAX_CYCLE_SHOWN = 12;

  private final List<StepAt> steps;
  private final Map<String, Integer> stepIndex = new HashMap<>();
  private final Set<String> finallyNames = new HashSet<>();
  private final int[][] dependencies;

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
  }

  /** Checks one step's {@code dependsOn} and remembers its edges for {@link #checkCycles}. */
  void checkDependencies(StepAt at, List<Problem> problems) {
    Step step = at.step();
    List<String> dependsOn = step.getDependsOn();
    if (at.isFinally()) {
      if (dependsOn != null && !dependsOn.isEmpty()) {
        problems.add(new Problem(at.at("dependsOn"),
            "finally steps start once the whole DAG has settled and cannot have dependsOn"));
      }
      return;
    }
    if (dependsOn == null || dependsOn.isEmpty()) {
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
      int entry = start.step().getDependsOn().indexOf(closing);
      problems.add(new Problem(start.at("dependsOn[" + entry + "]"),
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
