package dev.jobflow.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jobflow.api.FlowPhase;
import dev.jobflow.api.JobFlow;
import dev.jobflow.api.StepPhase;
import dev.jobflow.dag.Reasons;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Conditions through the whole controller against the emulator: outputs a container wrote to its termination
 * message, read from the real Pod status, substituted into a later template, branched on by {@code when} and
 * {@code depends}, recorded in the journal ({@code jobflow audit}) and the status; bad outputs fail the step; a
 * restart mid-flow keeps the branch.
 */
class ConditionsControllerTest {
  static final ObjectMapper JSON = new ObjectMapper();
  @TempDir
  static Path dir;
  static ControllerHarness harness;

  @BeforeAll
  static void start() throws Exception {
    harness = new ControllerHarness(dir);
  }

  @AfterAll
  static void stop() {
    harness.close();
  }

  /** A simulated step: its Job runs {@code duration}, and a succeeded attempt writes {@code outputs} (or nothing). */
  static String step(String name, String fields, String duration, String outputs, String command) {
    return "    - name: " + name + "\n" + fields
        + "      template:\n"
        + "        backoffLimit: 0\n"
        + "        template:\n"
        + "          metadata:\n"
        + "            annotations: {sim.jobflow.dev/duration: \"" + duration + "\""
        + (outputs == null ? "" : ", sim.jobflow.dev/outputs: '" + outputs + "'") + "}\n"
        + "          spec:\n"
        + "            restartPolicy: Never\n"
        + "            containers: [{name: main, image: busybox, command: [sh, -c, \"" + command + "\"]}]\n";
  }

  static String branching(String name, String extractDuration, String trainDuration) {
    return "apiVersion: jobflow.dev/v1alpha1\nkind: JobFlow\nmetadata: {name: " + name + ", namespace: default}\n"
        + "spec:\n  parameters: [{name: env, default: prod}]\n  steps:\n"
        + step("extract", "", extractDuration, "{\"rows\":\"1200\",\"table\":\"t_2026\"}", "extract")
        + step("train", "      dependsOn: [extract]\n"
            + "      when: \"int(steps.extract.outputs.rows) > 1000 && params.env == 'prod'\"\n",
            trainDuration, null, "train --table={{steps.extract.outputs.table}} --rows={{steps.extract.outputs.rows}}")
        + step("tiny", "      dependsOn: [extract]\n      when: \"int(steps.extract.outputs.rows) < 10\"\n",
            "50ms", null, "tiny")
        + step("report-failure", "      depends: \"train.Failed || extract.Failed\"\n", "50ms", null,
            "echo train {{steps.train.phase}}");
  }

