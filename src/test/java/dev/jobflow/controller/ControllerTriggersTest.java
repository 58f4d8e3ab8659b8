package dev.jobflow.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.jobflow.api.FlowPhase;
import dev.jobflow.api.JobFlow;
import dev.jobflow.api.JobFlowTemplate;
import dev.jobflow.api.JobFlowTrigger;
import dev.jobflow.http.TestCertificates;
import dev.jobflow.trigger.TriggerSettings;
import dev.jobflow.trigger.TriggeredFlows;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * JobFlowTriggers through the real controller, its HTTPS trigger port and the API-server emulator: an alert creates
 * one flow from its template with the alert's labels as parameters, repeats name that flow (also after a restart),
 * and every refusal has its status code.
 */
class ControllerTriggersTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final String TOKEN = "s3cret-token";
  @TempDir
  Path dir;
  ControllerHarness harness;
  HttpClient https;

  @BeforeEach
  void start() throws Exception {
    TestCertificates.Issued cert = TestCertificates.ec("localhost");
    Path[] files = cert.writeTo(dir, TestCertificates.KeyFormat.PKCS8);
    https = cert.httpClient();
    harness = ControllerHarness.customized(dir, s -> s.withTriggers(
        TriggerSettings.of("127.0.0.1", 0, files[0], files[1]).withMaxRequestBytes(16 * 1024)));
    var client = harness.client();
    client.resources(JobFlowTemplate.class).inNamespace("default").resource(new YAMLMapper().readValue(
        "apiVersion: jobflow.dev/v1alpha1\nkind: JobFlowTemplate\nmetadata: {name: clean-disk, namespace: default}\n"
            + "spec:\n  parameters: [{name: host}, {name: summary, default: none}, {name: greeting, default: hello}]\n  steps:\n"
            + ControllerHarness.step("clean", List.of(), "50ms", "Succeeded"), JobFlowTemplate.class)).create();
    client.secrets().inNamespace("default").resource(new SecretBuilder().withNewMetadata().withName("am-token")
        .endMetadata().withData(Map.of("token", Base64.getEncoder().encodeToString((TOKEN + "\n")
            .getBytes(StandardCharsets.UTF_8)))).build()).create();
  }

  @AfterEach
  void stop() {
    if (harness != null) {
      harness.close();
    }
  }

  JobFlowTrigger trigger(String name, String extra) throws Exception {
    JobFlowTrigger t = harness.client().resources(JobFlowTrigger.class).inNamespace("default").resource(
        new YAMLMapper().readValue("apiVersion: jobflow.dev/v1alpha1\nkind: JobFlowTrigger\n"
            + "metadata: {name: " + name + ", namespace: default}\nspec:\n  source: alertmanager\n"
            + "  auth: {bearerTokenSecretRef: {name: am-token}}\n"
            + "  filters: {labels: {severity: critical}}\n" + extra
            + "  flow:\n    metadata: {labels: {team: ops}}\n    templateRef: {name: clean-disk}\n"
            + "    parameters:\n      - {name: host, value: '{{alert.labels.instance}}'}\n"
            + "      - {name: summary, value: '{{alert.annotations.summary}}'}\n", JobFlowTrigger.class)).create();
    awaitListening(name);
    return t;
  }

  /** The trigger's status says Ready: its entity has its spec and the endpoint serves it. */
  JobFlowTrigger awaitListening(String name) {
    return harness.client().resources(JobFlowTrigger.class).inNamespace("default").withName(name).waitUntilCondition(
        t -> t != null && t.getStatus() != null && t.getStatus().getConditions().stream()
            .anyMatch(c -> c.getType().equals("Ready") && c.getStatus().equals("True")), 30, TimeUnit.SECONDS);
  }

  static String payload(String... alerts) {
    return "{\"version\":\"4\",\"groupKey\":\"{}:{}\",\"status\":\"firing\",\"receiver\":\"jobflow\","
        + "\"groupLabels\":{},\"commonLabels\":{},\"commonAnnotations\":{},\"externalURL\":\"http://am\","
        + "\"alerts\":[" + String.join(",", alerts) + "]}";
  }

  static String alert(String name, String severity, String instance) {
    return "{\"status\":\"firing\",\"labels\":{\"alertname\":\"" + name + "\",\"severity\":\"" + severity
        + "\",\"instance\":\"" + instance + "\"},\"annotations\":{\"summary\":\"" + instance + " is 92% full\"},"
        + "\"startsAt\":\"2026-12-02T03:00:00Z\",\"endsAt\":\"0001-01-01T00:00:00Z\",\"fingerprint\":\"0123\"}";
  }

  HttpResponse<String> post(String trigger, String authorization, String body) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("https://localhost:"
            + harness.controller.triggerPort() + "/api/v1/namespaces/default/triggers/" + trigger))
        .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body));
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    return https.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  List<JobFlow> flowsOf(String trigger) {
    return harness.client().resources(JobFlow.class).inNamespace("default")
        .withLabel(TriggeredFlows.TRIGGER_LABEL, trigger).list().getItems();
  }

  @Test
  void anAlertCreatesOneFlowFromTheTemplateAndRepeatsNameItAlsoAfterARestart() throws Exception {
    trigger("disk", "");
    HttpResponse<String> created = post("disk", "Bearer " + TOKEN, payload(alert("DiskFull", "critical", "db-1"),
        alert("DiskFull", "warning", "db-2")));
    assertEquals(202, created.statusCode(), created.body());
    JsonNode body = JSON.readTree(created.body());
    String flow = body.get("flow").asText();
    assertEquals("filtered", body.at("/results/1/outcome").asText(), created.body());
    assertEquals("labels", body.at("/results/1/filter").asText());

    JobFlow f = harness.await(flow, x -> x.getStatus() != null && x.getStatus().getPhase() != null
        && x.getStatus().getPhase().isFinished(), Duration.ofSeconds(60));
    assertEquals(FlowPhase.Succeeded, f.getStatus().getPhase(), () -> String.valueOf(f.getStatus().getConditions()));
    assertEquals("clean-disk", f.getSpec().getTemplateRef().getName());
    assertEquals(Map.of("host", "db-1", "summary", "db-1 is 92% full"), f.getSpec().getParameters().stream()
        .collect(java.util.stream.Collectors.toMap(p -> p.getName(), p -> p.getValue())));
    assertEquals("ops", f.getMetadata().getLabels().get("team"));

    HttpResponse<String> repeat = post("disk", "Bearer " + TOKEN, payload(alert("DiskFull", "critical", "db-1")));
    assertEquals(200, repeat.statusCode(), repeat.body());
    assertEquals(flow, JSON.readTree(repeat.body()).get("flow").asText());
    assertEquals("duplicate", JSON.readTree(repeat.body()).at("/results/0/outcome").asText());

    harness.restartController();
    awaitListening("disk");
    HttpResponse<String> afterRestart = post("disk", "Bearer " + TOKEN, payload(alert("DiskFull", "critical",
        "db-1")));
    assertEquals(200, afterRestart.statusCode(), afterRestart.body());
    assertEquals(flow, JSON.readTree(afterRestart.body()).get("flow").asText());
    assertEquals(List.of(flow), flowsOf("disk").stream().map(x -> x.getMetadata().getName()).toList());

    JobFlowTrigger status = harness.client().resources(JobFlowTrigger.class).inNamespace("default").withName("disk")
        .waitUntilCondition(t -> t.getStatus() != null && Long.valueOf(1).equals(t.getStatus().getFlowsCreated()),
            30, TimeUnit.SECONDS);
    assertEquals(flow, status.getStatus().getLastFlow());
    assertEquals("/api/v1/namespaces/default/triggers/disk", status.getStatus().getEndpoint());
    assertEquals(status.getMetadata().getGeneration(), status.getStatus().getObservedGeneration());
  }

  @Test
  void everyRefusalHasItsStatusCodeAndSaysWhat() throws Exception {
    trigger("limited", "  rateLimit: {flows: 1, period: 1h}\n");
    HttpResponse<String> unknown = post("nope", "Bearer " + TOKEN, payload());
    assertEquals(404, unknown.statusCode());
    assertTrue(unknown.body().contains("no JobFlowTrigger default/nope"), unknown.body());

    HttpResponse<String> anonymous = post("limited", null, payload(alert("DiskFull", "critical", "db-1")));
    assertEquals(401, anonymous.statusCode());
    assertTrue(anonymous.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Bearer"));
    HttpResponse<String> wrong = post("limited", "Bearer not-the-token", payload(alert("DiskFull", "critical", "a")));
    assertEquals(403, wrong.statusCode());
    assertTrue(!wrong.body().contains(TOKEN) && !wrong.body().contains("not-the-token"), "tokens are never echoed");

    HttpResponse<String> huge = post("limited", "Bearer " + TOKEN, payload(alert("DiskFull", "critical",
        "x".repeat(20_000))));
    assertEquals(413, huge.statusCode(), huge.body());
    HttpResponse<String> notJson = post("limited", "Bearer " + TOKEN, "{\"alerts\": [");
    assertEquals(400, notJson.statusCode());
    assertTrue(notJson.body().contains("the body is not JSON"), notJson.body());
    HttpResponse<String> badAlert = post("limited", "Bearer " + TOKEN, payload("{\"status\":\"maybe\"}"));
    assertEquals(400, badAlert.statusCode());
    assertEquals("alerts[0].status: must be firing or resolved", JSON.readTree(badAlert.body()).get("message")
        .asText());
    assertEquals(List.of(), flowsOf("limited"), "nothing refused created a flow");

    assertEquals(202, post("limited", "Bearer " + TOKEN, payload(alert("DiskFull", "critical", "db-1")))
        .statusCode());
    HttpResponse<String> limited = post("limited", "Bearer " + TOKEN, payload(alert("DiskFull", "critical", "db-2")));
    assertEquals(429, limited.statusCode(), limited.body());
    long retryAfter = Long.parseLong(limited.headers().firstValue("Retry-After").orElseThrow());
    assertTrue(retryAfter > 3500 && retryAfter <= 3600, "about an hour: " + retryAfter);
    assertEquals(1, flowsOf("limited").size());
  }
}
