package dev.jobflow.cli;

import dev.jobflow.api.FanOutStatus;
import dev.jobflow.api.JobFlow;
import dev.jobflow.client.FlowStates;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Event;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code jobflow get}: one flow in full: its steps as a tree, its conditions and its latest Events. */
@Command(name = "get",
    header = "Show one flow: its step tree, conditions and Events.", mixinStandardHelpOptions = true,
    description = {"Shows one JobFlow: its steps as a tree (phase, attempt, duration, message), its conditions",
        "and its latest Events. Exit status: 0 shown; 1 no such flow; 3 the cluster could not be reached."},
    footerHeading = "%nExamples:%n",
    footer = {
        "  jobflow get etl-diamond",
        "  jobflow get -n data nightly -o wide   # also Jobs, start times, dependencies",
        "  jobflow get hello -o json | jq .status.phase"})
final class GetCommand extends ClusterCommand {
  @Parameters(index = "0", paramLabel = "NAME", description = "The flow's name.")
  String name;

  @Option(names = {"-o", "--output"}, paramLabel = "table|wide|json|yaml", defaultValue = "table",
      description = "table or wide (more columns) for people; json or yaml: the JobFlow object.")
  OutputFormat output;

  @Option(names = "--events", paramLabel = "N", defaultValue = "10", description = "How many of the latest Events to show (default: ${DEFAULT-VALUE}).")
  int events;

  @Override
  int run() {
    String namespace = cluster.namespace();
    JobFlow flow = FlowLookup.require(client(), namespace, name);
    PrintWriter out = out();
    if (output.isObjects()) {
      ObjectOutput.print(out, output, flow, true);
      return ExitCodes.OK;
    }
    Instant now = Instant.now();
    var meta = flow.getMetadata();
    var spec = flow.getSpec();
    Instant created = StepRow.time(meta.getCreationTimestamp());
    out.println("Name:        " + FlowStates.ref(flow));
    out.println("UID:         " + meta.getUid());
    out.println("Created:     " + (created == null ? "-" : created + " (" + Durations.human(Duration.between(created, now)) + " ago)"));
    out.println("Controls:    suspend " + spec.isSuspended() + ", shutdown " + (spec.getShutdown() == null ? "-" : spec.getShutdown())
        + ", parallelism " + (spec.getParallelism() == null ? "unlimited" : spec.getParallelism())
        + (meta.getDeletionTimestamp() == null ? "" : ", being deleted since " + meta.getDeletionTimestamp()));
    out.println();
    FlowTree.lines(flow, now, new FlowTree.Style(output == OutputFormat.wide, 0, 0, FlowTree.Branches.forOutput()))
        .forEach(out::println);
    printFanOut(out, flow);
    printConditions(out, flow, now);
    printEvents(out, flow, now);
    out.flush();
    return ExitCodes.OK;
  }

  /** The instance counts of each fan-out step: the whole picture, also when the status lists few instances. */
  private static void printFanOut(PrintWriter out, JobFlow flow) {
    Map<String, FanOutStatus> fanOut = flow.getStatus() == null ? null : flow.getStatus().getFanOut();
    if (fanOut == null || fanOut.isEmpty()) {
      return;
    }
    out.println();
    out.println("Fan-out:");
    TextTable table = new TextTable().row("  STEP", "INSTANCES", "PENDING", "RUNNING", "RETRYING", "SUCCEEDED",
        "FAILED", "SKIPPED", "CANCELLED");
    fanOut.forEach((step, c) -> table.row("  " + step, n(c.getTotal()), n(c.getPending()), n(c.getRunning()),
        n(c.getRetrying()), n(c.getSucceeded()), n(c.getFailed()), n(c.getSkipped()), n(c.getCancelled())));
    table.lines().forEach(out::println);
  }

  private static String n(int count) {
    return Integer.toString(count);
  }

  private static void printConditions(PrintWriter out, JobFlow flow, Instant now) {
    List<Condition> conditions = flow.getStatus() == null ? List.of() : flow.getStatus().getConditions();
    out.println();
    if (conditions == null || conditions.isEmpty()) {
      out.println("Conditions:  none yet (the controller has not written the flow's status)");
      return;
    }
    out.println("Conditions:");
    TextTable table = new TextTable().row("  TYPE", "STATUS", "REASON", "SINCE", "MESSAGE");
    for (Condition c : conditions) {
      Instant since = StepRow.time(c.getLastTransitionTime());
      table.row("  " + c.getType(), c.getStatus(), c.getReason(), since == null ? "" : Durations.human(Duration.between(since, now)),
          c.getMessage());
    }
    table.lines().forEach(out::println);
  }

  private void printEvents(PrintWriter out, JobFlow flow, Instant now) {
    List<Event> all = client().v1().events().inNamespace(flow.getMetadata().getNamespace())
        .withField("involvedObject.name", flow.getMetadata().getName()).list().getItems().stream()
        .filter(e -> JobFlow.KIND.equals(e.getInvolvedObject().getKind()))
        .filter(e -> e.getInvolvedObject().getUid() == null || e.getInvolvedObject().getUid().equals(flow.getMetadata().getUid()))
        .sorted(Comparator.comparing(GetCommand::when, Comparator.nullsFirst(Comparator.naturalOrder())))
        .toList();
    out.println();
    if (all.isEmpty()) {
      out.println("Events:      none");
      return;
    }
    List<Event> shown = all.subList(Math.max(0, all.size() - Math.max(0, events)), all.size());
    out.println("Events" + (shown.size() < all.size() ? " (latest " + shown.size() + " of " + all.size() + ")" : "") + ":");
    TextTable table = new TextTable().row("  AGE", "TYPE", "REASON", "MESSAGE");
    for (Event e : shown) {
      Instant at = when(e);
      table.row("  " + (at == null ? "" : Durations.human(Duration.between(at, now))), e.getType(), e.getReason(), e.getMessage());
    }
    table.lines().forEach(out::println);
  }

  private static Instant when(Event e) {
    Instant at = StepRow.time(e.getLastTimestamp());
    if (at == null && e.getEventTime() != null) {
      at = StepRow.time(e.getEventTime().getTime());
    }
    return at != null ? at : StepRow.time(e.getMetadata().getCreationTimestamp());
  }
}
