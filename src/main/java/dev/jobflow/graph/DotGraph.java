package dev.jobflow.graph;

/** Renders a {@link FlowGraph} as Graphviz DOT: the DAG and the finally steps in two clusters. */
public final class DotGraph {
  private DotGraph() {}

  public static String render(FlowGraph graph) {
    StringBuilder out = new StringBuilder();
    out.append("digraph ").append(quote(graph.name())).append(" {\n");
    out.append("  compound=true;\n  rankdir=TB;\n  node [shape=box, style=rounded];\n");
    out.append("  subgraph cluster_dag {\n    label=").append(quote(graph.name())).append(";\n");
    for (FlowGraph.Node n : graph.steps()) {
      out.append("    ").append(n.id()).append(" [label=").append(quote(n.label())).append("];\n");
    }
    out.append("  }\n");
    if (!graph.finallySteps().isEmpty()) {
      out.append("  subgraph cluster_finally {\n    label=\"finally\";\n    style=dashed;\n");
      for (FlowGraph.Node n : graph.finallySteps()) {
        out.append("    ").append(n.id()).append(" [label=").append(quote(n.label())).append("];\n");
      }
      out.append("  }\n");
    }
    for (FlowGraph.Node n : graph.missing()) {
      out.append("  ").append(n.id()).append(" [label=").append(quote(n.label() + " (no such step)"))
          .append(", color=red, style=\"rounded,dashed\"];\n");
    }
    for (FlowGraph.Edge e : graph.edges()) {
      out.append("  ").append(e.from().id()).append(" -> ").append(e.to().id())
          .append(e.conditional() ? " [style=dashed, label=" + quote(e.label()) + "]" : "").append(";\n");
    }
    if (!graph.finallySteps().isEmpty() && !graph.steps().isEmpty()) {
      // One edge between the clusters (clipped to their borders) says "after the whole DAG".
      FlowGraph.Node last = graph.sinks().get(0);
      out.append("  ").append(last.id()).append(" -> ").append(graph.finallySteps().get(0).id())
          .append(" [ltail=cluster_dag, lhead=cluster_finally, style=dashed, label=\"whatever the outcome\"];\n");
    }
    return out.append("}\n").toString();
  }

  private static String quote(String text) {
    return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }
}
