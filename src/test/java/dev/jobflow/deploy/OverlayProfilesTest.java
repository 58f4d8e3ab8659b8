package dev.jobflow.deploy;

import static dev.jobflow.deploy.PodWiring.container;
import static dev.jobflow.deploy.PodWiring.deploymentsSelectedBy;
import static dev.jobflow.deploy.PodWiring.envVar;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What differs between dev and production, and what both must keep: one writer, graceful stops, sized JVMs. */
class OverlayProfilesTest {

  @Test
  void devRunsOneControllerOnItsH2FileThatNoDisruptionBudgetPins() {
    Manifests m = Kustomize.overlay("dev");
    Deployment controller = m.get(Deployment.class, "jobflow-controller");
    assertEquals(1, controller.getSpec().getReplicas(), "the H2 file serves one process");
    assertEquals("Recreate", controller.getSpec().getStrategy().getType(),
        "a rolling update would open the H2 file from two pods");
    assertTrue(envVar(container(controller, "controller"), "JOBFLOW_CLUSTER_BOOTSTRAP").isEmpty(),
        "dev forms a cluster of one");
    Map<String, String> labels = controller.getSpec().getTemplate().getMetadata().getLabels();
    for (PodDisruptionBudget pdb : m.all(PodDisruptionBudget.class)) {
      assertTrue(!PodWiring.selects(pdb.getSpec().getSelector().getMatchLabels(), labels),
          "PDB " + pdb.getMetadata().getName() + " covers the single controller pod and would block node drains");
    }
  }

  /** Active-active controllers: docs/operations.md, "Replicas". */
  @Test
  void productionRunsThreeControllerReplicasRolledOneAtATimeAndDrainedKeepingAMajority() {
    Manifests m = Kustomize.overlay("production");
    Deployment controller = m.get(Deployment.class, "jobflow-controller");
    int replicas = controller.getSpec().getReplicas();
    assertEquals(3, replicas);
    assertEquals("RollingUpdate", controller.getSpec().getStrategy().getType());
    assertEquals(0, controller.getSpec().getStrategy().getRollingUpdate().getMaxUnavailable().getIntVal(),
        "a new replica joins (and is ready) before an old one leaves");
    assertEquals(1, controller.getSpec().getStrategy().getRollingUpdate().getMaxSurge().getIntVal());
    PodDisruptionBudget pdb = m.all(PodDisruptionBudget.class).stream()
        .filter(p -> PodWiring.selects(p.getSpec().getSelector().getMatchLabels(),
            controller.getSpec().getTemplate().getMetadata().getLabels()))
        .findFirst().orElseThrow(() -> new AssertionError("production needs a PDB for the controller pods"));
    assertEquals(replicas / 2 + 1, pdb.getSpec().getMinAvailable().getIntVal(), "a drain keeps a majority");
    assertEquals(List.of(controller), deploymentsSelectedBy(m, pdb.getSpec().getSelector().getMatchLabels()));

    Container c = container(controller, "controller");
    assertEquals("true", PodWiring.env(c, "JOBFLOW_CLUSTER_BOOTSTRAP").orElseThrow());
    assertEquals("status.podIP", envVar(c, "JOBFLOW_CLUSTER_HOST").orElseThrow().getValueFrom().getFieldRef()
        .getFieldPath(), "replicas reach each other at the pod IP");
    int required = Integer.parseInt(PodWiring.env(c, "JOBFLOW_CLUSTER_REQUIRED_CONTACT_POINTS").orElseThrow());
    assertEquals(replicas / 2 + 1, required, "the first replicas form a cluster only as a majority");
    Map<String, Integer> ports = new java.util.HashMap<>();
    c.getPorts().forEach(p -> ports.put(p.getName(), p.getContainerPort()));
    assertEquals(Integer.parseInt(PodWiring.env(c, "JOBFLOW_CLUSTER_PORT").orElseThrow()), ports.get("remoting"));
    assertEquals(Integer.parseInt(PodWiring.env(c, "JOBFLOW_CLUSTER_MANAGEMENT_PORT").orElseThrow()),
        ports.get("management"), "Cluster Bootstrap finds contact points by the port name 'management'");
    assertEquals("/readyz", c.getReadinessProbe().getHttpGet().getPath(), "ready once a cluster member");

    // Discovery lists the controller's pods by the label selector the config names, with the pods' labels.
    Config config = ConfigFactory.load(ConfigFactory.parseString(configMap(m).getData().get("application.conf")));
    String selector = String.format(config.getString("akka.discovery.kubernetes-api.pod-label-selector"),
        config.getString("jobflow.cluster.bootstrap.service-name"));
    Map<String, String> wanted = new java.util.HashMap<>();
    for (String pair : selector.split(",")) {
      wanted.put(pair.split("=")[0], pair.split("=")[1]);
    }
    assertTrue(PodWiring.selects(wanted, controller.getSpec().getTemplate().getMetadata().getLabels()), selector);
  }

