package dev.jobflow.cli;

import dev.jobflow.api.JobFlow;
import dev.jobflow.client.FlowStates;
import io.fabric8.kubernetes.client.KubernetesClientTimeoutException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code jobflow delete}: remove flows; their Jobs go with them, their journal stays. */
@Command(name = "delete",
    header = "Delete flows; their history stays in the journal.", mixinStandardHelpOptions = true,
    description = {"Deletes flows. A running flow is cancelled first; its Jobs are deleted with it. The journal keeps",
        "its history (jobflow audit NAMESPACE/NAME). Exit status: 0 deleted; 1 not found; 3 unreachable or",
        "--wait timed out."},
    footerHeading = "%nExamples:%n",
    footer = {"  jobflow delete etl-diamond", "  jobflow delete -n data nightly-1 nightly-2 --wait"})
final class DeleteCommand extends ClusterCommand {
  @Parameters(arity = "1..*", paramLabel = "NAME", description = "The flows to delete.")
  List<String> names;

  @Option(names = "--wait", description = "Wait until each flow is gone (the controller has journaled its end).")
  boolean await;

  @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "60s",
      description = "With --wait: give up after this long, exit 3 (default: ${DEFAULT-VALUE}).")
  String timeout;

  @Option(names = {"-o", "--output"}, paramLabel = "table|wide|json|yaml", defaultValue = "table",
      description = "table or wide: a line per flow; json or yaml: each flow as it was when deleted.")
  OutputFormat output;

  @Override
  int run() {
    Duration limit = FlowFollower.timeout(timeout);
    String namespace = cluster.namespace();
    PrintWriter out = out();
    int exit = ExitCodes.OK;
    List<JobFlow> deleted = new ArrayList<>();
    for (String name : names) {
      var resource = client().resources(JobFlow.class).inNamespace(namespace).withName(name);
      JobFlow flow = resource.get();
      if (flow == null || resource.delete().isEmpty()) {
        err().println("jobflow: " + FlowLookup.notFound(namespace, name).getMessage());
        exit = ExitCodes.INVALID;
        continue;
      }
      var phase = FlowStates.phase(flow);
      if (!output.isObjects()) {
        out.println(FlowStates.ref(flow) + " deleted" + (phase.isFinished() ? "" : " (it was " + phase
            + ": its running steps are cancelled)") + "; its Jobs go with it, its history stays: jobflow audit "
            + FlowStates.ref(flow));
      }
      deleted.add(flow);
    }
    if (output.isObjects()) {
      ObjectOutput.printAll(out, output, deleted);
    }
    out.flush();
    err().flush();
    if (await) {
      for (JobFlow flow : deleted) {
        try {
          client().resources(JobFlow.class).inNamespace(namespace).withName(flow.getMetadata().getName())
              .waitUntilCondition(f -> f == null || !f.getMetadata().getUid().equals(flow.getMetadata().getUid()),
                  limit.isZero() ? Long.MAX_VALUE : limit.toMillis(), TimeUnit.MILLISECONDS);
        } catch (KubernetesClientTimeoutException e) {
          throw new CommandFailure(ExitCodes.UNREACHABLE, "timed out after " + Durations.human(limit) + ": "
              + FlowStates.ref(flow) + " is still being deleted (finalizers: " + flow.getMetadata().getFinalizers() + ")");
        }
      }
    }
    return exit;
  }
}
