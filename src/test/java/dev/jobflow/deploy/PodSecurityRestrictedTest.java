package dev.jobflow.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.CapabilitiesBuilder;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.SeccompProfileBuilder;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every rendered pod passes Pod Security "restricted"; and the check itself catches each kind of breach. */
class PodSecurityRestrictedTest {

  @ParameterizedTest
  @ValueSource(strings = {"dev", "production"})
  void everyPodPassesRestrictedAndTheNamespaceEnforcesIt(String overlay) {
    Manifests m = Kustomize.overlay(overlay);
    for (Deployment d : m.all(Deployment.class)) {
      List<String> v = PodSecurityRestricted.violations(d.getMetadata().getName(), d.getSpec().getTemplate().getSpec());
      assertEquals(List.of(), v, overlay + ": Pod Security restricted");
    }
    Map<String, String> labels = m.get(Namespace.class, ManifestReferencesTest.NS).getMetadata().getLabels();
    assertEquals("restricted", labels.get("pod-security.kubernetes.io/enforce"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"privileged", "root", "escalation", "capabilities", "seccomp", "hostPath", "hostNetwork",
      "writableRoot", "hostPort", "addCapability"})
  void eachBreachIsCaught(String breach) {
    Map<String, Consumer<PodSpec>> breaches = Map.of(
        "privileged", p -> main(p).getSecurityContext().setPrivileged(true),
        "root", p -> p.getSecurityContext().setRunAsUser(0L),
        "escalation", p -> main(p).getSecurityContext().setAllowPrivilegeEscalation(null),
        "capabilities", p -> main(p).getSecurityContext().setCapabilities(new CapabilitiesBuilder().build()),
        "seccomp", p -> main(p).getSecurityContext()
            .setSeccompProfile(new SeccompProfileBuilder().withType("Unconfined").build()),
        "hostPath", p -> p.getVolumes().add(new VolumeBuilder().withName("host").withNewHostPath()
            .withPath("/var/run").endHostPath().build()),
        "hostNetwork", p -> p.setHostNetwork(true),
        "writableRoot", p -> main(p).getSecurityContext().setReadOnlyRootFilesystem(false),
        "hostPort", p -> main(p).getPorts().get(0).setHostPort(8080),
        "addCapability", p -> main(p).getSecurityContext().getCapabilities().setAdd(List.of("NET_ADMIN")));
    Deployment d = Kustomize.overlay("production").get(Deployment.class, "jobflow-controller");
    PodSpec pod = Serialization.clone(d.getSpec().getTemplate().getSpec());
    breaches.get(breach).accept(pod);
    List<String> v = PodSecurityRestricted.violations("controller", pod);
    assertTrue(!v.isEmpty(), breach + " must be reported");
  }

  private static Container main(PodSpec p) {
    return p.getContainers().get(0);
  }
}