  @Test
  void productionAutoscalesTheWebhookAndOnlyRecommendsTheControllersResources() {
    Manifests m = Kustomize.overlay("production");
    var hpa = m.get(io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler.class, "jobflow-webhook");
    assertEquals("Deployment", hpa.getSpec().getScaleTargetRef().getKind());
    assertEquals("jobflow-webhook", hpa.getSpec().getScaleTargetRef().getName());
    assertTrue(hpa.getSpec().getMinReplicas() >= 2, "failurePolicy Fail needs a webhook pod at all times");
    assertTrue(hpa.getSpec().getMaxReplicas() > hpa.getSpec().getMinReplicas());
    var vpa = m.get(io.fabric8.autoscaling.api.model.v1.VerticalPodAutoscaler.class, "jobflow-controller");
    assertEquals("jobflow-controller", vpa.getSpec().getTargetRef().getName());
    assertEquals("Off", vpa.getSpec().getUpdatePolicy().getUpdateMode(), "recommendations only: never evicts");
  }

  private static ConfigMap configMap(Manifests m) {
    return m.all(ConfigMap.class).stream().filter(c -> c.getMetadata().getName().startsWith("jobflow-config"))
        .findFirst().orElseThrow();
  }

  @Test
  void devRunsOneWebhookPodAndKeepsTheH2JournalOnAClaim() {
    Manifests m = Kustomize.overlay("dev");
    assertEquals(1, m.get(Deployment.class, "jobflow-webhook").getSpec().getReplicas());
    Deployment d = m.get(Deployment.class, "jobflow-controller");
    Container c = container(d, "controller");
    assertTrue(envVar(c, "JOBFLOW_JOURNAL_URL").isEmpty(), "dev uses the default H2 journal");
    String dataDir = PodWiring.env(c, "JOBFLOW_DATA_DIR").orElseThrow(() -> new AssertionError("JOBFLOW_DATA_DIR"));
    VolumeMount mount = c.getVolumeMounts().stream().filter(v -> v.getMountPath().equals(dataDir)).findFirst()
        .orElseThrow(() -> new AssertionError("JOBFLOW_DATA_DIR " + dataDir + " is not a mounted volume"));
    var volume = d.getSpec().getTemplate().getSpec().getVolumes().stream()
        .filter(v -> v.getName().equals(mount.getName())).findFirst().orElseThrow();
    assertNotNull(volume.getPersistentVolumeClaim(), "the H2 journal must outlive the pod (Recreate on upgrade)");
    assertTrue(m.all(PodDisruptionBudget.class).isEmpty(), "one webhook pod: a PDB would block drains");
  }

