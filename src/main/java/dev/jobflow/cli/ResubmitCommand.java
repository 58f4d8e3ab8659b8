package dev.jobflow.cli;

import dev.jobflow.api.JobFlow;
import dev.jobflow.client.FlowStates;
import dev.jobflow.client.Resubmission;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code jobflow resubmit}: a new flow from a finished one's spec. */
@Command(name = "resubmit",
    header = "Run a finished flow anew, as a new JobFlow.", mixinStandardHelpOptions = true,
    description = {
        "Creates a new JobFlow with the finished flow's spec (shutdown and suspend dropped, -p overriding",
        "parameters), its labels, the label jobflow.dev/resubmitted-from-uid and the annotation",
        "jobflow.dev/resubmitted-from naming the origin. Every step runs from the start. A flow run from a",
        "template keeps its templateRef, so it runs the template as it is now.",
        "Exit status: 0 created (with --wait: it Succeeded); 1 not found, not finished, refused, or (--wait) it did",
        "not succeed; 2 a usage error; 3 unreachable."},
    footerHeading = "%nExamples:%n",
    footer = {"  jobflow resubmit etl-diamond", "  jobflow resubmit data/nightly-1 -p date=2026-11-24 --wait",
        "  jobflow list -l jobflow.dev/resubmitted-from-uid=UID"})
final class ResubmitCommand extends ClusterCommand {
  @Parameters(paramLabel = "[NAMESPACE/]NAME", description = "The finished flow to run anew.")
  String name;

  @Option(names = {"-p", "--parameter"}, paramLabel = "NAME=VALUE", description = "Override a parameter (repeatable).")
  Map<String, String> parameters = new LinkedHashMap<>();

  @Option(names = "--name", paramLabel = "NAME", description = "The new flow's name (default: the origin's plus a random suffix).")
  String newName;

  @Option(names = "--wait", description = "Wait until the new flow ends; exit 0 if it Succeeded, 1 if not.")
  boolean await;

  @Option(names = {"-o", "--output"}, paramLabel = "table|wide|json|yaml", defaultValue = "table",
      description = "table or wide: one line; json or yaml: the created object.")
  OutputFormat output;

  @Override
  int run() throws Exception {
    FlowRef ref = FlowRef.parse(name, cluster.namespace());
    JobFlow origin = FlowLookup.require(client(), ref.namespace(), ref.name());
    String refusal = Resubmission.refusal(origin);
    if (refusal != null) {
      throw new CommandFailure(ExitCodes.INVALID, "cannot resubmit " + FlowStates.ref(origin) + ": " + refusal);
    }
    JobFlow flow;
    try {
      flow = Resubmission.of(origin, parameters, newName);
    } catch (IllegalArgumentException e) {
      throw new CommandFailure(ExitCodes.ERROR, e.getMessage());
    }
    JobFlow created;
    try {
      created = client().resources(JobFlow.class).inNamespace(ref.namespace()).resource(flow).create();
    } catch (KubernetesClientException e) {
      CommandFailure cause = ClusterErrors.describe(e, cluster.server());
      throw cause.exitCode() == ExitCodes.UNREACHABLE ? cause
          : new CommandFailure(cause.exitCode(), "the resubmission of " + FlowStates.ref(origin) + " was refused: "
              + cause.getMessage(), e);
    }
    PrintWriter out = out();
    if (output.isObjects() && !await) {
      ObjectOutput.printAll(out, output, List.of(created));
      out.flush();
      return ExitCodes.OK;
    }
    out.println(FlowStates.ref(origin) + " resubmitted as " + FlowStates.ref(created));
    out.flush();
    if (!await) {
      return ExitCodes.OK;
    }
    return FlowFollower.follow(client(), cluster.requestTimeout(), List.of(created),
        LiveViews.forOutput(out, output, terminal(), false), FlowFollower.timeout("0"));
  }
}
