package dev.jobflow.cli;

import dev.jobflow.api.CronJobFlow;
import dev.jobflow.api.JobFlow;
import dev.jobflow.api.JobFlowTemplate;
import dev.jobflow.graph.DotGraph;
import dev.jobflow.graph.FlowGraph;
import dev.jobflow.graph.MermaidGraph;
import dev.jobflow.template.Resolution;
import dev.jobflow.template.TemplateResolver;
import dev.jobflow.validation.JobFlowValidator;
import dev.jobflow.validation.Problem;
import dev.jobflow.validation.UnknownFields;
import java.io.PrintWriter;
import java.util.ArrayList;
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
        "Prints the DAG of a JobFlow, a JobFlowTemplate or a CronJobFlow's flow as Mermaid (default) or Graphviz DOT;",
        "finally steps are drawn apart. A flow that names a template is drawn with the template's steps: give the",
        "template's file too. Without --name, a JobFlow or CronJobFlow is drawn rather than the templates beside it.",
        "An invalid flow is still drawn as written (to see a cycle or a typo), its problems go to stderr,",
        "and the exit status is 1. Exit status 2: the files are unreadable or hold no such object."},
    mixinStandardHelpOptions = true)
final class GraphCommand implements Callable<Integer> {
  enum Format { mermaid, dot }

  @Option(names = {"-f", "--format"}, defaultValue = "mermaid", paramLabel = "mermaid|dot",
      description = "Drawing language. Default: ${DEFAULT-VALUE}.")
  Format format;

  @Option(names = {"-n", "--name"}, paramLabel = "NAME",
      description = "Which flow, template or schedule to draw when the files hold several.")
  String name;

  @Parameters(arity = "1..*", paramLabel = "FILE",
      description = "YAML or JSON files with JobFlows, JobFlowTemplates or CronJobFlows; - reads standard input.")
  List<String> files;

  @ParentCommand
  JobflowCommand root;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    List<FlowFiles.Document> docs = new ArrayList<>();
    for (String file : files) {
      docs.addAll(FlowFiles.read(file, root.stdin));
    }
    String shown = files.stream().map(FlowFiles::display).collect(Collectors.joining(", "));
    List<FlowFiles.Document> candidates = docs.stream()
        .filter(FlowFiles.Document::isObject)
        .filter(d -> name == null || name.equals(d.name()))
        .toList();
    if (name == null && candidates.stream().anyMatch(d -> !(d.object() instanceof JobFlowTemplate))) {
      candidates = candidates.stream().filter(d -> !(d.object() instanceof JobFlowTemplate)).toList();
    }
    if (candidates.size() != 1) {
      docs.stream().filter(d -> !d.isObject()).forEach(d -> err.println("jobflow: " + d.file() + ": " + d.error()));
      if (candidates.isEmpty()) {
        err.println("jobflow: " + shown + ": " + (name == null ? "no JobFlow to draw" : "no JobFlow named '" + name + "'"));
      } else {
        err.println("jobflow: " + shown + " holds " + candidates.size() + " JobFlows ("
            + candidates.stream().map(d -> String.valueOf(d.name())).collect(Collectors.joining(", "))
            + "): pick one with --name");
      }
      return ExitCodes.ERROR;
    }
    FlowFiles.Document doc = candidates.get(0);
    TemplateResolver templates = new TemplateResolver(FlowFiles.templates(docs));
    JobFlowValidator validator = new JobFlowValidator();
    List<Problem> problems = new ArrayList<>(UnknownFields.find(doc.tree()));
    problems.addAll(ValidateCommand.problems(doc, validator, templates));
    JobFlow drawn = drawable(doc.object(), templates);
    FlowGraph graph = FlowGraph.of(drawn);
    out.print(format == Format.dot ? DotGraph.render(graph) : MermaidGraph.render(graph));
    if (problems.isEmpty()) {
      return ExitCodes.OK;
    }
    err.println("jobflow: " + shown + ": " + graph.name() + " is invalid (drawn as written):");
    for (Problem p : problems) {
      err.println("  " + p);
    }
    return ExitCodes.INVALID;
  }

  /** The flow whose steps are drawn: a template's steps as a flow, a schedule's flow, a templated flow resolved. */
  private static JobFlow drawable(Object object, TemplateResolver templates) {
    JobFlow flow;
    if (object instanceof JobFlowTemplate t) {
      flow = new JobFlow();
      flow.getMetadata().setName(t.getMetadata().getName());
      flow.setSpec(t.getSpec() == null ? null : JobFlowValidator.asFlowSpec(t.getSpec()));
      return flow;
    }
    if (object instanceof CronJobFlow c) {
      flow = new JobFlow();
      flow.getMetadata().setName(c.getMetadata().getName());
      flow.getMetadata().setNamespace(c.getMetadata().getNamespace());
      flow.setSpec(c.getSpec() == null ? null : c.getSpec().getFlowSpec());
    } else {
      flow = (JobFlow) object;
    }
    if (flow.getSpec() != null && flow.getSpec().usesTemplate()
        && templates.resolve(flow) instanceof Resolution.Resolved resolved) {
      return resolved.flow();
    }
    return flow;
  }
}
