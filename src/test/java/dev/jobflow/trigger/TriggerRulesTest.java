package dev.jobflow.trigger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.jobflow.api.JobFlowTrigger;
import dev.jobflow.validation.Problem;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Alertmanager payloads, filters, fingerprints, parameters and the validator, in plain Java. */
class TriggerRulesTest {
  static final ObjectMapper JSON = new ObjectMapper();

  static JobFlowTrigger trigger(String spec) throws Exception {
    return new YAMLMapper().readValue("apiVersion: jobflow.dev/v1alpha1\nkind: JobFlowTrigger\n"
        + "metadata: {name: disk, namespace: ops, uid: u-1, generation: 1}\nspec:\n" + spec, JobFlowTrigger.class);
  }

  static TriggerDefinition definition(String spec) throws Exception {
    JobFlowTrigger t = trigger(spec);
    List<Problem> problems = new TriggerValidator().validate(t);
    assertEquals(List.of(), problems);
    return TriggerDefinition.from(t, null);
  }

  static final String ALERTMANAGER = "  source: alertmanager\n  auth: {bearerTokenSecretRef: {name: am-token}}\n"
      + "  filters: {labels: {severity: critical}, labelsMatch: {alertname: 'Disk.*'}}\n"
      + "  flow:\n    templateRef: {name: clean-disk}\n    parameters:\n"
      + "      - {name: host, value: '{{alert.labels.instance}}'}\n"
      + "      - {name: why, value: 'because {{ alert.annotations.summary }} ({{alert.name}}, {{alert.labels.none}})'}\n";

  static Alert alert(String status, Map<String, String> labels, Map<String, String> annotations) {
    return new Alert(labels.get("alertname"), status, labels, annotations, JSON.createObjectNode());
  }

  @Test
  void eachAlertOfAnAlertmanagerPayloadIsOneFiring() throws Exception {
    List<Alert> alerts = AlertmanagerPayload.alerts(JSON.readTree("{\"version\":\"4\",\"status\":\"firing\","
        + "\"receiver\":\"jobflow\",\"alerts\":[{\"status\":\"firing\",\"labels\":{\"alertname\":\"DiskFull\","
        + "\"instance\":\"db-1\"},\"annotations\":{\"summary\":\"92% full\"}},{\"status\":\"resolved\","
        + "\"labels\":{\"alertname\":\"DiskFull\",\"instance\":\"db-2\"}}]}"));
    assertEquals(2, alerts.size());
    assertEquals("DiskFull", alerts.get(0).name());
    assertEquals("db-1", alerts.get(0).labels().get("instance"));
    assertEquals("92% full", alerts.get(0).annotations().get("summary"));
    assertEquals("resolved", alerts.get(1).status());
  }

  @Test
  void aPayloadOfAnotherShapeIsNamedByItsPath() {
    assertEquals("alerts: must be a list of alerts", assertThrows(BadPayloadException.class,
        () -> AlertmanagerPayload.alerts(JSON.readTree("{\"version\":\"4\"}"))).getMessage());
    assertEquals("alerts[1].status: must be firing or resolved", assertThrows(BadPayloadException.class,
        () -> AlertmanagerPayload.alerts(JSON.readTree("{\"alerts\":[{\"status\":\"firing\",\"labels\":"
            + "{\"alertname\":\"A\"}},{\"status\":\"maybe\",\"labels\":{}}]}"))).getMessage());
    assertEquals("alerts[0].labels.severity: must be a string", assertThrows(BadPayloadException.class,
        () -> AlertmanagerPayload.alerts(JSON.readTree("{\"alerts\":[{\"status\":\"firing\",\"labels\":"
            + "{\"alertname\":\"A\",\"severity\":3}}]}"))).getMessage());
    assertTrue(assertThrows(BadPayloadException.class, () -> AlertmanagerPayload.alerts(
        JSON.readTree("{\"version\":\"3\",\"alerts\":[]}"))).getMessage().startsWith("version: payload version 3"));
  }

