package dev.jobflow.client;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jobflow.api.JobFlow;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.net.HttpURLConnection;

/**
 * Applies a {@link FlowChange} to a flow in the cluster: reads it, checks the change against its state,
 * and writes a JSON merge patch pinned to the resourceVersion it checked, so a flow that finished in
 * between is checked again instead of patched blindly.
 */
public final class FlowChanges {
  /** The controller writes status often while a flow runs; each write makes a pinned patch conflict. */
  private static final int MAX_CONFLICTS = 10;

  private final KubernetesClient client;

  public FlowChanges(KubernetesClient client) {
    this.client = client;
  }

  public ChangeResult apply(String namespace, String name, FlowChange change) {
    String ref = namespace + "/" + name;
    for (int conflicts = 0; ; conflicts++) {
      JobFlow flow = client.resources(JobFlow.class).inNamespace(namespace).withName(name).get();
      if (flow == null) {
        return new ChangeResult(ChangeResult.Outcome.NOT_FOUND, null, "JobFlow " + ref + " not found");
      }
      String refusal = change.refusal(flow);
      if (refusal != null) {
        return new ChangeResult(ChangeResult.Outcome.REFUSED, flow, "cannot " + change.verb() + " " + ref + ": " + refusal);
      }
      if (change.alreadyMade(flow)) {
        return new ChangeResult(ChangeResult.Outcome.UNCHANGED, flow, ref + " " + change.unchanged(flow) + ": nothing changed");
      }
      try {
        JobFlow patched = client.resources(JobFlow.class).inNamespace(namespace).withName(name)
            .patch(PatchContext.of(PatchType.JSON_MERGE), patch(flow, change));
        return new ChangeResult(ChangeResult.Outcome.CHANGED, patched, ref + " " + change.made());
      } catch (KubernetesClientException e) {
        if (e.getCode() == HttpURLConnection.HTTP_NOT_FOUND) {
          return new ChangeResult(ChangeResult.Outcome.NOT_FOUND, null, "JobFlow " + ref + " not found");
        }
        if (e.getCode() != HttpURLConnection.HTTP_CONFLICT || conflicts >= MAX_CONFLICTS) {
          throw e;
        }
      }
    }
  }

  static String patch(JobFlow flow, FlowChange change) {
    ObjectNode patch = JsonNodeFactory.instance.objectNode();
    ObjectNode metadata = patch.putObject("metadata").put("resourceVersion", flow.getMetadata().getResourceVersion());
    change.patchMetadata(metadata, flow);
    change.patchSpec(patch.putObject("spec"));
    return patch.toString();
  }
}
