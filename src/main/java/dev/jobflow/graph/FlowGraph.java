package dev.jobflow.graph;

import dev.jobflow.api.JobFlow;
import dev.jobflow.api.Step;
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

  /** {@code from} must succeed before {@code to} starts. */
  public record Edge(Node from, Node to) {}

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
      for (String dep : step.getDependsOn() == null ? List.<String>of() : step.getDependsOn()) {
        if (dep == null) {
          continue;
        }
        Node from = byName.computeIfAbsent(dep, d -> {
          Node unknown = new Node("m" + missing.size(), d);
          missing.add(unknown);
          return unknown;
        });
        edges.add(new Edge(from, to));
      }
    }
    return new FlowGraph(name, steps, finallySteps, missing, edges);
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