  @Test
  void theFingerprintIsOfTheNameAndTheSortedLabelsOrOfTheNamedLabels() {
    Map<String, String> labels = new java.util.LinkedHashMap<>();
    labels.put("instance", "db-1");
    labels.put("severity", "critical");
    Map<String, String> reversed = new java.util.LinkedHashMap<>();
    reversed.put("severity", "critical");
    reversed.put("instance", "db-1");
    String fp = Fingerprints.ofAlert("DiskFull", labels, List.of());
    assertEquals(fp, Fingerprints.ofAlert("DiskFull", reversed, List.of()), "label order does not matter");
    assertEquals(64, fp.length(), "SHA-256 hex");
    assertNotEquals(fp, Fingerprints.ofAlert("DiskFull", Map.of("instance", "db-2", "severity", "critical"),
        List.of()));
    assertNotEquals(fp, Fingerprints.ofAlert("DiskFul", Map.of("linstance", "db-1", "severity", "critical"),
        List.of()), "parts are length-prefixed: shifting text between them changes the fingerprint");
    assertEquals(Fingerprints.ofAlert("DiskFull", Map.of("instance", "db-1", "pod", "a"), List.of("instance")),
        Fingerprints.ofAlert("Other", Map.of("instance", "db-1", "pod", "b"), List.of("instance")),
        "named labels only");
  }

  @Test
  void filtersTakeStatusLabelEqualityAndRegexAndParametersComeFromLabelsAndAnnotations() throws Exception {
    TriggerDefinition def = definition(ALERTMANAGER);
    var matched = assertInstanceOf(TriggerRules.Matched.class, TriggerRules.evaluate(def, alert("firing",
        Map.of("alertname", "DiskFull", "severity", "critical", "instance", "db-1"), Map.of("summary", "92% full"))));
    assertEquals(Map.of("host", "db-1", "why", "because 92% full (DiskFull, )"), matched.parameters());
    assertEquals(Fingerprints.ofAlert("DiskFull", Map.of("alertname", "DiskFull", "severity", "critical",
        "instance", "db-1"), List.of()), matched.fingerprint());

    assertEquals("status", ((TriggerRules.Filtered) TriggerRules.evaluate(def, alert("resolved",
        Map.of("alertname", "DiskFull", "severity", "critical"), Map.of()))).filter());
    var warning = (TriggerRules.Filtered) TriggerRules.evaluate(def, alert("firing",
        Map.of("alertname", "DiskFull", "severity", "warning"), Map.of()));
    assertEquals("labels", warning.filter());
    assertEquals("alert DiskFull has severity=warning, the trigger takes severity=critical", warning.message());
    assertEquals("labelsMatch", ((TriggerRules.Filtered) TriggerRules.evaluate(def, alert("firing",
        Map.of("alertname", "CpuHigh", "severity", "critical"), Map.of()))).filter());
  }

  static final String WEBHOOK = "  source: webhook\n  auth: {bearerTokenSecretRef: {name: hook-token, key: t}}\n"
      + "  filters: {expression: \"body.event == 'push' && body.ref.startsWith('refs/heads/')\"}\n"
      + "  dedup: {window: 10m, fingerprintExpression: 'body.commit'}\n"
      + "  rateLimit: {flows: 3, period: 1h}\n"
      + "  flow:\n    templateRef: {name: build}\n    parameters:\n"
      + "      - {name: commit, expression: 'body.commit'}\n"
      + "      - {name: size, expression: 'body.files.size()'}\n"
      + "      - {name: fixed, value: 'yes'}\n";

