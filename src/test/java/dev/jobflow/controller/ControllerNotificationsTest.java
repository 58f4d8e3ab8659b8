package dev.jobflow.controller;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.jobflow.api.FlowPhase;
import dev.jobflow.api.JobFlow;
import dev.jobflow.api.JobFlowTemplate;
import dev.jobflow.flow.FlowEntity;
import dev.jobflow.notify.NotificationReceiver;
import dev.jobflow.notify.NotifySettings;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole controller against the emulator, notifying a receiver in the test: the events of a flow arrive as
 * CloudEvents, through failures of the receiver, with the flow's headers and the token of its Secret; a flow from a
 * template notifies the template's sinks; a restart does not send again what was delivered; a rejection (400) is not
 * retried; an approval step's request is announced with its approvers.
 */
class ControllerNotificationsTest {
  @TempDir
  Path dir;
  ControllerHarness harness;
  NotificationReceiver receiver;

  @BeforeEach
  void start() throws Exception {
    receiver = new NotificationReceiver();
    harness = ControllerHarness.customized(dir, s -> s.withNotifications(
        NotifySettings.defaultSettings().withBackoff(Duration.ofMillis(100), Duration.ofMillis(400))));
    harness.client().secrets().inNamespace("default").resource(new SecretBuilder().withNewMetadata()
        .withName("hook-token").endMetadata().withData(Map.of("token", Base64.getEncoder().encodeToString(
            "s3cret\n".getBytes(StandardCharsets.UTF_8)))).build()).create();
  }

  @AfterEach
  void stop() {
    if (harness != null) {
      harness.close();
    }
    if (receiver != null) {
      receiver.close();
    }
  }

  String notify(String extra) {
    return "  notify:\n  - url: " + receiver.url() + "\n" + extra;
  }

  String id(JobFlow flow, int sequenceNr) {
    return FlowEntity.persistenceId(flow.getMetadata().getUid()).id() + "/" + sequenceNr;
  }

  @Test
  void aFailingFlowsEventsArriveOnceEachThroughReceiverFailuresWithItsHeadersAndToken() throws Exception {
    awaitNotifierRunning();
    receiver.failNext(3, 503);
    JobFlow flow = harness.submit(ControllerHarness.flow("breaks", notify("""
            headers: {X-Team: data}
            bearerTokenSecretRef: {name: hook-token}
        """),
        ControllerHarness.step("extract", List.of(), "50ms", "Succeeded")
            + ControllerHarness.step("load", List.of("extract"), "50ms", "Failed"), null));
    harness.awaitPhase("breaks", FlowPhase.Failed);
    await().atMost(Duration.ofSeconds(60)).until(() -> receiver.distinctTypes().size() >= 3);

    assertEquals(List.of("dev.jobflow.flow.started", "dev.jobflow.step.failed", "dev.jobflow.flow.failed"),
        receiver.distinctTypes());
    assertTrue(receiver.refused() >= 3, "the receiver's 503s were retried");
    receiver.countsById().forEach((id, n) -> assertEquals(1L, n, id + " arrived " + n + " times"));
    List<String> types = harness.eventTypes(flow.getMetadata().getUid());
    List<String> ids = List.copyOf(receiver.countsById().keySet());
    assertEquals(id(flow, types.indexOf("FlowAccepted") + 1), ids.get(0));
    assertEquals(id(flow, types.indexOf("StepFailed") + 1), ids.get(1));
    assertEquals(id(flow, types.indexOf("FlowFailed") + 1), ids.get(2));
    for (NotificationReceiver.Received r : receiver.received()) {
      assertEquals("application/cloudevents+json", r.contentType());
      assertEquals("Bearer s3cret", r.authorization());
      assertEquals("data", r.team());
      assertEquals("/apis/jobflow.dev/v1alpha1/namespaces/default/jobflows/breaks", r.event().get("source").asText());
      assertEquals(flow.getMetadata().getUid(), r.event().get("data").get("uid").asText());
    }
    var stepFailed = receiver.received().get(1).event();
    assertEquals("breaks/steps/load", stepFailed.get("subject").asText());
    assertEquals("load", stepFailed.get("data").get("step").asText());
    assertEquals(1, stepFailed.get("data").get("attempt").asInt());
  }

  @Test
  void aFlowFromATemplateNotifiesTheTemplatesSinksARestartSendsNothingAgainAndApprovalsAreAnnounced() throws Exception {
    awaitNotifierRunning();
    harness.client().resources(JobFlowTemplate.class).inNamespace("default").resource(new YAMLMapper().readValue(
        "apiVersion: jobflow.dev/v1alpha1\nkind: JobFlowTemplate\nmetadata: {name: etl, namespace: default}\n"
            + "spec:\n  parameters: [{name: greeting, default: hello}]\n"
            + "  notify: [{url: '" + receiver.url() + "', events: [flow.succeeded]}]\n  steps:\n"
            + ControllerHarness.step("only", List.of(), "50ms", "Succeeded"), JobFlowTemplate.class)).create();
    JobFlow first = harness.submit("apiVersion: jobflow.dev/v1alpha1\nkind: JobFlow\n"
        + "metadata: {name: from-etl, namespace: default}\nspec:\n  templateRef: {name: etl}\n");
    harness.awaitPhase("from-etl", FlowPhase.Succeeded);
    await().atMost(Duration.ofSeconds(60)).until(() -> receiver.received().size() >= 1);
    assertEquals(List.of("dev.jobflow.flow.succeeded"), receiver.distinctTypes(), "only what the template asked for");
    String firstId = receiver.received().get(0).id();
    assertTrue(firstId.startsWith(FlowEntity.persistenceId(first.getMetadata().getUid()).id() + "/"), firstId);

    harness.restartController();
    awaitNotifierRunning();
    receiver.failNext(1, 400); // a rejection is not retried: the next notification still arrives
    harness.submit(ControllerHarness.flow("gated", notify(""), """
            - name: gate
              approval: {message: 'Ship it?', approvers: {users: [alice], groups: [release-managers]}}
        """, null));
    await().atMost(Duration.ofSeconds(60)).until(() -> receiver.distinctTypes().size() >= 2);
    assertEquals(1, receiver.refused(), "the 400 was answered once and not retried");
    assertEquals(1L, receiver.countsById().get(firstId), "delivered before the restart, not sent again after it");
    assertEquals(List.of("dev.jobflow.flow.succeeded", "dev.jobflow.approval.requested"), receiver.distinctTypes(),
        "the started notification was the one rejected: " + receiver.countsById());
    var requested = receiver.received().get(1).event();
    assertEquals("gated/steps/gate", requested.get("subject").asText());
    assertEquals("Ship it?", requested.get("data").get("message").asText());
    assertEquals("alice", requested.get("data").get("approvers").get("users").get(0).asText());
    assertEquals("release-managers", requested.get("data").get("approvers").get("groups").get(0).asText());
  }

  /** The notifier runs once the single node leads its cluster; flows submitted before that are sent later anyway. */
  void awaitNotifierRunning() {
    await().atMost(Duration.ofSeconds(30)).until(() -> dev.jobflow.cluster.ClusterNode.isLeader(
        harness.controller.system()));
  }
}
