package dev.jobflow.admission;

/**
 * {@code /mutate}: fills in {@link FlowDefaults} as a JSONPatch, and stamps a JobFlow's new retry request with who
 * asked and when ({@link RetryAdmission}). Never denies: an object too malformed to default is left for schema
 * validation and {@code /validate} to reject with a proper message.
 */
public final class MutatingAdmission {
  private final java.time.Clock clock;

  public MutatingAdmission() {
    this(java.time.Clock.systemUTC());
  }

  public MutatingAdmission(java.time.Clock clock) {
    this.clock = clock;
  }

  public AdmissionResponse review(AdmissionRequest request) {
    if (!request.hasNewObject() || request.isSubResource()) {
      return AdmissionResponse.allow(request.uid());
    }
    com.fasterxml.jackson.databind.node.ArrayNode ops = FlowDefaults.patchFor(request.object());
    if (dev.jobflow.api.JobFlow.KIND.equals(request.kind())) {
      RetryAdmission.stamp(request, clock, ops);
    }
    return AdmissionResponse.patch(request.uid(), ops);
  }
}