  @Test
  void aWebhookIsFilteredAndReadWithCelOverTheBody() throws Exception {
    TriggerDefinition def = definition(WEBHOOK);
    assertEquals(java.time.Duration.ofMinutes(10), def.window());
    assertEquals(3, def.rateLimitFlows());
    assertEquals("t", def.secretKey());
    var push = assertInstanceOf(TriggerRules.Matched.class, TriggerRules.evaluate(def, Alert.document(JSON.readTree(
        "{\"event\":\"push\",\"ref\":\"refs/heads/main\",\"commit\":\"abc123\",\"files\":[\"a\",\"b\"]}"))));
    assertEquals(Map.of("commit", "abc123", "size", "2", "fixed", "yes"), push.parameters());
    assertEquals(Fingerprints.ofText("abc123"), push.fingerprint());
    assertEquals("expression", ((TriggerRules.Filtered) TriggerRules.evaluate(def, Alert.document(JSON.readTree(
        "{\"event\":\"tag\",\"ref\":\"refs/tags/v1\",\"commit\":\"abc123\",\"files\":[]}")))).filter());
    var unreadable = assertInstanceOf(TriggerRules.Unreadable.class, TriggerRules.evaluate(def,
        Alert.document(JSON.readTree("{\"event\":\"push\",\"ref\":\"refs/heads/x\",\"files\":[]}"))));
    assertTrue(unreadable.message().contains("body.commit"), unreadable.message());
  }

  @Test
  void withoutAFingerprintExpressionTheWholeDocumentIsTheFingerprintWhateverItsKeyOrder() throws Exception {
    assertEquals(Fingerprints.ofDocument(JSON.readTree("{\"a\":1,\"b\":{\"c\":[1,2],\"d\":null}}")),
        Fingerprints.ofDocument(JSON.readTree("{\"b\":{\"d\":null,\"c\":[1,2]},\"a\":1}")));
    assertNotEquals(Fingerprints.ofDocument(JSON.readTree("{\"a\":1}")),
        Fingerprints.ofDocument(JSON.readTree("{\"a\":\"1\"}")));
  }

  @Test
  void theValidatorNamesEveryProblemWithItsPath() throws Exception {
    List<String> problems = new TriggerValidator().validate(trigger("  source: alertmanager\n  auth: {}\n"
        + "  filters: {status: sometimes, labelsMatch: {instance: '(db'}, expression: 'true'}\n"
        + "  dedup: {window: forever, fingerprintExpression: body.x}\n  rateLimit: {flows: 0, period: 2d}\n"
        + "  flow:\n    parameters:\n      - {name: host, value: '{{alert.label.instance}}'}\n"
        + "      - {name: host, expression: 'body.x +'}\n")).stream().map(Problem::path).toList();
    assertEquals(List.of("spec.auth.bearerTokenSecretRef.name", "spec.filters.status",
        "spec.filters.labelsMatch.instance", "spec.filters.expression", "spec.dedup.window",
        "spec.dedup.fingerprintExpression", "spec.rateLimit.flows", "spec.rateLimit.period",
        "spec.flow.templateRef.name", "spec.flow.parameters[0].value", "spec.flow.parameters[1].name",
        "spec.flow.parameters[1].expression", "spec.flow.parameters[1].expression"), problems);
  }

  @Test
  void flowNamesFitJobFlowsLimitAndCarryTheFingerprint() {
    String fp = Fingerprints.ofText("x");
    String name = TriggeredFlows.name("a-very-long-trigger-name-indeed", fp, 123456789);
    assertTrue(name.length() <= TriggeredFlows.MAX_NAME, name);
    assertTrue(name.contains("-" + fp.substring(0, 8) + "-"), name);
    assertEquals("disk-" + fp.substring(0, 8) + "-1", TriggeredFlows.name("disk", fp, 1));
    assertEquals("abcdefghijkl-" + fp.substring(0, 8) + "-2", TriggeredFlows.name("abcdefghijkl-mn", fp, 2),
        "no trailing dash where the trigger's name is cut");
  }

  @Test
  void theTriggerExamplesAreValid() throws Exception {
    java.nio.file.Path dir = java.nio.file.Path.of(System.getProperty("jobflow.project.dir", "."), "examples/triggers");
    int triggers = 0;
    for (String file : List.of("disk-cleanup.yaml", "webhook-build.yaml")) {
      for (String doc : java.nio.file.Files.readString(dir.resolve(file)).split("(?m)^---$")) {
        if (doc.contains("kind: JobFlowTrigger")) {
          assertEquals(List.of(), new TriggerValidator().validate(new YAMLMapper().readValue(doc,
              JobFlowTrigger.class)), file);
          triggers++;
        }
      }
    }
    assertEquals(2, triggers);
  }
}
