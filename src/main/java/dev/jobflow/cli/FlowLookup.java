package dev.jobflow.cli;

import dev.jobflow.api.JobFlow;
import io.fabric8.kubernetes.client.KubernetesClient;

/** Finds a named flow, or ends the command saying which one is missing (exit 1). */
final class FlowLookup {
  private FlowLookup() {}

  static JobFlow require(KubernetesClient client, String namespace, String name) {
    JobFlow flow = client.resources(JobFlow.class).inNamespace(namespace).withName(name).get();
    if (flow == null) {
      throw notFound(namespace, name);
    }
    return flow;
  }

  static CommandFailure notFound(String namespace, String name) {
    return new CommandFailure(ExitCodes.INVALID, "JobFlow " + namespace + "/" + name + " not found");
  }
}
