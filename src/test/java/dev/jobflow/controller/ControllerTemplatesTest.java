package dev.jobflow.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.jobflow.api.FlowPhase;
import dev.jobflow.api.JobFlow;
import dev.jobflow.api.JobFlowTemplate;
import dev.jobflow.audit.FlowHistory;
import dev.jobflow.audit.TimelineEntry;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Flows run from JobFlowTemplates through the real controller: resolved at acceptance, recorded with their source. */
class ControllerTemplatesTest {
  @TempDir
  static Path dir;
  static ControllerHarness harness;

  static String template(String name, String echo) {
    return "apiVersion: jobflow.dev/v1alpha1\nkind: JobFlowTemplate\nmetadata: {name: " + name + ", namespace: default}\n"
        + "spec:\n  parameters: [{name: date}, {name: greeting, default: hello}]\n  steps:\n"
        + ControllerHarness.step("extract", List.of(), "100ms", "Succeeded").replace("echo {{params.greeting}}",
            echo)
        + ControllerHarness.step("load", List.of("extract"), "100ms", "Succeeded");
  }

  static String flow(String name, String template) {
    return "apiVersion: jobflow.dev/v1alpha1\nkind: JobFlow\nmetadata: {name: " + name + ", namespace: default}\n"
        + "spec:\n  templateRef: {name: " + template + "}\n  parameters: [{name: date, value: '2026-11-23'}]\n";
  }

  @BeforeAll
  static void start() throws Exception {
    harness = new ControllerHarness(dir);
  }

  @AfterAll
  static void stop() {
    harness.close();
  }

  static JobFlowTemplate create(String yaml) throws Exception {
    return harness.client().resources(JobFlowTemplate.class).inNamespace("default")
        .resource(new YAMLMapper().readValue(yaml, JobFlowTemplate.class)).create();
  }

  @Test
  void aFlowRunsItsTemplatesStepsWithItsParametersAndTheJournalSaysWhichTemplateVersion() throws Exception {
    JobFlowTemplate t = create(template("nightly", "echo {{params.date}} {{params.greeting}}"));
    harness.submit(flow("nightly-today", "nightly"));
    JobFlow done = harness.awaitPhase("nightly-today", FlowPhase.Succeeded);
    assertEquals("2/2", done.getStatus().getProgress());
    Job extract = harness.jobs("nightly-today").get("nightly-today-extract-1");
    assertEquals("echo 2026-11-23 hello", extract.getSpec().getTemplate().getSpec().getContainers().get(0).getCommand().get(2));

    TimelineEntry accepted = acceptedEvent("nightly-today");
    assertTrue(accepted.detail().contains("template=nightly templateUid=" + t.getMetadata().getUid()
        + " templateResourceVersion=" + t.getMetadata().getResourceVersion()), accepted.detail());
    assertTrue(accepted.detail().contains("steps=extract,load"), accepted.detail());
  }

  @Test
  void editingOrDeletingTheTemplateLaterNeverChangesAStartedFlow() throws Exception {
    create(template("slow", "echo {{params.date}}").replace("\"100ms\"", "\"3s\""));
    harness.submit(flow("slow-today", "slow"));
    harness.await("slow-today", f -> f.getStatus() != null && f.getStatus().getPhase() == FlowPhase.Running,
        java.time.Duration.ofSeconds(30));
    // Changed, then gone, while the flow runs; then the flow is suspended and resumed (new generations).
    JobFlowTemplate edited = harness.client().resources(JobFlowTemplate.class).inNamespace("default").withName("slow").get();
    edited.getSpec().getSteps().remove(1);
    harness.client().resource(edited).update();
    harness.client().resources(JobFlowTemplate.class).inNamespace("default").withName("slow").delete();
    harness.client().resources(JobFlowTemplate.class).inNamespace("default").withName("slow")
        .waitUntilCondition(java.util.Objects::isNull, 10, TimeUnit.SECONDS);
    harness.client().resources(JobFlow.class).inNamespace("default").withName("slow-today")
        .edit(f -> { f.getSpec().setParallelism(1); return f; });
    JobFlow done = harness.awaitPhase("slow-today", FlowPhase.Succeeded);
    assertEquals("2/2", done.getStatus().getProgress(), "both steps of the template as accepted ran");
    assertEquals(2, harness.jobs("slow-today").size());
  }

  @Test
  void aTemplateGoneBeforeAcceptanceFailsTheFlowWithTemplateNotFound() throws Exception {
    // No webhook in this harness: the flow reaches the controller, which finds no template.
    harness.submit(flow("orphan", "never-created"));
    JobFlow failed = harness.awaitPhase("orphan", FlowPhase.Failed);
    assertTrue(failed.getStatus().getConditions().stream().anyMatch(c -> c.getType().equals("Failed")
        && c.getReason().equals("TemplateNotFound")), failed.getStatus().getConditions().toString());
    assertEquals(0, harness.jobs("orphan").size());
    assertTrue(acceptedEvent("orphan").detail().contains("template=never-created (not found)"));
  }

  @Test
  void aMissingRequiredParameterAtAcceptanceIsAnInvalidSpec() throws Exception {
    create(template("needs-date", "echo {{params.date}}"));
    harness.submit("apiVersion: jobflow.dev/v1alpha1\nkind: JobFlow\nmetadata: {name: no-date, namespace: default}\n"
        + "spec:\n  templateRef: {name: needs-date}\n");
    JobFlow failed = harness.awaitPhase("no-date", FlowPhase.Failed);
    assertTrue(failed.getStatus().getMessage().contains("spec.parameters: JobFlowTemplate 'needs-date' requires "
        + "parameter 'date'"), failed.getStatus().getMessage());
  }

  private static TimelineEntry acceptedEvent(String name) throws Exception {
    var timelines = new FlowHistory(harness.controller.system()).history("default", name, null)
        .toCompletableFuture().get(20, TimeUnit.SECONDS);
    return timelines.get(0).events().stream().filter(e -> e.type().equals("FlowAccepted")).findFirst().orElseThrow();
  }
}
