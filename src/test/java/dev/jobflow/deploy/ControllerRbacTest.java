package dev.jobflow.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jobflow.kube.ApiPermissions;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The controller's ClusterRole grants exactly {@link ApiPermissions#CONTROLLER}: all it needs, nothing more. */
class ControllerRbacTest {

  @ParameterizedTest
  @ValueSource(strings = {"dev", "production"})
  void theControllerRoleGrantsExactlyTheApiPermissions(String overlay) {
    Manifests m = Kustomize.overlay(overlay);
    Set<String> granted = triples(m.get(ClusterRole.class, "jobflow-controller").getRules());
    Set<String> needed = new TreeSet<>();
    ApiPermissions.CONTROLLER.forEach(p -> p.verbs().forEach(v -> needed.add(p.apiGroup() + "|" + p.resource() + "|" + v)));
    Set<String> missing = new TreeSet<>(needed);
    missing.removeAll(granted);
    Set<String> extra = new TreeSet<>(granted);
    extra.removeAll(needed);
    assertTrue(missing.isEmpty() && extra.isEmpty(), "deploy/base/rbac.yaml ClusterRole jobflow-controller differs"
        + " from dev.jobflow.kube.ApiPermissions: missing " + missing + ", not needed " + extra
        + ". Its rules should be:\n" + expectedRules());

    ClusterRoleBinding binding = m.get(ClusterRoleBinding.class, "jobflow-controller");
    assertEquals("jobflow-controller", binding.getRoleRef().getName());
    String sa = m.get(Deployment.class, "jobflow-controller").getSpec().getTemplate().getSpec().getServiceAccountName();
    assertEquals(List.of(sa), binding.getSubjects().stream().map(s -> s.getName()).toList(),
        "the binding gives the role to the controller's ServiceAccount only");
  }

  @ParameterizedTest
  @ValueSource(strings = {"dev", "production"})
  void theWebhookRoleGrantsExactlyTheWebhooksPermissions(String overlay) {
    Manifests m = Kustomize.overlay(overlay);
    Set<String> granted = triples(m.get(ClusterRole.class, "jobflow-webhook").getRules());
    Set<String> needed = new TreeSet<>();
    ApiPermissions.WEBHOOK.forEach(p -> p.verbs().forEach(v -> needed.add(p.apiGroup() + "|" + p.resource() + "|" + v)));
    assertEquals(needed, granted, "ClusterRole jobflow-webhook must grant exactly ApiPermissions.WEBHOOK");
    ClusterRoleBinding binding = m.get(ClusterRoleBinding.class, "jobflow-webhook");
    assertEquals("jobflow-webhook", binding.getRoleRef().getName());
    String sa = m.get(Deployment.class, "jobflow-webhook").getSpec().getTemplate().getSpec().getServiceAccountName();
    assertEquals(List.of(sa), binding.getSubjects().stream().map(s -> s.getName()).toList());
  }

  @ParameterizedTest
  @ValueSource(strings = {"dev", "production"})
  void noRoleUsesWildcardsOrListsSecretsAndTheWebhookOnlyReadsTemplates(String overlay) {
    Manifests m = Kustomize.overlay(overlay);
    List<PolicyRule> rules = new ArrayList<>();
    m.all(ClusterRole.class).forEach(r -> rules.addAll(r.getRules()));
    m.all(Role.class).forEach(r -> rules.addAll(r.getRules()));
    for (PolicyRule r : rules) {
      for (List<String> values : List.of(r.getApiGroups(), r.getResources(), r.getVerbs())) {
        assertFalse(values.contains("*"), "wildcard in rule " + r);
      }
      if (r.getResources().contains("secrets")) {
        // Only a JobFlowTrigger's token Secret, read by the name the trigger gives: no role can enumerate Secrets.
        assertEquals(List.of("get"), r.getVerbs(), "Secrets are only read by name: " + r);
      }
    }
    ServiceAccount webhook = m.get(ServiceAccount.class, "jobflow-webhook");
    assertEquals(Boolean.TRUE, webhook.getAutomountServiceAccountToken(), "the webhook reads JobFlowTemplates");
    assertEquals(List.of("jobflow-webhook"), m.all(ClusterRoleBinding.class).stream()
        .filter(b -> b.getSubjects().stream().anyMatch(s -> s.getName().equals("jobflow-webhook")))
        .map(b -> b.getRoleRef().getName()).toList(), "the webhook is bound to its own role only");
  }

  /** Cluster Bootstrap lists the controller's own pods: a Role in its namespace, in production only. */
  @ParameterizedTest
  @ValueSource(strings = {"dev", "production"})
  void replicasDiscoverEachOtherWithARoleInTheirOwnNamespaceOnly(String overlay) {
    Manifests m = Kustomize.overlay(overlay);
    List<Role> roles = m.all(Role.class).stream()
        .filter(r -> r.getMetadata().getName().equals("jobflow-controller-discovery")).toList();
    if (overlay.equals("dev")) {
      assertEquals(List.of(), roles, "a cluster of one discovers nothing");
      return;
    }
    Role role = roles.get(0);
    assertEquals(Set.of("|pods|get", "|pods|list", "|pods|watch"), triples(role.getRules()));
    RoleBinding binding = m.get(RoleBinding.class, "jobflow-controller-discovery");
    Deployment controller = m.get(Deployment.class, "jobflow-controller");
    String namespace = controller.getMetadata().getNamespace();
    assertEquals(namespace, role.getMetadata().getNamespace(), "the controller's own namespace");
    assertEquals(namespace, binding.getMetadata().getNamespace());
    assertEquals("Role", binding.getRoleRef().getKind());
    assertEquals(role.getMetadata().getName(), binding.getRoleRef().getName());
    String sa = controller.getSpec().getTemplate().getSpec().getServiceAccountName();
    assertEquals(List.of(sa + "@" + namespace), binding.getSubjects().stream()
        .map(s -> s.getName() + "@" + s.getNamespace()).toList());
  }

  @Test
  void permissionsRejectWildcards() {
    assertThrows(IllegalArgumentException.class, () -> new ApiPermissions.Permission("", "pods", Set.of("*")));
    assertThrows(IllegalArgumentException.class, () -> new ApiPermissions.Permission("*", "pods", Set.of("get")));
    assertThrows(IllegalArgumentException.class, () -> new ApiPermissions.Permission("", "*", Set.of("get")));
  }

  private static Set<String> triples(List<PolicyRule> rules) {
    Set<String> out = new TreeSet<>();
    for (PolicyRule r : rules) {
      for (String g : r.getApiGroups()) {
        for (String res : r.getResources()) {
          for (String v : r.getVerbs()) {
            out.add(g + "|" + res + "|" + v);
          }
        }
      }
    }
    return out;
  }

  private static String expectedRules() {
    return ApiPermissions.CONTROLLER.stream().map(p -> "  - apiGroups: [\"" + p.apiGroup() + "\"]\n"
        + "    resources: [\"" + p.resource() + "\"]\n"
        + "    verbs: [" + p.verbs().stream().sorted().map(v -> "\"" + v + "\"").collect(Collectors.joining(", "))
        + "]").collect(Collectors.joining("\n"));
  }
}
