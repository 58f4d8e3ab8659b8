package dev.jobflow.cli;

import dev.jobflow.client.FlowChange;
import dev.jobflow.client.LifecycleChange;
import picocli.CommandLine.Command;

/** {@code jobflow stop}: end a flow gently. */
@Command(name = "stop",
    header = "End a flow once its running steps have finished.", mixinStandardHelpOptions = true,
    description = {"Stops flows (spec.shutdown: Stop): no new step starts, running steps finish, finally steps run,",
        "and the flow ends Cancelled. Not allowed once finished or being terminated.",
        "Exit status: 0 stopping (or already); 1 not found or not allowed."},
    footerHeading = "%nExamples:%n",
    footer = {"  jobflow stop etl-diamond", "  jobflow stop etl-diamond && jobflow watch etl-diamond"})
final class StopCommand extends LifecycleCommand {
  @Override
  FlowChange change() {
    return LifecycleChange.STOP;
  }
}
