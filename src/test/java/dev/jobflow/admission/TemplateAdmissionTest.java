package dev.jobflow.admission;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.jobflow.admission.WebhookClient.Answer;
import dev.jobflow.api.JobFlowTemplate;
import dev.jobflow.emulator.Emulator;
import dev.jobflow.emulator.EmulatorOptions;
import dev.jobflow.http.TestCertificates;
import dev.jobflow.http.TestCertificates.Issued;
import dev.jobflow.http.TestCertificates.KeyFormat;
import dev.jobflow.template.ClusterTemplates;
import dev.jobflow.validation.JobFlowValidator;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The webhook on templates, flows that name one, and schedules, reading JobFlowTemplates from a real API server
 * (the emulator): missing templates and parameters, bad schedules and unknown zones are refused with field paths.
 */
class TemplateAdmissionTest {
  @TempDir static Path dir;
  static ActorTestKit kit;
  static Emulator emulator;
  static WebhookClient webhook;
  static final YAMLMapper YAML = new YAMLMapper();

  static final String TEMPLATE = """
      apiVersion: jobflow.dev/v1alpha1
      kind: JobFlowTemplate
      metadata: {name: nightly-etl, namespace: data}
      spec:
        parameters: [{name: date}, {name: region, default: eu}]
        steps:
          - name: extract
            template:
              template:
                spec:
                  restartPolicy: Never
                  containers: [{name: main, image: busybox, command: [sh, -c, "echo {{params.date}} {{params.region}}"]}]
      """;

  @BeforeAll
  static void start() throws Exception {
    kit = ActorTestKit.create("template-admission");
    emulator = Emulator.start(EmulatorOptions.defaults().withExecutor(EmulatorOptions.ExecutorKind.NONE)
        .withDataDir(dir.resolve("emulator")));
    emulator.client().namespaces().resource(new io.fabric8.kubernetes.api.model.NamespaceBuilder().withNewMetadata()
        .withName("data").endMetadata().build()).create();
    emulator.client().resources(JobFlowTemplate.class).inNamespace("data")
        .resource(YAML.readValue(TEMPLATE, JobFlowTemplate.class)).create();
    Issued cert = TestCertificates.ec("jobflow-webhook.jobflow-system.svc");
    Path[] files = cert.writeTo(dir, KeyFormat.TRADITIONAL);
    AdmissionServer server = AdmissionServer.start(kit.system(), AdmissionSettings.of("127.0.0.1", 0, files[0], files[1]),
        new JobFlowValidator(), new ClusterTemplates(emulator.client()), AdmissionObserver.NONE)
        .toCompletableFuture().get();
    webhook = new WebhookClient(cert.httpClient(), server.port());
  }

  @AfterAll
  static void stop() {
    kit.shutdownTestKit();
    emulator.close();
  }

  static ObjectNode review(String yaml, String kind, String resource) throws Exception {
    ObjectNode object = (ObjectNode) YAML.readTree(yaml);
    ObjectNode review = Reviews.create(object);
    ObjectNode request = Reviews.request(review);
    request.withObjectProperty("kind").put("kind", kind);
    request.withObjectProperty("resource").put("resource", resource);
    request.put("name", object.path("metadata").path("name").asText());
    return review;
  }

  static ObjectNode flowReview(String spec) throws Exception {
    return review("apiVersion: jobflow.dev/v1alpha1\nkind: JobFlow\nmetadata: {name: etl-today, namespace: data}\n"
        + "spec:\n" + spec, "JobFlow", "jobflows");
  }

  static ObjectNode scheduleReview(String spec) throws Exception {
    return review("apiVersion: jobflow.dev/v1alpha1\nkind: CronJobFlow\nmetadata: {name: nightly, namespace: data}\n"
        + "spec:\n" + spec, "CronJobFlow", "cronjobflows");
  }

  static String denial(ObjectNode review) throws Exception {
    Answer answer = webhook.post("/validate", review);
    assertEquals(200, answer.status(), answer.body());
    assertFalse(answer.allowed(), "expected a denial: " + answer.body());
    return answer.response().path("status").path("message").asText();
  }

  static void assertAllowed(ObjectNode review) throws Exception {
    Answer answer = webhook.post("/validate", review);
    assertTrue(answer.allowed(), answer.body());
  }

  @Test
  void aFlowNamingAnExistingTemplateWithItsParametersIsAdmitted() throws Exception {
    assertAllowed(flowReview("  templateRef: {name: nightly-etl}\n  parameters: [{name: date, value: '2026-11-23'}]\n"));
  }

  @Test
  void aMissingTemplateIsRefusedWithTheFieldPath() throws Exception {
    String message = denial(flowReview("  templateRef: {name: nightly-elt}\n"));
    assertTrue(message.contains("spec.templateRef.name: no JobFlowTemplate 'nightly-elt' in namespace 'data'"), message);
  }

