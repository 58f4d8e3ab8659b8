package dev.jobflow.cli;

import dev.jobflow.client.FlowChange;
import dev.jobflow.client.LifecycleChange;
import picocli.CommandLine.Command;

/** {@code jobflow suspend}: start no new steps; running ones finish. */
@Command(name = "suspend",
    header = "Start no new steps of a flow until it is resumed.", mixinStandardHelpOptions = true,
    description = {"Suspends flows (spec.suspend: true): no new step starts, running steps finish; resume continues.",
        "A finished flow cannot be suspended. Exit status: 0 suspended (or already); 1 not found or not allowed."},
    footerHeading = "%nExamples:%n",
    footer = {"  jobflow suspend etl-diamond", "  jobflow suspend -n data nightly-1 nightly-2"})
final class SuspendCommand extends LifecycleCommand {
  @Override
  FlowChange change() {
    return LifecycleChange.SUSPEND;
  }
}
