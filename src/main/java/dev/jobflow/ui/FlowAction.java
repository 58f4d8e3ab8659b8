package dev.jobflow.ui;

import dev.jobflow.api.JobFlow;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.util.Locale;
import java.util.Optional;

/**
 * The lifecycle actions a user can take on a flow from the web view, each the spec change {@code kubectl patch}
 * would make (docs/api.md): the controller sees it through its informer like any other edit, so the journal
 * records it the same way.
 */
enum FlowAction {
  SUSPEND("{\"spec\":{\"suspend\":true}}", "suspended: no new steps start; running Jobs finish"),
  RESUME("{\"spec\":{\"suspend\":false}}", "resumed"),
  STOP("{\"spec\":{\"shutdown\":\"Stop\"}}", "stopping: nothing new starts, running steps finish, finally runs"),
  TERMINATE("{\"spec\":{\"shutdown\":\"Terminate\"}}", "terminating: running steps are stopped, finally is skipped");

  private final String mergePatch;
  private final String outcome;

  FlowAction(String mergePatch, String outcome) {
    this.mergePatch = mergePatch;
    this.outcome = outcome;
  }

  static Optional<FlowAction> parse(String name) {
    for (FlowAction a : values()) {
      if (a.name().toLowerCase(Locale.ROOT).equals(name)) {
        return Optional.of(a);
      }
    }
    return Optional.empty();
  }

  String outcome() {
    return outcome;
  }

  /** Applies the change (blocking); a missing flow or a refused patch throws fabric8's exception. */
  JobFlow apply(KubernetesClient client, String namespace, String name) {
    return client.resources(JobFlow.class).inNamespace(namespace).withName(name)
        .patch(PatchContext.of(PatchType.JSON_MERGE), mergePatch);
  }
}
