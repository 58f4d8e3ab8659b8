package dev.jobflow.cli;

import dev.jobflow.client.FlowChange;
import dev.jobflow.client.LifecycleChange;
import picocli.CommandLine.Command;

/** {@code jobflow resume}: a suspended flow starts its ready steps again. */
@Command(name = "resume",
    header = "Let a suspended flow start steps again.", mixinStandardHelpOptions = true,
    description = {"Resumes suspended flows (spec.suspend: false): ready steps start again.",
        "A finished flow cannot be resumed. Exit status: 0 resumed (or not suspended); 1 not found or not allowed."},
    footerHeading = "%nExamples:%n",
    footer = {"  jobflow resume etl-diamond", "  jobflow resume -n data nightly"})
final class ResumeCommand extends LifecycleCommand {
  @Override
  FlowChange change() {
    return LifecycleChange.RESUME;
  }
}
