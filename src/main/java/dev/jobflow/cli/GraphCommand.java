package dev.jobflow.cli;

import dev.jobflow.graph.DotGraph;
import dev.jobflow.graph.FlowGraph;
import dev.jobflow.graph.MermaidGraph;
import dev.jobflow.validation.JobFlowValidator;
import dev.jobflow.validation.Problem;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code jobflow graph}: draws a flow's DAG, finally steps apart, for docs, reviews and debugging cycles. */
@Command(name = "graph",
    header = "Draw a flow's DAG as Mermaid or Graphviz DOT.",
    footerHeading = "%nExamples:%n",
    footer = {"  jobflow graph examples/etl-diamond.yaml", "  jobflow graph --format dot flow.yaml | dot -Tsvg > flow.svg"},
    description = {
        "Prints the DAG of a JobFlow as Mermaid (default) or Graphviz DOT; finally steps are drawn apart.",
        "An invalid flow is still drawn as written (to see a cycle or a typo), its problems go to stderr,",
        "and the exit status is 1. Exit status 2: the file is unreadable or holds no such JobFlow."},
    mixinStandardHelpOptions = true)
final class GraphCommand implements Callable<Integer> {
  enum Format { mermaid, dot }

  @Option(names = {"-f", "--format"}, defaultValue = "mermaid", paramLabel = "mermaid|dot",
      description = "Drawing language. Default: ${DEFAULT-VALUE}.")
  Format format;

  @Option(names = {"-n", "--name"}, paramLabel = "NAME",
      description = "Which flow to draw when the file holds several.")
  String name;

  @Parameters(index = "0", paramLabel = "FILE", description = "A YAML or JSON file with JobFlows; - reads standard input.")
  String file;

  @ParentCommand
  JobflowCommand root;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    List<FlowFiles.Document> docs = FlowFiles.read(file, root.stdin);
    String shown = FlowFiles.display(file);
    List<FlowFiles.Document> flows = docs.stream()
        .filter(FlowFiles.Document::isFlow)
        .filter(d -> name == null || name.equals(d.name()))
        .toList();
    if (flows.size() != 1) {
      docs.stream().filter(d -> !d.isFlow()).forEach(d -> err.println("jobflow: " + d.file() + ": " + d.error()));
      if (flows.isEmpty()) {
        err.println("jobflow: " + shown + ": " + (name == null ? "no JobFlow to draw" : "no JobFlow named '" + name + "'"));
      } else {
        err.println("jobflow: " + shown + " holds " + flows.size() + " JobFlows ("
            + flows.stream().map(d -> String.valueOf(d.name())).collect(Collectors.joining(", "))
            + "): pick one with --name");
      }
      return ExitCodes.ERROR;
    }
    FlowFiles.Document doc = flows.get(0);
    FlowGraph graph = FlowGraph.of(doc.flow());
    out.print(format == Format.dot ? DotGraph.render(graph) : MermaidGraph.render(graph));
    List<Problem> problems = doc.problems(new JobFlowValidator());
    if (problems.isEmpty()) {
      return ExitCodes.OK;
    }
    err.println("jobflow: " + shown + ": " + graph.name() + " is invalid (drawn as written):");
    for (Problem p : problems) {
      err.println("  " + p);
    }
    return ExitCodes.INVALID;
  }
}
