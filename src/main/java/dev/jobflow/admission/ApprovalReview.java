package dev.jobflow.admission;

import dev.jobflow.api.ApprovalAnnotations;
import dev.jobflow.api.ApprovalDecision;
import dev.jobflow.api.Approvers;
import dev.jobflow.api.JobFlow;
import dev.jobflow.api.JobFlowYaml;
import dev.jobflow.api.Step;
import dev.jobflow.template.Resolution;
import dev.jobflow.template.TemplateLookup;
import dev.jobflow.template.TemplateResolver;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The validating half of approvals: a JobFlow write that brings a new decision is admitted only when the decision was
 * stamped for the requester ({@link ApprovalStamp} ran: without it a user could write any name), names an approval
 * step of the flow, changes no earlier decision, and the requester is one of the step's approvers (else 403,
 * naming the step and who may decide). An approve request the mutating webhook could not stamp is refused too.
 */
final class ApprovalReview {
  private final TemplateResolver templates;

  ApprovalReview(TemplateResolver templates) {
    this.templates = templates;
  }

  /** The denial of the request's decisions, or null when it brings none or only admissible ones. */
  AdmissionResponse review(AdmissionRequest request) {
    Map<String, String> now = ApprovalStamp.annotations(request.object());
    Map<String, String> requests = ApprovalAnnotations.requests(now);
    if (!requests.isEmpty()) {
      Map.Entry<String, String> r = requests.entrySet().iterator().next();
      return AdmissionResponse.deny(request.uid(), "JobFlow " + request.flowName() + ": metadata.annotations["
          + ApprovalAnnotations.requestKey(r.getKey()) + "]: must be " + ApprovalDecision.APPROVE + " or "
          + ApprovalDecision.REJECT + ", got '" + r.getValue() + "'" + (isVerdict(r.getValue())
          ? " (not stamped: the mutating webhook mutate.jobflow.dev must run before this one)" : ""));
    }
    Map<String, String> stored = ApprovalAnnotations.decisionValues(
        request.isUpdate() ? ApprovalStamp.annotations(request.oldObject()) : Map.of());
    List<String> changedSteps = new ArrayList<>();
    ApprovalAnnotations.decisionValues(now).forEach((step, value) -> {
      if (!Objects.equals(stored.get(step), value)) {
        changedSteps.add(step);
      }
    });
    if (changedSteps.isEmpty()) {
      return null;
    }
    Map<String, Step> steps;
    try {
      steps = approvalSteps(request);
    } catch (RuntimeException e) {
      return AdmissionResponse.deny(request.uid(), "JobFlow " + request.flowName()
          + ": its approval steps cannot be read to judge the decision: " + e.getMessage());
    }
    for (String step : changedSteps) {
      AdmissionResponse denial = judge(request, step, now.get(ApprovalAnnotations.decisionKey(step)),
          stored.get(step), steps.get(step));
      if (denial != null) {
        return denial;
      }
    }
    return null;
  }

  private static AdmissionResponse judge(AdmissionRequest request, String step, String value, String before,
                                         Step definition) {
    String field = "metadata.annotations[" + ApprovalAnnotations.decisionKey(step) + "]";
    String flow = "JobFlow " + request.flowName();
    ApprovalDecision decision = ApprovalDecision.parse(value);
    String user = request.userInfo().username();
    if (decision == null || !decision.user().equals(user)) {
      return AdmissionResponse.deny(request.uid(), flow + ": " + field + ": a decision is written by the webhook "
          + "only: annotate " + ApprovalAnnotations.requestKey(step) + "=approve|reject instead");
    }
    if (definition == null || definition.getApproval() == null) {
      return AdmissionResponse.deny(request.uid(), flow + ": " + field + ": step '" + step
          + "' is not an approval step of this flow");
    }
    ApprovalDecision earlier = ApprovalDecision.parse(before);
    if (earlier != null) {
      return AdmissionResponse.deny(request.uid(), flow + ": " + field + ": step '" + step + "' was already "
          + (earlier.approved() ? "approved" : "rejected") + " by " + earlier.user() + " at " + earlier.at()
          + "; a decision cannot be changed");
    }
    Approvers approvers = definition.getApproval().getApprovers();
    List<String> users = approvers == null || approvers.getUsers() == null ? List.of() : approvers.getUsers();
    List<String> groups = approvers == null || approvers.getGroups() == null ? List.of() : approvers.getGroups();
    boolean allowed = users.contains(user) || request.userInfo().groups().stream().anyMatch(groups::contains);
    if (!allowed) {
      List<String> who = new ArrayList<>(users);
      groups.forEach(g -> who.add("group:" + g));
      return AdmissionResponse.forbid(request.uid(), flow + ": user \"" + user + "\" may not "
          + decision.verdict() + " step '" + step + "': its approvers are " + String.join(", ", who));
    }
    return null;
  }

  /** The flow's approval steps by name: its own, or its template's. */
  private Map<String, Step> approvalSteps(AdmissionRequest request) {
    JobFlow flow;
    try {
      flow = JobFlowYaml.fromTree(request.object(), "request.object");
    } catch (JobFlowYaml.NotAJobFlowException e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
    if (flow.getSpec() != null && flow.getSpec().usesTemplate()) {
      if (flow.getMetadata().getNamespace() == null || flow.getMetadata().getNamespace().isEmpty()) {
        flow.getMetadata().setNamespace(request.namespace());
      }
      Resolution resolution;
      try {
        resolution = templates.resolve(flow);
      } catch (TemplateLookup.TemplateLookupException e) {
        throw new IllegalStateException(e.getMessage(), e);
      }
      if (!(resolution instanceof Resolution.Resolved resolved)) {
        throw new IllegalStateException("its JobFlowTemplate cannot be resolved");
      }
      flow = resolved.flow();
    }
    Map<String, Step> out = new java.util.HashMap<>();
    if (flow.getSpec() != null) {
      for (List<Step> list : java.util.Arrays.asList(flow.getSpec().getSteps(), flow.getSpec().getFinallySteps())) {
        for (Step s : list == null ? List.<Step>of() : list) {
          if (s != null && s.getName() != null) {
            out.put(s.getName(), s);
          }
        }
      }
    }
    return out;
  }

  private static boolean isVerdict(String value) {
    String v = value == null ? "" : value.trim().toLowerCase(java.util.Locale.ROOT);
    return v.equals(ApprovalDecision.APPROVE) || v.equals(ApprovalDecision.REJECT);
  }
}
