package dev.jobflow.cli;

import dev.jobflow.client.FlowChange;
import dev.jobflow.client.LifecycleChange;
import picocli.CommandLine.Command;

/** {@code jobflow terminate}: end a flow now. */
@Command(name = "terminate",
    header = "End a flow now, stopping its running steps.", mixinStandardHelpOptions = true,
    description = {"Terminates flows (spec.shutdown: Terminate): running steps are stopped at once, finally steps",
        "are skipped, and the flow ends Cancelled. Also after stop. Not allowed once finished.",
        "Exit status: 0 terminating (or already); 1 not found or not allowed."},
    footerHeading = "%nExamples:%n",
    footer = {"  jobflow terminate etl-diamond", "  jobflow terminate -n data nightly"})
final class TerminateCommand extends LifecycleCommand {
  @Override
  FlowChange change() {
    return LifecycleChange.TERMINATE;
  }
}
