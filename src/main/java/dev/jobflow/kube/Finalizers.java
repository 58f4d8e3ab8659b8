package dev.jobflow.kube;

import dev.jobflow.api.JobFlow;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code jobflow.dev/journal} finalizer: a JobFlow cannot vanish before its entity has journaled
 * {@code FlowDeleted}, so the audit trail always ends with who deleted it and when.
 */
public final class Finalizers {
  private Finalizers() {}

  public static boolean has(JobFlow flow) {
    List<String> f = flow.getMetadata().getFinalizers();
    return f != null && f.contains(JobflowLabels.FINALIZER);
  }

  public static boolean isBeingDeleted(JobFlow flow) {
    return flow.getMetadata().getDeletionTimestamp() != null;
  }

  /** Adds the finalizer (a JSON patch guarded by the resourceVersion); false when the flow changed meanwhile. */
  public static boolean add(KubernetesClient client, JobFlow flow) {
    if (has(flow)) {
      return true;
    }
    return edit(client, flow, true);
  }

  /** Removes the finalizer so the API server can delete the flow. */
  public static boolean remove(KubernetesClient client, JobFlow flow) {
    if (!has(flow)) {
      return true;
    }
    return edit(client, flow, false);
  }

  private static boolean edit(KubernetesClient client, JobFlow flow, boolean add) {
    try {
      client.resources(JobFlow.class).inNamespace(flow.getMetadata().getNamespace())
          .withName(flow.getMetadata().getName())
          .edit(current -> {
            if (!flow.getMetadata().getUid().equals(current.getMetadata().getUid())) {
              return current;
            }
            List<String> finalizers = new ArrayList<>(current.getMetadata().getFinalizers() == null
                ? List.of() : current.getMetadata().getFinalizers());
            finalizers.remove(JobflowLabels.FINALIZER);
            if (add) {
              finalizers.add(JobflowLabels.FINALIZER);
            }
            current.getMetadata().setFinalizers(finalizers);
            return current;
          });
      return true;
    } catch (KubernetesClientException e) {
      if (e.getCode() == 404) {
        return !add;
      }
      if (e.getCode() == 409) {
        return false;
      }
      throw e;
    }
  }
}
