package dev.jobflow.template;

import dev.jobflow.api.JobFlowTemplate;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;

/**
 * Templates read from the API server, one GET each time: resolution happens once per flow (at admission and at
 * acceptance), and a cache could miss a template created a moment before the flow that uses it.
 */
public final class ClusterTemplates implements TemplateLookup {
  private final KubernetesClient client;

  public ClusterTemplates(KubernetesClient client) {
    this.client = client;
  }

  @Override
  public JobFlowTemplate find(String namespace, String name) {
    try {
      return client.resources(JobFlowTemplate.class).inNamespace(namespace).withName(name).get();
    } catch (KubernetesClientException e) {
      throw new TemplateLookupException("could not read JobFlowTemplate " + namespace + "/" + name + ": "
          + (e.getStatus() != null && e.getStatus().getMessage() != null ? e.getStatus().getMessage() : e.getMessage()), e);
    }
  }
}
