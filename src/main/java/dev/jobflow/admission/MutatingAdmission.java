package dev.jobflow.admission;

import com.fasterxml.jackson.databind.node.ArrayNode;
import java.time.Clock;

/**
 * {@code /mutate}: fills in {@link FlowDefaults}, and stamps approval decisions ({@link ApprovalStamp}) and a new
 * retry request ({@link RetryAdmission}) with the requester, as one JSONPatch. Never denies: an object too malformed to default is left for schema
 * validation and {@code /validate} to reject with a proper message.
 */
public final class MutatingAdmission {
  private final Clock clock;
  private final ApprovalStamp approvals;

  public MutatingAdmission() {
    this(Clock.systemUTC());
  }

  public MutatingAdmission(Clock clock) {
    this.clock = clock;
    this.approvals = new ApprovalStamp(clock);
  }

  public AdmissionResponse review(AdmissionRequest request) {
    if (!request.hasNewObject() || request.isSubResource()) {
      return AdmissionResponse.allow(request.uid());
    }
    ArrayNode ops = FlowDefaults.patchFor(request.object());
    approvals.patch(request, ops);
    if (dev.jobflow.api.JobFlow.KIND.equals(request.kind())) {
      RetryAdmission.stamp(request, clock, ops);
    }
    return AdmissionResponse.patch(request.uid(), ops);
  }
}