  @Test
  void outputsAreReadFromThePodSubstitutedDownstreamBranchedOnAndAudited() throws Exception {
    harness.submit(branching("branch", "200ms", "50ms"));
    JobFlow done = harness.awaitPhase("branch", FlowPhase.Succeeded);
    var steps = done.getStatus().getSteps();
    assertEquals(Map.of("rows", "1200", "table", "t_2026"), steps.get("extract").getOutputs(), "outputs in the status");
    assertEquals(StepPhase.Succeeded, steps.get("train").getPhase());
    assertEquals(StepPhase.Skipped, steps.get("tiny").getPhase());
    assertEquals(Reasons.WHEN_FALSE, steps.get("tiny").getReason());
    assertEquals(StepPhase.Skipped, steps.get("report-failure").getPhase());
    assertEquals(Reasons.DEPENDS_FALSE, steps.get("report-failure").getReason());

    // Read from the real Pod's status: the container's terminated state carries the termination message.
    List<Pod> pods = harness.client().pods().inNamespace("default").withLabel("job-name", "branch-extract-1").list()
        .getItems();
    assertEquals(1, pods.size());
    assertEquals("{\"rows\":\"1200\",\"table\":\"t_2026\"}",
        pods.get(0).getStatus().getContainerStatuses().get(0).getState().getTerminated().getMessage());
    // Substituted into the later step's Job.
    Map<String, Job> jobs = harness.jobs("branch");
    assertEquals("train --table=t_2026 --rows=1200",
        jobs.get("branch-train-1").getSpec().getTemplate().getSpec().getContainers().get(0).getCommand().get(2));
    assertEquals(List.of("branch-extract-1", "branch-train-1"), jobs.keySet().stream().sorted().toList(),
        "the skipped steps got no Job");

    // The audit trail shows the outputs and the verdicts.
    AuditCli audit = AuditCli.run(harness.journalDir, "default/branch", "-o", "json");
    assertEquals(0, audit.exit(), audit.toString());
    List<String> seen = new ArrayList<>();
    for (JsonNode e : JSON.readTree(audit.out()).path("flows").get(0).path("events")) {
      seen.add(e.path("type").asText() + " " + e.path("step").asText("-") + " " + e.path("reason").asText("")
          + " " + e.path("detail").asText(""));
    }
    assertTrue(seen.stream().anyMatch(s -> s.startsWith("StepSucceeded extract") && s.contains("outputs={rows=1200, table=t_2026}")),
        String.join("\n", seen));
    assertTrue(seen.stream().anyMatch(s -> s.startsWith("StepConditionEvaluated train") && s.contains("result=true")),
        String.join("\n", seen));
    assertTrue(seen.stream().anyMatch(s -> s.startsWith("StepSkipped tiny WhenFalse")), String.join("\n", seen));
    assertTrue(seen.stream().anyMatch(s -> s.startsWith("StepSkipped report-failure DependsFalse")), String.join("\n", seen));
    AuditCli verify = AuditCli.run(harness.journalDir, "--verify", "default/branch");
    assertEquals(0, verify.exit(), verify.toString());
  }

  @Test
  void aTerminationMessageThatIsNotAJsonObjectOfStringsFailsTheStepWithBadOutputs() throws Exception {
    harness.submit("apiVersion: jobflow.dev/v1alpha1\nkind: JobFlow\nmetadata: {name: badout, namespace: default}\n"
        + "spec:\n  steps:\n"
        + step("extract", "", "50ms", "{\"rows\": 1200}", "extract")
        + step("train", "      dependsOn: [extract]\n      when: \"steps.extract.outputs.rows != '0'\"\n", "50ms", null,
            "train"));
    JobFlow done = harness.awaitPhase("badout", FlowPhase.Failed);
    var extract = done.getStatus().getSteps().get("extract");
    assertEquals(StepPhase.Failed, extract.getPhase());
    assertEquals(Reasons.BAD_OUTPUTS, extract.getReason());
    assertTrue(extract.getMessage().contains("output 'rows' of container main of pod badout-extract-1-"), extract.getMessage());
    assertTrue(extract.getMessage().contains("is number, not a string"), extract.getMessage());
    assertEquals(StepPhase.Skipped, done.getStatus().getSteps().get("train").getPhase());
  }

  @Test
  void aRestartAfterTheVerdictKeepsTheBranchAndEvaluatesNothingAgain() throws Exception {
    harness.submit(branching("restarted", "100ms", "3s"));
    JobFlow running = harness.await("restarted", f -> f.getStatus() != null && f.getStatus().getSteps() != null
        && f.getStatus().getSteps().get("train") != null
        && f.getStatus().getSteps().get("train").getPhase() == StepPhase.Running, Duration.ofSeconds(30));
    String uid = running.getMetadata().getUid();
    harness.restartController();
    JobFlow done = harness.awaitPhase("restarted", FlowPhase.Succeeded);
    assertNotNull(done.getStatus().getSteps().get("train").getFinishedAt());
    List<String> types = harness.eventTypes(uid);
    assertEquals(1, Collections.frequency(types, "StepConditionEvaluated"), types.toString());
    assertEquals(List.of("restarted-extract-1", "restarted-train-1"),
        harness.jobs("restarted").keySet().stream().sorted().toList(), "the train Job was adopted, not made again");
  }
}
