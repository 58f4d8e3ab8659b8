package dev.jobflow.graph;

import dev.jobflow.api.JobFlow;
import dev.jobflow.api.Step;
import dev.jobflow.dag.Depends;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The drawable shape of a flow, as written (also when invalid, so a cycle or a typo can be seen):
 * its steps, its finally steps, and one edge per dependency. Nodes get generated ids because
 * step names may clash with the keywords or the punctuation of a drawing language.
 */
public record FlowGraph(String name, List<Node> steps, List<Node> finallySteps, List<Node> missing, List<Edge> edges) {

  /** A box in the drawing: {@code id} is safe in Mermaid and DOT, {@code label} is the step name. */
  public record Node(String id, String label) {}

  /**
   * {@code to} waits for {@code from}. A plain edge: {@code to} runs once {@code from} succeeded. A conditional one:
   * {@code to} runs on how {@code from} ended ({@code depends: from.Failed}: the label names the results) or only if
   * its own {@code when} holds (label {@code when}).
   */
  public record Edge(Node from, Node to, boolean conditional, String label) {
    public Edge(Node from, Node to) {
      this(from, to, false, null);
    }
  }

  public static FlowGraph of(JobFlow flow) {
    String name = flow.getMetadata() == null || flow.getMetadata().getName() == null
        ? "jobflow" : flow.getMetadata().getName();
    List<Step> stepList = flow.getSpec() == null || flow.getSpec().getSteps() == null
        ? List.of() : flow.getSpec().getSteps();
    List<Step> finallyList = flow.getSpec() == null || flow.getSpec().getFinallySteps() == null
        ? List.of() : flow.getSpec().getFinallySteps();
    List<Node> steps = nodes(stepList, "s");
    List<Node> finallySteps = nodes(finallyList, "f");
    Map<String, Node> byName = new HashMap<>();
    for (Node n : steps) {
      byName.putIfAbsent(n.label(), n);
    }
    List<Node> missing = new ArrayList<>();
    List<Edge> edges = new ArrayList<>();
    int s = 0;
    for (Step step : stepList) {
      if (step == null) {
        continue;
      }
      Node to = steps.get(s++);
      Depends depends = depends(step);
      List<String> names = depends != null ? depends.steps()
          : step.getDependsOn() == null ? List.of() : step.getDependsOn();
      for (String dep : names) {
        if (dep == null) {
          continue;
        }
        Node from = byName.computeIfAbsent(dep, d -> {
          Node unknown = new Node("m" + missing.size(), d);
          missing.add(unknown);
          return unknown;
        });
        String results = depends == null ? null : String.join(" or ", depends.resultsNamed(dep));
        String label = results != null && !results.isEmpty() ? results : step.getWhen() != null ? "when" : null;
        edges.add(new Edge(from, to, label != null, label));
      }
    }
    return new FlowGraph(name, steps, finallySteps, missing, edges);
  }

  /** The step's depends expression, or null when it has none or it does not parse (then dependsOn is drawn). */
  private static Depends depends(Step step) {
    if (step.getDepends() == null) {
      return null;
    }
    try {
      return Depends.parse(step.getDepends());
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /** Steps nothing depends on: where the DAG ends and finally begins. */
  public List<Node> sinks() {
    java.util.Set<Node> depended = new java.util.HashSet<>();
    for (Edge e : edges) {
      depended.add(e.from());
    }
    List<Node> sinks = new ArrayList<>();
    for (Node n : steps) {
      if (!depended.contains(n)) {
        sinks.add(n);
      }
    }
    return sinks.isEmpty() ? steps : sinks;
  }

  private static List<Node> nodes(List<Step> list, String prefix) {
    List<Node> nodes = new ArrayList<>(list.size());
    for (Step step : list) {
      if (step != null) {
        nodes.add(new Node(prefix + nodes.size(), step.getName() == null ? "(unnamed)" : step.getName()));
      }
    }
    return nodes;
  }
}
