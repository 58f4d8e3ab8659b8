package dev.jobflow.controller;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import dev.jobflow.api.FlowPhase;
import dev.jobflow.api.JobFlow;
import dev.jobflow.journal.JournalSchema;
import dev.jobflow.journal.JournalSettings;
import dev.jobflow.notify.NotificationReceiver;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The must-show of notifications, on the built jar as ControllerKillIT runs it: a receiver in the test, flows that
 * notify it, the controller killed with SIGKILL mid-flow and started again. Afterwards the ids the receiver saw are
 * exactly the ids of the notifiable events in the journal — none missing, none made up — and a repeat (sent again
 * after the crash) always carries the id of its first delivery.
 */
class NotificationsKillIT {
  @TempDir
  Path dir;

  static final String SUCCEEDS = """
      apiVersion: jobflow.dev/v1alpha1
      kind: JobFlow
      metadata: {name: chain-%1$d, namespace: default}
      spec:
        notify: [{url: "%2$s"}]
        steps:
          - name: first
            template: {template: {metadata: {annotations: {sim.jobflow.dev/duration: 1500ms}}, spec: {restartPolicy: Never, containers: [{name: main, image: busybox}]}}}
          - name: second
            dependsOn: [first]
            template: {template: {metadata: {annotations: {sim.jobflow.dev/duration: 1500ms}}, spec: {restartPolicy: Never, containers: [{name: main, image: busybox}]}}}
      """;
  static final String FAILS = """
      apiVersion: jobflow.dev/v1alpha1
      kind: JobFlow
      metadata: {name: broken-%1$d, namespace: default}
      spec:
        notify: [{url: "%2$s", events: [flow.started, step.failed, flow.failed]}]
        steps:
          - name: first
            template: {template: {metadata: {annotations: {sim.jobflow.dev/duration: 1500ms}}, spec: {restartPolicy: Never, containers: [{name: main, image: busybox}]}}}
          - name: second
            dependsOn: [first]
            template: {template: {metadata: {annotations: {sim.jobflow.dev/duration: 1500ms, sim.jobflow.dev/outcome: Failed}}, spec: {restartPolicy: Never, containers: [{name: main, image: busybox}]}}}
      """;
  static final Set<String> NOTIFIABLE = Set.of("FlowAccepted", "FlowSucceeded", "FlowFailed", "FlowCancelled",
      "StepFailed", "StepApprovalRequested");

  @Test
  void everyNotificationArrivesByItsIdAcrossAKillOfTheController() throws Exception {
    ControllerKillIT processes = new ControllerKillIT();
    processes.dir = dir;
    Path kubeconfig = dir.resolve("dev.kubeconfig");
    Process emulator = processes.jobflow("emulator", "emulator", "--port", "0", "--kubeconfig-out",
        kubeconfig.toString(), "--executor", "simulate", "--data-dir", dir.resolve("emulator").toString());
    Process controller = null;
    try (NotificationReceiver receiver = new NotificationReceiver()) {
      ControllerKillIT.awaitFile(kubeconfig, emulator);
      try (KubernetesClient client = new KubernetesClientBuilder()
          .withConfig(Config.fromKubeconfig(Files.readString(kubeconfig))).build()) {
        controller = processes.startController(kubeconfig);
        StringBuilder yaml = new StringBuilder();
        for (int i = 1; i <= 2; i++) {
          yaml.append(String.format(SUCCEEDS, i, receiver.url())).append("---\n");
          yaml.append(String.format(FAILS, i, receiver.url())).append("---\n");
        }
        Path flows = dir.resolve("flows.yaml");
        Files.writeString(flows, yaml);
        processes.kubectl(kubeconfig, "apply", "-f", flows.toString());

        // Mid-flow: notifications are flowing (the starts arrived) and the flows are still running.
        await("the first notifications").atMost(Duration.ofSeconds(120)).until(() -> receiver.received().size() >= 2);
        controller.destroyForcibly(); // SIGKILL: no shutdown hook, no flush, deliveries in flight cut off
        assertTrue(controller.waitFor(30, TimeUnit.SECONDS));
        int beforeRestart = receiver.received().size();
        controller = processes.startController(kubeconfig);

        for (String name : new String[] {"chain-1", "chain-2", "broken-1", "broken-2"}) {
          JobFlow done = client.resources(JobFlow.class).inNamespace("default").withName(name)
              .waitUntilCondition(f -> f != null && f.getStatus() != null && f.getStatus().getPhase() != null
                  && f.getStatus().getPhase().isFinished(), 180, TimeUnit.SECONDS);
          assertEquals(name.startsWith("chain") ? FlowPhase.Succeeded : FlowPhase.Failed, done.getStatus().getPhase(),
              name + ": " + done.getStatus().getMessage());
        }
        // 2 x (started, succeeded) + 2 x (started, step failed, failed)
        await("10 distinct notifications; so far " + receiver.distinctTypes()).atMost(Duration.ofSeconds(120))
            .until(() -> receiver.countsById().size() >= 10);
        controller.destroy();
        assertTrue(controller.waitFor(60, TimeUnit.SECONDS));
        controller = null;

        Map<String, String> journal = notifiableEvents();
        Map<String, Long> counts = receiver.countsById();
        assertEquals(10, journal.size(), "notifiable events in the journal: " + journal);
        assertEquals(journal.keySet(), counts.keySet(), "the ids received are the journal's notifiable events");
        for (NotificationReceiver.Received r : receiver.received()) {
          String type = journal.get(r.id());
          assertEquals(cloudEventType(type), r.type(), r.id() + " is a " + type);
        }
        long repeats = counts.values().stream().mapToLong(n -> n - 1).sum();
        System.out.printf("NotificationsKillIT: %d notifications, %d before the kill, %d repeats after it%n",
            counts.size(), beforeRestart, repeats);
      }
    } finally {
      if (controller != null) {
        controller.destroyForcibly();
      }
      emulator.destroyForcibly();
    }
  }

  /** Id to event type of every notifiable event in the (now closed) H2 journal of the controller. */
  Map<String, String> notifiableEvents() throws Exception {
    JournalSettings settings = JournalSettings.fromConfig(ConfigFactory.load()).withDataDir(dir.resolve("journal"));
    Map<String, String> events = new TreeMap<>();
    try (Connection c = JournalSchema.connect(settings);
         Statement st = c.createStatement();
         ResultSet rs = st.executeQuery("SELECT \"persistence_id\", \"sequence_number\", \"event_ser_manifest\" "
             + "FROM \"event_journal\" ORDER BY \"ordering\"")) {
      while (rs.next()) {
        String manifest = rs.getString(3);
        String type = manifest.substring(manifest.lastIndexOf('$') + 1);
        if (NOTIFIABLE.contains(type) && rs.getString(1).startsWith("JobFlow|")) {
          events.put(rs.getString(1) + "/" + rs.getLong(2), type);
        }
      }
    }
    return events;
  }

  static String cloudEventType(String eventType) {
    return switch (eventType) {
      case "FlowAccepted" -> "dev.jobflow.flow.started";
      case "FlowSucceeded" -> "dev.jobflow.flow.succeeded";
      case "FlowFailed" -> "dev.jobflow.flow.failed";
      case "StepFailed" -> "dev.jobflow.step.failed";
      default -> "unexpected " + eventType;
    };
  }
}