  @Test
  void productionReadsThePostgresJournalFromTheSecretAndKeepsTwoWebhooksThroughDrains() {
    Manifests m = Kustomize.overlay("production");
    Container c = container(m.get(Deployment.class, "jobflow-controller"), "controller");
    for (String[] env : new String[][] {{"JOBFLOW_JOURNAL_URL", "JOBFLOW_JOURNAL_URL"},
        {"JOBFLOW_JOURNAL_USER", "JOBFLOW_JOURNAL_USER"}, {"JOBFLOW_JOURNAL_PASSWORD", "JOBFLOW_JOURNAL_PASSWORD"}}) {
      var ref = envVar(c, env[0]).map(e -> e.getValueFrom()).map(v -> v.getSecretKeyRef())
          .orElseThrow(() -> new AssertionError(env[0] + " must come from the Secret jobflow-journal"));
      assertEquals("jobflow-journal", ref.getName(), env[0]);
      assertEquals(env[1], ref.getKey(), env[0]);
    }
    Deployment webhook = m.get(Deployment.class, "jobflow-webhook");
    assertTrue(webhook.getSpec().getReplicas() >= 2, "failurePolicy Fail needs a webhook pod at all times");
    PodDisruptionBudget pdb = m.all(PodDisruptionBudget.class).stream()
        .filter(p -> PodWiring.selects(p.getSpec().getSelector().getMatchLabels(),
            webhook.getSpec().getTemplate().getMetadata().getLabels()))
        .findFirst().orElseThrow(() -> new AssertionError("production needs a PDB for the webhook pods"));
    assertEquals(1, pdb.getSpec().getMaxUnavailable().getIntVal(), "PDB maxUnavailable");
    assertEquals(List.of(webhook), deploymentsSelectedBy(m, pdb.getSpec().getSelector().getMatchLabels()));
    for (Deployment d : m.all(Deployment.class)) {
      for (Container each : d.getSpec().getTemplate().getSpec().getContainers()) {
        var res = each.getResources();
        String who = d.getMetadata().getName() + "/" + each.getName();
        assertNotNull(res.getRequests().get("cpu"), who + " requests cpu");
        assertNotNull(res.getRequests().get("memory"), who + " requests memory");
        assertEquals(res.getRequests().get("memory"), res.getLimits().get("memory"),
            who + ": memory request = limit, so the pod is not the first evicted");
      }
    }
  }

  /** SIGKILL must not cut CoordinatedShutdown short: its phases' timeouts summed, from the ConfigMap's own config. */
  @ParameterizedTest
  @ValueSource(strings = {"dev", "production"})
  void terminationGraceOutlastsCoordinatedShutdown(String overlay) {
    Manifests m = Kustomize.overlay(overlay);
    ConfigMap cm = m.all(ConfigMap.class).stream().filter(c -> c.getMetadata().getName().startsWith("jobflow-config"))
        .findFirst().orElseThrow();
    Config file = ConfigFactory.parseString(cm.getData().get("application.conf"),
        ConfigParseOptions.defaults().setOriginDescription("ConfigMap " + cm.getMetadata().getName()));
    Config config = ConfigFactory.load(file);
    Config cs = config.getConfig("akka.coordinated-shutdown");
    Duration phaseDefault = cs.getDuration("default-phase-timeout");
    Duration total = Duration.ZERO;
    for (String phase : cs.getObject("phases").keySet()) {
      Config p = cs.getConfig("phases").getConfig("\"" + phase + "\"");
      total = total.plus(p.hasPath("timeout") ? p.getDuration("timeout") : phaseDefault);
    }
    for (Deployment d : m.all(Deployment.class)) {
      long grace = d.getSpec().getTemplate().getSpec().getTerminationGracePeriodSeconds();
      assertTrue(grace > total.toSeconds(), d.getMetadata().getName() + " terminationGracePeriodSeconds " + grace
          + " must exceed CoordinatedShutdown's worst case of " + total.toSeconds() + " s");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"dev", "production"})
  void jvmHeapFollowsTheContainerMemoryLimit(String overlay) {
    Manifests m = Kustomize.overlay(overlay);
    for (Deployment d : m.all(Deployment.class)) {
      for (Container c : d.getSpec().getTemplate().getSpec().getContainers()) {
        String who = d.getMetadata().getName() + "/" + c.getName();
        String opts = PodWiring.env(c, "JAVA_TOOL_OPTIONS").orElse("");
        assertTrue(opts.matches("(?s).*-XX:MaxRAMPercentage=\\d+.*"), who + " sizes the heap from the limit: " + opts);
        assertTrue(opts.contains("-XX:+ExitOnOutOfMemoryError"), who + " restarts instead of limping on after OOM");
        Quantity limit = c.getResources().getLimits() == null ? null : c.getResources().getLimits().get("memory");
        assertNotNull(limit, who + " needs a memory limit for MaxRAMPercentage to mean anything");
        assertTrue(Quantity.getAmountInBytes(limit).longValue() >= 256L << 20, who + " memory limit " + limit);
      }
    }
  }
}