  @Test
  void aMissingRequiredParameterAndAnUndeclaredOneAreRefusedWithTheirPaths() throws Exception {
    String message = denial(flowReview("  templateRef: {name: nightly-etl}\n  parameters: [{name: regoin, value: us}]\n"));
    assertTrue(message.contains("spec.parameters: JobFlowTemplate 'nightly-etl' requires parameter 'date'"), message);
    assertTrue(message.contains("spec.parameters[0].name: JobFlowTemplate 'nightly-etl' has no parameter 'regoin'"),
        message);
  }

  @Test
  void aTemplateWithACycleIsRefusedWhenApplied() throws Exception {
    String message = denial(review("""
        apiVersion: jobflow.dev/v1alpha1
        kind: JobFlowTemplate
        metadata: {name: loop, namespace: data}
        spec:
          steps:
            - {name: a, dependsOn: [b], template: {template: {spec: {containers: [{name: m, image: busybox}]}}}}
            - {name: b, dependsOn: [a], template: {template: {spec: {containers: [{name: m, image: busybox}]}}}}
        """, "JobFlowTemplate", "jobflowtemplates"));
    assertTrue(message.startsWith("JobFlowTemplate data/loop is not valid"), message);
    assertTrue(message.contains("spec.steps[0].dependsOn[0]: dependency cycle: a -> b -> a"), message);
  }

  @Test
  void badSchedulesAndUnknownZonesAreRefusedWithTheirPaths() throws Exception {
    String message = denial(scheduleReview("  schedule: '*/5 * * *'\n  timeZone: Mars/Olympus\n"
        + "  flowSpec: {templateRef: {name: nightly-etl}, parameters: [{name: date, value: x}]}\n"));
    assertTrue(message.contains("spec.schedule: '*/5 * * *' is not a cron schedule"), message);
    assertTrue(message.contains("spec.timeZone: unknown time zone 'Mars/Olympus'"), message);
  }

  @Test
  void aScheduleNamingAMissingTemplateOrOmittingAParameterIsRefused() throws Exception {
    String missing = denial(scheduleReview("  schedule: '@daily'\n  flowSpec: {templateRef: {name: nope}}\n"));
    assertTrue(missing.contains("spec.flowSpec.templateRef.name: no JobFlowTemplate 'nope' in namespace 'data'"),
        missing);
    String parameter = denial(scheduleReview("  schedule: '@daily'\n  flowSpec: {templateRef: {name: nightly-etl}}\n"));
    assertTrue(parameter.contains("spec.flowSpec.parameters: JobFlowTemplate 'nightly-etl' requires parameter 'date'"),
        parameter);
    assertAllowed(scheduleReview("  schedule: '30 2 * * *'\n  timeZone: Europe/Berlin\n"
        + "  flowSpec: {templateRef: {name: nightly-etl}, parameters: [{name: date, value: x}]}\n"));
  }

  @Test
  void aStartedFlowWhoseTemplateIsGoneCanStillBeSuspended() throws Exception {
    ObjectNode before = (ObjectNode) YAML.readTree("apiVersion: jobflow.dev/v1alpha1\nkind: JobFlow\n"
        + "metadata: {name: old-run, namespace: data}\nspec: {templateRef: {name: deleted-since}}\n"
        + "status: {phase: Running}\n");
    ObjectNode after = before.deepCopy();
    Reviews.spec(after).put("suspend", true);
    assertTrue(webhook.post("/validate", Reviews.update(before, after)).allowed());
  }

  @Test
  void aScheduleWhoseTemplateIsGoneCanStillBeSuspendedButNotPointedAtAnotherMissingOne() throws Exception {
    ObjectNode before = (ObjectNode) Reviews.request(scheduleReview("  schedule: '@daily'\n"
        + "  flowSpec: {templateRef: {name: deleted-since}}\n")).get("object");
    ObjectNode suspended = before.deepCopy();
    Reviews.spec(suspended).put("suspend", true);
    assertTrue(webhook.post("/validate", Reviews.update(before, suspended)).allowed());
    ObjectNode repointed = before.deepCopy();
    ((ObjectNode) Reviews.spec(repointed).at("/flowSpec/templateRef")).put("name", "also-missing");
    assertFalse(webhook.post("/validate", Reviews.update(before, repointed)).allowed());
  }

  @Test
  void mutatingGivesSchedulesCronJobsDefaultsAndLeavesATemplatedFlowsFailurePolicyToItsTemplate() throws Exception {
    ObjectNode schedule = scheduleReview("  schedule: '@daily'\n  flowSpec: {templateRef: {name: nightly-etl}}\n");
    JsonNode patched = Reviews.applyPatch((ObjectNode) Reviews.request(schedule).get("object"),
        webhook.post("/mutate", schedule).patch()).get("spec");
    assertEquals("Allow", patched.path("concurrencyPolicy").asText());
    assertEquals(3, patched.path("successfulFlowsHistoryLimit").asInt());
    assertEquals(1, patched.path("failedFlowsHistoryLimit").asInt());
    assertFalse(patched.path("suspend").asBoolean(true));
    assertEquals(86400, patched.path("flowSpec").path("ttlSecondsAfterFinished").asInt());
    assertTrue(patched.path("flowSpec").path("failurePolicy").isMissingNode(), patched.toString());
  }
}
