package dev.jobflow.cli;

import dev.jobflow.api.ApprovalDecision;
import picocli.CommandLine.Command;

/** {@code jobflow approve}: let an approval step's flow go on. */
@Command(name = "approve",
    header = "Approve an approval step of a flow.", mixinStandardHelpOptions = true,
    description = {"Approves a step that waits for approval (status.waitingForApproval): the step succeeds and the flow "
        + "goes on. Who approved is the user the API server authenticates (the webhook stamps it), recorded with the "
        + "comment in the journal (jobflow audit). Exit status: 0 approved; 1 refused (not an approver of the step, "
        + "already decided) or not found."},
    footerHeading = "%nExamples:%n",
    footer = {"  jobflow approve default/release deploy --comment 'change CHG-1234'",
        "  jobflow approve -n data nightly-1 publish"})
final class ApproveCommand extends DecisionCommand {
  @Override
  String verdict() {
    return ApprovalDecision.APPROVE;
  }
}
