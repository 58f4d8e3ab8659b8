package dev.jobflow.kube;

import dev.jobflow.api.JobFlow;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.net.HttpURLConnection;
import java.util.Objects;

/**
 * Creating a JobFlow under a deterministic name for an owner (a schedule's run, a trigger's firing): an existing flow
 * of that name carrying the owner's uid label is adopted, so a create repeated after a crash never doubles it;
 * anything else of that name is a conflict for good. Blocking (fabric8): call it on an I/O executor.
 */
final class FlowCreation {
  /** The flow exists now; {@code adopted}: it already did. */
  record Result(String uid, boolean adopted) {}

  /** Retrying will not help: refused by admission, schema or quota, or the name is someone else's. */
  static final class Refused extends RuntimeException {
    final String reason;

    Refused(String reason, String message) {
      super(message);
      this.reason = reason;
    }
  }

  private FlowCreation() {}

  /** @param ownerUidLabel the label whose value must equal the one on {@code flow} for an existing flow to be adopted */
  static Result createOrAdopt(KubernetesClient client, JobFlow flow, String ownerUidLabel, String ownerKind) {
    var flows = client.resources(JobFlow.class).inNamespace(flow.getMetadata().getNamespace());
    try {
      return new Result(flows.resource(flow).create().getMetadata().getUid(), false);
    } catch (KubernetesClientException e) {
      if (e.getCode() != HttpURLConnection.HTTP_CONFLICT) {
        if (e.getCode() >= 400 && e.getCode() < 500 && e.getCode() != 429 && e.getCode() != 408) {
          // Refused (admission, schema, quota): the same flow will be refused again.
          throw new Refused("FlowRefused", "JobFlow " + flow.getMetadata().getName() + " was refused: " + message(e));
        }
        throw e;
      }
    }
    JobFlow existing = flows.withName(flow.getMetadata().getName()).get();
    if (existing == null) {
      throw new IllegalStateException("JobFlow " + flow.getMetadata().getName() + " was reported as existing but is "
          + "gone; will retry");
    }
    String owner = existing.getMetadata().getLabels() == null ? null
        : existing.getMetadata().getLabels().get(ownerUidLabel);
    if (!Objects.equals(owner, flow.getMetadata().getLabels().get(ownerUidLabel))) {
      throw new Refused("FlowConflict", "a JobFlow named " + flow.getMetadata().getName() + " exists and is not this "
          + ownerKind + "'s (label " + ownerUidLabel + " is " + owner + "); delete or rename it");
    }
    return new Result(existing.getMetadata().getUid(), true);
  }

  private static String message(KubernetesClientException e) {
    return e.getStatus() != null && e.getStatus().getMessage() != null ? e.getStatus().getMessage() : e.getMessage();
  }
}
