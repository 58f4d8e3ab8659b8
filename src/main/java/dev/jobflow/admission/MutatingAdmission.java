package dev.jobflow.admission;

/**
 * {@code /mutate}: fills in {@link FlowDefaults} as a JSONPatch. Never denies: an object too malformed
 * to default is left for schema validation and {@code /validate} to reject with a proper message.
 */
public final class MutatingAdmission {

  public AdmissionResponse review(AdmissionRequest request) {
    if (!request.hasNewObject() || request.isSubResource()) {
      return AdmissionResponse.allow(request.uid());
    }
    return AdmissionResponse.patch(request.uid(), FlowDefaults.patchFor(request.object()));
  }
}
