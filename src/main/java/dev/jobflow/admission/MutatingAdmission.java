package dev.jobflow.admission;

import com.fasterxml.jackson.databind.node.ArrayNode;
import java.time.Clock;

/**
 * {@code /mutate}: fills in {@link FlowDefaults} and stamps approval decisions with the requester
 * ({@link ApprovalStamp}), as one JSONPatch. Never denies: an object too malformed to default is left for schema
 * validation and {@code /validate} to reject with a proper message.
 */
public final class MutatingAdmission {
  private final ApprovalStamp approvals;

  public MutatingAdmission() {
    this(Clock.systemUTC());
  }

  public MutatingAdmission(Clock clock) {
    this.approvals = new ApprovalStamp(clock);
  }

  public AdmissionResponse review(AdmissionRequest request) {
    if (!request.hasNewObject() || request.isSubResource()) {
      return AdmissionResponse.allow(request.uid());
    }
    ArrayNode ops = FlowDefaults.patchFor(request.object());
    approvals.patch(request, ops);
    return AdmissionResponse.patch(request.uid(), ops);
  }
}
