package dev.jobflow.cli;

import dev.jobflow.client.ChangeResult;
import dev.jobflow.client.FlowChanges;
import dev.jobflow.client.RetryChange;
import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code jobflow retry}: run a Failed or Cancelled flow again in place. */
@Command(name = "retry",
    header = "Retry a Failed or Cancelled flow in place.", mixinStandardHelpOptions = true,
    description = {
        "Runs the flow's failed, skipped and cancelled steps again as new attempts (new Jobs), and everything",
        "downstream of them, then every finally step; succeeded steps keep their results and outputs. --step also",
        "restarts that step and everything downstream of it. Each retried step gets its whole retry budget again,",
        "the flow its whole timeout. It bumps the jobflow.dev/retry annotation (what kubectl can do too); the",
        "webhook records who asked, the journal a FlowRetried event (jobflow audit shows every round).",
        "Exit status: 0 retried; 1 not found, or not Failed or Cancelled; 3 unreachable."},
    footerHeading = "%nExamples:%n",
    footer = {"  jobflow retry etl-diamond", "  jobflow retry data/nightly-1 --step transform",
        "  kubectl annotate jf etl-diamond --overwrite jobflow.dev/retry=2"})
final class RetryCommand extends ClusterCommand {
  @Parameters(paramLabel = "[NAMESPACE/]NAME", description = "The flow to retry.")
  String name;

  @Option(names = "--step", paramLabel = "STEP", description = "Restart from this step too (it and its downstream).")
  String step;

  @Option(names = {"-o", "--output"}, paramLabel = "table|wide|json|yaml", defaultValue = "table",
      description = "table or wide: one line; json or yaml: the flow object after the change.")
  OutputFormat output;

  @Override
  int run() {
    FlowRef ref = FlowRef.parse(name, cluster.namespace());
    ChangeResult result = new FlowChanges(client()).apply(ref.namespace(), ref.name(), new RetryChange(step));
    PrintWriter out = out();
    if (result.outcome() != ChangeResult.Outcome.CHANGED) {
      err().println("jobflow: " + result.message());
      err().flush();
      return ExitCodes.INVALID;
    }
    if (output.isObjects()) {
      ObjectOutput.printAll(out, output, List.of(result.flow()));
    } else {
      out.println(result.message());
    }
    out.flush();
    return ExitCodes.OK;
  }
}
