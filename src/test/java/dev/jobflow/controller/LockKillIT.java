package dev.jobflow.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import dev.jobflow.api.FlowPhase;
import dev.jobflow.api.JobFlow;
import dev.jobflow.flow.FlowEntity;
import dev.jobflow.journal.JournalSettings;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The built jar with locks under kill -9: 20 flows of mixed priorities queue on one mutex behind a holder, and the
 * controller is killed twice while they take turns. Then every flow succeeded, the journal shows each grant after the
 * release before it (never two holders), the Jobs' run times never overlap, and the grants follow priority, then
 * age. Harness as in {@link ControllerKillIT}.
 */
class LockKillIT {
  @TempDir
  Path dir;

  static final String FLOW = """
      apiVersion: jobflow.dev/v1alpha1
      kind: JobFlow
      metadata: {name: %1$s, namespace: default}
      spec:
        priority: %2$d
        synchronization: {mutex: target}
        steps:
          - name: work
            template: {template: {metadata: {annotations: {sim.jobflow.dev/duration: %3$s}}, spec: {restartPolicy: Never, containers: [{name: main, image: busybox}]}}}
      """;

  @Test
  void twentyFlowsOnOneMutexTakeTurnsByPriorityAcrossTwoKills() throws Exception {
    ControllerKillIT harness = new ControllerKillIT();
    harness.dir = dir;
    Path kubeconfig = dir.resolve("dev.kubeconfig");
    Process emulator = harness.jobflow("emulator", "emulator", "--port", "0", "--kubeconfig-out",
        kubeconfig.toString(), "--executor", "simulate", "--data-dir", dir.resolve("emulator").toString());
    Process controller = null;
    try {
      ControllerKillIT.awaitFile(kubeconfig, emulator);
      try (KubernetesClient client = new KubernetesClientBuilder()
          .withConfig(Config.fromKubeconfig(Files.readString(kubeconfig))).build()) {
        controller = harness.startController(kubeconfig);
        apply(harness, kubeconfig, String.format(FLOW, "holder", 0, "15s"));
        awaitPhase(client, "holder", FlowPhase.Running);

        List<String> names = new ArrayList<>();
        Map<String, Integer> priority = new HashMap<>();
        StringBuilder yaml = new StringBuilder();
        for (int i = 0; i < 20; i++) {
          String name = String.format("lf-%02d", i); // names sort as they were created: age and name agree
          names.add(name);
          priority.put(name, (i * 7) % 3); // 0, 1, 2 mixed
          yaml.append(String.format(FLOW, name, priority.get(name), "500ms")).append("---\n");
        }
        apply(harness, kubeconfig, yaml.toString());
        for (String name : names) {
          client.resources(JobFlow.class).inNamespace("default").withName(name).waitUntilCondition(f -> f != null
              && f.getStatus() != null && f.getStatus().getMessage() != null
              && f.getStatus().getMessage().startsWith("waiting for mutex"), 120, TimeUnit.SECONDS);
        }
        assertEquals(FlowPhase.Running, phase(client, "holder"), "every flow queued while the holder still ran");

        for (int kill : List.of(3, 10)) {
          awaitSucceeded(client, names, kill);
          controller.destroyForcibly(); // SIGKILL: no shutdown hook, no release, no flush
          assertTrue(controller.waitFor(30, TimeUnit.SECONDS));
          controller = harness.startController(kubeconfig);
        }
        awaitSucceeded(client, names, names.size());
        controller.destroyForcibly();
        assertTrue(controller.waitFor(30, TimeUnit.SECONDS));

        List<String> all = new ArrayList<>(List.of("holder"));
        all.addAll(names);
        Map<String, String> uids = new HashMap<>();
        for (String name : all) {
          uids.put(name, client.resources(JobFlow.class).inNamespace("default").withName(name).get().getMetadata()
              .getUid());
        }
        JournalSettings journal = JournalSettings.fromConfig(ConfigFactory.load()).withDataDir(dir.resolve("journal"));
        try (Connection db = DriverManager.getConnection(journal.jdbcUrl(), journal.user(), "")) {
          List<String> byGrant = new ArrayList<>(all);
          Map<String, Long> granted = new HashMap<>();
          for (String name : all) {
            granted.put(name, ordering(db, uids.get(name), "FlowLockGranted"));
          }
          byGrant.sort(Comparator.comparing(granted::get));
          for (int i = 1; i < byGrant.size(); i++) {
            String before = byGrant.get(i - 1);
            String after = byGrant.get(i);
            assertTrue(granted.get(after) > ordering(db, uids.get(before), "FlowLockReleased"),
                after + " was granted before " + before + " released: two holders");
            Job done = client.batch().v1().jobs().inNamespace("default").withName(before + "-work-1").get();
            Job next = client.batch().v1().jobs().inNamespace("default").withName(after + "-work-1").get();
            assertTrue(!Instant.parse(next.getStatus().getStartTime())
                .isBefore(Instant.parse(done.getStatus().getCompletionTime())), after + " ran beside " + before);
          }
          List<String> expected = new ArrayList<>(names);
          expected.sort(Comparator.comparing((String n) -> -priority.get(n)).thenComparing(n -> n));
          expected.add(0, "holder");
          assertEquals(expected, byGrant, "grants by priority, then age");
        }
      }
    } finally {
      if (controller != null) {
        controller.destroyForcibly();
      }
      emulator.destroyForcibly();
    }
  }

  private static void apply(ControllerKillIT harness, Path kubeconfig, String yaml) throws Exception {
    Path file = Files.createTempFile(harness.dir, "flows", ".yaml");
    Files.writeString(file, yaml);
    harness.kubectl(kubeconfig, "apply", "-f", file.toString());
  }

  private static FlowPhase phase(KubernetesClient client, String name) {
    JobFlow f = client.resources(JobFlow.class).inNamespace("default").withName(name).get();
    return f == null || f.getStatus() == null ? null : f.getStatus().getPhase();
  }

  private static void awaitPhase(KubernetesClient client, String name, FlowPhase phase) {
    client.resources(JobFlow.class).inNamespace("default").withName(name).waitUntilCondition(f -> f != null
        && f.getStatus() != null && f.getStatus().getPhase() == phase, 120, TimeUnit.SECONDS);
  }

  /** Until at least {@code n} of the flows succeeded (and none failed). */
  private static void awaitSucceeded(KubernetesClient client, List<String> names, int n) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
    while (true) {
      int succeeded = 0;
      for (String name : names) {
        FlowPhase p = phase(client, name);
        assertTrue(p != FlowPhase.Failed && p != FlowPhase.Cancelled, name + " ended " + p);
        succeeded += p == FlowPhase.Succeeded ? 1 : 0;
      }
      if (succeeded >= n) {
        return;
      }
      assertTrue(System.nanoTime() < deadline, "only " + succeeded + " of " + n + " flows succeeded in time");
      Thread.sleep(200); // polling the API for a count; no timing is asserted
    }
  }

  private static long ordering(Connection db, String uid, String type) throws Exception {
    try (var st = db.prepareStatement("SELECT \"ordering\", \"event_ser_manifest\" FROM \"event_journal\" WHERE"
        + " \"persistence_id\" = ? ORDER BY \"sequence_number\"")) {
      st.setString(1, FlowEntity.persistenceId(uid).id());
      try (var rs = st.executeQuery()) {
        while (rs.next()) {
          if (rs.getString(2).endsWith("$" + type)) {
            return rs.getLong(1);
          }
        }
      }
    }
    throw new AssertionError("no " + type + " in the journal of " + uid);
  }
}
