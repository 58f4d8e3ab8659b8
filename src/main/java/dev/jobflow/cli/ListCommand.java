package dev.jobflow.cli;

import dev.jobflow.api.JobFlow;
import dev.jobflow.client.FlowStates;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code jobflow list}: the flows of a namespace (or all), with the columns of {@code kubectl get jf}. */
@Command(name = "list",
    header = "List flows with their phase, progress and age.", aliases = "ls", mixinStandardHelpOptions = true,
    description = {"Lists JobFlows with the columns of kubectl get jf: name, phase, progress and age",
        "(-o wide: and the message). Exit status: 0 listed (also when none); 3 the cluster could not be reached."},
    footerHeading = "%nExamples:%n",
    footer = {
        "  jobflow list",
        "  jobflow list -A -o wide                 # every namespace, with messages",
        "  jobflow list -l team=data,tier!=dev     # by label selector",
        "  jobflow list -o json | jq -r '.items[].metadata.name'"})
final class ListCommand extends ClusterCommand {
  @Option(names = {"-A", "--all-namespaces"}, description = "Flows of every namespace.")
  boolean allNamespaces;

  @Option(names = {"-l", "--selector"}, paramLabel = "SELECTOR", description = "Label selector, as kubectl takes it (a=b, a!=b, a in (x,y), !a).")
  String selector;

  @Option(names = {"-o", "--output"}, paramLabel = "table|wide|json|yaml", defaultValue = "table",
      description = "table or wide (with the message); json or yaml: a List of the JobFlow objects.")
  OutputFormat output;

  @Override
  int run() {
    var resources = client().resources(JobFlow.class);
    var scoped = allNamespaces ? resources.inAnyNamespace() : resources.inNamespace(cluster.namespace());
    List<JobFlow> flows = (selector == null ? scoped : scoped.withLabelSelector(selector)).list().getItems().stream()
        .sorted(Comparator.comparing((JobFlow f) -> f.getMetadata().getNamespace()).thenComparing(f -> f.getMetadata().getName()))
        .toList();
    PrintWriter out = out();
    if (output.isObjects()) {
      Map<String, Object> list = new LinkedHashMap<>();
      list.put("apiVersion", "v1");
      list.put("kind", "List");
      list.put("items", flows);
      ObjectOutput.print(out, output, list, true);
      return ExitCodes.OK;
    }
    if (flows.isEmpty()) {
      err().println("No JobFlows found" + (allNamespaces ? "" : " in namespace " + cluster.namespace())
          + (selector == null ? "" : " matching " + selector) + ".");
      err().flush();
      return ExitCodes.OK;
    }
    Instant now = Instant.now();
    boolean wide = output == OutputFormat.wide;
    TextTable table = new TextTable();
    table.row(columns(allNamespaces, wide, "NAMESPACE", "NAME", "PHASE", "PROGRESS", "AGE", "MESSAGE"));
    for (JobFlow f : flows) {
      var status = f.getStatus();
      Instant created = StepRow.time(f.getMetadata().getCreationTimestamp());
      table.row(columns(allNamespaces, wide, f.getMetadata().getNamespace(), f.getMetadata().getName(),
          FlowStates.phase(f).name(), status == null || status.getProgress() == null ? "" : status.getProgress(),
          created == null ? "" : Durations.human(Duration.between(created, now)),
          status == null || status.getMessage() == null ? "" : status.getMessage()));
    }
    table.lines().forEach(out::println);
    out.flush();
    return ExitCodes.OK;
  }

  /** NAMESPACE only with -A, MESSAGE only with -o wide: as kubectl. */
  private static String[] columns(boolean namespace, boolean wide, String ns, String name, String phase, String progress,
                                  String age, String message) {
    List<String> cells = new java.util.ArrayList<>();
    if (namespace) {
      cells.add(ns);
    }
    cells.addAll(List.of(name, phase, progress, age));
    if (wide) {
      cells.add(message);
    }
    return cells.toArray(String[]::new);
  }
}
