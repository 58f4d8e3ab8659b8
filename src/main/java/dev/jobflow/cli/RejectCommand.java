package dev.jobflow.cli;

import dev.jobflow.api.ApprovalDecision;
import picocli.CommandLine.Command;

/** {@code jobflow reject}: fail an approval step. */
@Command(name = "reject",
    header = "Reject an approval step of a flow.", mixinStandardHelpOptions = true,
    description = {"Rejects a step that waits for approval: the step fails with reason Rejected, and the flow follows "
        + "its failure policy. Who rejected is the user the API server authenticates, recorded with the comment in the "
        + "journal. Exit status: 0 rejected; 1 refused (not an approver of the step, already decided) or not found."},
    footerHeading = "%nExamples:%n",
    footer = {"  jobflow reject default/release deploy --comment 'failing canary'"})
final class RejectCommand extends DecisionCommand {
  @Override
  String verdict() {
    return ApprovalDecision.REJECT;
  }
}
