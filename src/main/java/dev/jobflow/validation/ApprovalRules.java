package dev.jobflow.validation;

import dev.jobflow.api.Approval;
import dev.jobflow.api.ApprovalAnnotations;
import dev.jobflow.api.Approvers;
import java.util.List;

/**
 * An approval step runs no Job: it has no template, and nothing that only a Job has (retries, a step timeout: the
 * approval has its own); someone must be able to decide it; its name fits the decision annotation's key.
 */
final class ApprovalRules {
  private ApprovalRules() {}

  static void checkStep(StepAt at, List<Problem> problems) {
    Approval approval = at.step().getApproval();
    if (at.step().getTemplate() != null) {
      problems.add(new Problem(at.at("template"), "an approval step runs no Job: give it a template or an approval, "
          + "not both"));
    }
    if (at.step().getRetries() != null) {
      problems.add(new Problem(at.at("retries"), "an approval step is never retried: a rejection is final"));
    }
    if (at.step().getTimeout() != null) {
      problems.add(new Problem(at.at("timeout"), "an approval step times out with approval.timeout, not timeout"));
    }
    String name = at.step().getName();
    if (name != null && name.length() > ApprovalAnnotations.MAX_STEP_NAME) {
      problems.add(new Problem(at.at("name"), "an approval step's name is at most " + ApprovalAnnotations.MAX_STEP_NAME
          + " characters (it is part of the annotation " + ApprovalAnnotations.DECISION + "<step>), got "
          + name.length()));
    }
    if (approval.getTimeout() != null) {
      BoundsRules.positiveDuration(approval.getTimeout(), at.at("approval.timeout"), problems);
    }
    String onTimeout = approval.getOnTimeout();
    if (onTimeout != null && !onTimeout.equals(Approval.ON_TIMEOUT_FAIL) && !onTimeout.equals(Approval.ON_TIMEOUT_APPROVE)) {
      problems.add(new Problem(at.at("approval.onTimeout"), "must be " + Approval.ON_TIMEOUT_FAIL + " or "
          + Approval.ON_TIMEOUT_APPROVE + ", got '" + onTimeout + "'"));
    }
    if (onTimeout != null && approval.getTimeout() == null) {
      problems.add(new Problem(at.at("approval.onTimeout"), "needs approval.timeout: without one the step waits for ever"));
    }
    Approvers approvers = approval.getApprovers();
    if (approvers == null || (isEmpty(approvers.getUsers()) && isEmpty(approvers.getGroups()))) {
      problems.add(new Problem(at.at("approval.approvers"), "name at least one user or group who may decide"));
      return;
    }
    blankEntries(approvers.getUsers(), at.at("approval.approvers.users"), problems);
    blankEntries(approvers.getGroups(), at.at("approval.approvers.groups"), problems);
  }

  private static boolean isEmpty(List<String> list) {
    return list == null || list.isEmpty();
  }

  private static void blankEntries(List<String> list, String path, List<Problem> problems) {
    for (int i = 0; list != null && i < list.size(); i++) {
      if (list.get(i) == null || list.get(i).isBlank()) {
        problems.add(new Problem(path + "[" + i + "]", "must not be empty"));
      }
    }
  }
}
