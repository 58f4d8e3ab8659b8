package dev.jobflow.graph;

/** Renders a {@link FlowGraph} as a Mermaid flowchart: finally steps in their own subgraph, after the DAG. */
public final class MermaidGraph {
  private MermaidGraph() {}

  public static String render(FlowGraph graph) {
    StringBuilder out = new StringBuilder("flowchart TD\n");
    out.append("  subgraph dag [\"").append(label(graph.name())).append("\"]\n");
    for (FlowGraph.Node n : graph.steps()) {
      node(out, "    ", n);
    }
    out.append("  end\n");
    if (!graph.finallySteps().isEmpty()) {
      out.append("  subgraph finally_steps [\"finally\"]\n");
      for (FlowGraph.Node n : graph.finallySteps()) {
        node(out, "    ", n);
      }
      out.append("  end\n");
    }
    for (FlowGraph.Node n : graph.missing()) {
      out.append("  ").append(n.id()).append("[\"").append(label(n.label())).append(" (no such step)\"]:::missing\n");
    }
    for (FlowGraph.Edge e : graph.edges()) {
      // A conditional edge is dotted and says on what: the results depends names, or the target's when.
      String arrow = e.conditional() ? " -.->|\"" + label(e.label()) + "\"| " : " --> ";
      out.append("  ").append(e.from().id()).append(arrow).append(e.to().id()).append('\n');
    }
    if (!graph.finallySteps().isEmpty()) {
      out.append("  dag -. whatever the outcome .-> finally_steps\n");
    }
    if (!graph.missing().isEmpty()) {
      out.append("  classDef missing stroke:#d00,stroke-dasharray:5 5\n");
    }
    return out.toString();
  }

  private static void node(StringBuilder out, String indent, FlowGraph.Node n) {
    out.append(indent).append(n.id()).append("[\"").append(label(n.label())).append("\"]\n");
  }

  /** Mermaid labels in double quotes take entity codes for quotes. */
  private static String label(String text) {
    return text.replace("\"", "#quot;");
  }
}
