package dev.jobflow.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.jobflow.api.FlowPhase;
import dev.jobflow.api.JobFlow;
import dev.jobflow.api.JobFlowTemplate;
import dev.jobflow.api.JobFlowTrigger;
import dev.jobflow.http.TestCertificates;
import dev.jobflow.trigger.TriggerSettings;
import dev.jobflow.trigger.TriggeredFlows;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real Alertmanager notifies the trigger endpoint over TLS (its webhook receiver, bearer token, CA file): alerts
 * added through its API arrive; the matching one creates a flow from a template with the alert's labels as parameters;
 * its repeats (Alertmanager re-sends the group every repeat_interval) are deduplicated; a non-matching alert is
 * filtered; a receiver with a wrong token is refused with 403.
 */
class AlertmanagerTriggerTest {
  static final String TOKEN = "am-s3cret";
  @TempDir
  Path dir;
  ControllerHarness harness;
  Alertmanager alertmanager;

  @BeforeAll
  static void alertmanagerIsInstalled() {
    Alertmanager.require();
  }

  @AfterEach
  void stop() {
    if (alertmanager != null) {
      alertmanager.close();
      alertmanager.keepLog(Path.of("target", "alertmanager-trigger-test.log"));
    }
    if (harness != null) {
      harness.close();
    }
  }

  @Test
  void alertmanagerNotificationsCreateOneFlowPerAlertAndWrongTokensAreRefused() throws Exception {
    TestCertificates.Issued cert = TestCertificates.ec("localhost");
    Path[] files = cert.writeTo(dir, TestCertificates.KeyFormat.PKCS8);
    harness = ControllerHarness.customized(dir, s -> s.withTriggers(
        TriggerSettings.of("127.0.0.1", 0, files[0], files[1])));
    var client = harness.client();
    client.resources(JobFlowTemplate.class).inNamespace("default").resource(new YAMLMapper().readValue(
        "apiVersion: jobflow.dev/v1alpha1\nkind: JobFlowTemplate\nmetadata: {name: clean-disk, namespace: default}\n"
            + "spec:\n  parameters: [{name: host}, {name: summary}, {name: greeting, default: hello}]\n  steps:\n"
            + ControllerHarness.step("clean", List.of(), "50ms", "Succeeded"), JobFlowTemplate.class)).create();
    client.secrets().inNamespace("default").resource(new SecretBuilder().withNewMetadata().withName("am-token")
        .endMetadata().withData(Map.of("token", Base64.getEncoder().encodeToString(TOKEN.getBytes(
            StandardCharsets.UTF_8)))).build()).create();
    client.resources(JobFlowTrigger.class).inNamespace("default").resource(new YAMLMapper().readValue(
        "apiVersion: jobflow.dev/v1alpha1\nkind: JobFlowTrigger\nmetadata: {name: disk, namespace: default}\n"
            + "spec:\n  source: alertmanager\n  auth: {bearerTokenSecretRef: {name: am-token}}\n"
            + "  filters: {labels: {severity: critical}, labelsMatch: {alertname: 'Disk.*'}}\n"
            + "  dedup: {window: 10m}\n"
            + "  flow:\n    templateRef: {name: clean-disk}\n    parameters:\n"
            + "      - {name: host, value: '{{alert.labels.instance}}'}\n"
            + "      - {name: summary, value: '{{alert.annotations.summary}}'}\n", JobFlowTrigger.class)).create();
    client.resources(JobFlowTrigger.class).inNamespace("default").withName("disk").waitUntilCondition(
        t -> t != null && t.getStatus() != null && t.getStatus().getConditions().stream()
            .anyMatch(c -> c.getType().equals("Ready") && c.getStatus().equals("True")), 30, TimeUnit.SECONDS);

    String url = "https://localhost:" + harness.controller.triggerPort() + "/api/v1/namespaces/default/triggers/disk";
    String ca = files[0].toString();
    alertmanager = Alertmanager.start(dir.resolve("alertmanager"), ""
        + "route:\n  receiver: jobflow\n  group_by: [alertname, instance]\n"
        + "  group_wait: 100ms\n  group_interval: 1s\n  repeat_interval: 2s\n"
        + "  routes:\n    - receiver: wrong-token\n      matchers: ['route=\"wrong\"']\n"
        + "receivers:\n"
        + "  - name: jobflow\n    webhook_configs:\n      - url: '" + url + "'\n        send_resolved: false\n"
        + "        http_config:\n          authorization: {type: Bearer, credentials: '" + TOKEN + "'}\n"
        + "          tls_config: {ca_file: '" + ca + "'}\n"
        + "  - name: wrong-token\n    webhook_configs:\n      - url: '" + url + "'\n"
        + "        http_config:\n          authorization: {type: Bearer, credentials: 'not-the-token'}\n"
        + "          tls_config: {ca_file: '" + ca + "'}\n");

    alertmanager.post("["
        + alert("DiskFull", "critical", "db-1", "") + ","
        + alert("DiskFull", "warning", "db-3", "") + ","
        + alert("DiskFull", "critical", "db-2", ", \"route\": \"wrong\"") + "]");

    JobFlow flow = Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> flowsOf("disk"), l -> !l.isEmpty())
        .get(0);
    JobFlow done = harness.await(flow.getMetadata().getName(), f -> f.getStatus() != null
        && f.getStatus().getPhase() != null && f.getStatus().getPhase().isFinished(), Duration.ofSeconds(60));
    assertEquals(FlowPhase.Succeeded, done.getStatus().getPhase());
    assertEquals(Map.of("host", "db-1", "summary", "db-1 is 92% full"), done.getSpec().getParameters().stream()
        .collect(Collectors.toMap(p -> p.getName(), p -> p.getValue())));
    assertEquals("DiskFull", done.getMetadata().getAnnotations().get(TriggeredFlows.ALERT_ANNOTATION));

    // Alertmanager re-sends both jobflow groups every 2s: wait for repeats of each, and for the wrong token's 403.
    Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> successes("jobflow") >= 5
        && alertmanager.log().stream().anyMatch(l -> l.contains("Notify for alerts failed")
            && l.contains("wrong-token/webhook") && l.contains("unexpected status code 403")));
    assertEquals(List.of(flow.getMetadata().getName()), flowsOf("disk").stream()
        .map(f -> f.getMetadata().getName()).toList(), "repeats deduplicated, warning filtered, wrong token refused");
    assertTrue(alertmanager.log().stream().noneMatch(l -> l.contains("jobflow/webhook")
        && l.contains("Notify for alerts failed")), "every notification with the right token was answered 2xx");
  }

  List<JobFlow> flowsOf(String trigger) {
    return harness.client().resources(JobFlow.class).inNamespace("default")
        .withLabel(TriggeredFlows.TRIGGER_LABEL, trigger).list().getItems();
  }

  /** Notifications Alertmanager delivered to {@code receiver} with a 2xx answer, as its debug log tells. */
  long successes(String receiver) throws Exception {
    return alertmanager.log().stream().filter(l -> l.contains("receiver=" + receiver)
        && l.contains("Notify success")).count();
  }

  static String alert(String name, String severity, String instance, String moreLabels) {
    return "{\"labels\": {\"alertname\": \"" + name + "\", \"severity\": \"" + severity + "\", \"instance\": \""
        + instance + "\"" + moreLabels + "}, \"annotations\": {\"summary\": \"" + instance + " is 92% full\"}}";
  }
}
