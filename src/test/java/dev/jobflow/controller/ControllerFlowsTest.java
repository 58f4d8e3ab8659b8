package dev.jobflow.controller;

import static dev.jobflow.controller.ControllerHarness.flow;
import static dev.jobflow.controller.ControllerHarness.step;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jobflow.api.FlowPhase;
import dev.jobflow.api.JobFlow;
import dev.jobflow.api.StepPhase;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Flows run end to end through the real controller, the fabric8 client and the API-server emulator. */
class ControllerFlowsTest {
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

  @Test
  void diamondSucceedsInDependencyOrderWithLabelledOwnedJobs() throws Exception {
    harness.submit(flow("diamond", "",
        step("a", List.of(), "100ms", "Succeeded")
            + step("b", List.of("a"), "200ms", "Succeeded")
            + step("c", List.of("a"), "100ms", "Succeeded")
            + step("d", List.of("b", "c"), "100ms", "Succeeded"), null));
    JobFlow done = harness.awaitPhase("diamond", FlowPhase.Succeeded);
    assertEquals("4/4", done.getStatus().getProgress());
    assertNotNull(done.getStatus().getFinishedAt());
    assertTrue(done.getStatus().getConditions().stream()
        .anyMatch(c -> c.getType().equals("Ready") && c.getStatus().equals("True")));
    Map<String, Job> jobs = harness.jobs("diamond");
    assertEquals(List.of("diamond-a-1", "diamond-b-1", "diamond-c-1", "diamond-d-1"), jobs.keySet().stream().sorted().toList());
    Job d = jobs.get("diamond-d-1");
    assertEquals(done.getMetadata().getUid(), d.getMetadata().getOwnerReferences().get(0).getUid());
    assertEquals("d", d.getMetadata().getLabels().get("jobflow.dev/step"));
    assertEquals("echo hello", d.getSpec().getTemplate().getSpec().getContainers().get(0).getCommand().get(2));
    // d started only after both b and c had finished
    var bDone = jobs.get("diamond-b-1").getStatus().getCompletionTime();
    var dStart = d.getMetadata().getCreationTimestamp();
    assertTrue(dStart.compareTo(bDone) >= 0, "d created " + dStart + " before b completed " + bDone);
    // The finalizer is added beside the run (its own API call), so a quick flow may finish before it lands.
    harness.await("diamond", f -> f.getMetadata().getFinalizers().contains("jobflow.dev/journal"), Duration.ofSeconds(30));
  }

  @Test
  void aFinishedFlowThatLostItsFinalizerGetsItBack() throws Exception {
    harness.submit(flow("unguarded", "", step("a", List.of(), "50ms", "Succeeded"), null));
    harness.awaitPhase("unguarded", FlowPhase.Succeeded);
    harness.await("unguarded", f -> f.getMetadata().getFinalizers().contains("jobflow.dev/journal"),
        Duration.ofSeconds(30));
    // As when the first patch lost a race with a status write: the flow is settled, and its status is current.
    harness.client().resources(JobFlow.class).inNamespace("default").withName("unguarded")
        .edit(f -> {
          f.getMetadata().setFinalizers(List.of());
          return f;
        });
    harness.await("unguarded", f -> f.getMetadata().getFinalizers().contains("jobflow.dev/journal"),
        Duration.ofSeconds(30));
  }

  @Test
  void retriesUntilAnAttemptSucceeds() throws Exception {
    harness.submit(flow("retry", "",
        step("flaky", List.of(), "50ms", "Failed,Failed,Succeeded",
            "      retries: {limit: 3, backoff: {duration: 100ms, factor: 2}}\n"), null));
    JobFlow done = harness.awaitPhase("retry", FlowPhase.Succeeded);
    assertEquals(3, done.getStatus().getSteps().get("flaky").getAttempts());
    assertEquals(List.of("retry-flaky-1", "retry-flaky-2", "retry-flaky-3"),
        harness.jobs("retry").keySet().stream().sorted().toList());
  }

  @Test
  void failFastFailsTheFlowAndStartsNothingNew() throws Exception {
    harness.submit(flow("failfast", "",
        step("bad", List.of(), "50ms", "Failed")
            + step("after", List.of("bad"), "50ms", "Succeeded"), null));
    JobFlow done = harness.awaitPhase("failfast", FlowPhase.Failed);
    assertEquals(StepPhase.Failed, done.getStatus().getSteps().get("bad").getPhase());
    assertEquals("BackoffLimitExceeded", done.getStatus().getSteps().get("bad").getReason());
    assertEquals(StepPhase.Skipped, done.getStatus().getSteps().get("after").getPhase());
    assertEquals(List.of("failfast-bad-1"), harness.jobs("failfast").keySet().stream().toList());
  }

  @Test
  void aForeignJobWithTheAttemptsNameFailsTheStepAndIsLeftAlone() throws Exception {
    Job foreign = new io.fabric8.kubernetes.api.model.batch.v1.JobBuilder().withNewMetadata()
        .withName("conflict-a-1").withNamespace("default").addToLabels("team", "someone-else").endMetadata()
        .withNewSpec().withNewTemplate().withNewSpec().withRestartPolicy("Never")
        .addNewContainer().withName("main").withImage("busybox").endContainer().endSpec().endTemplate().endSpec()
        .build();
    String foreignUid = harness.client().batch().v1().jobs().inNamespace("default").resource(foreign).create()
        .getMetadata().getUid();
    harness.submit(flow("conflict", "", step("a", List.of(), "50ms", "Succeeded"), null));
    JobFlow done = harness.awaitPhase("conflict", FlowPhase.Failed);
    assertEquals("JobConflict", done.getStatus().getSteps().get("a").getReason());
    assertTrue(done.getStatus().getSteps().get("a").getMessage().contains("conflict-a-1"),
        done.getStatus().getSteps().get("a").getMessage());
    assertEquals(foreignUid, harness.client().batch().v1().jobs().inNamespace("default").withName("conflict-a-1").get()
        .getMetadata().getUid(), "the foreign Job is neither adopted nor replaced");
  }

  @Test
  void aJobDeletedBySomeoneElseFailsItsAttempt() throws Exception {
    harness.submit(flow("vanished", "", step("a", List.of(), "60s", "Succeeded"), null));
    harness.await("vanished", f -> f.getStatus() != null && f.getStatus().getSteps() != null
        && f.getStatus().getSteps().get("a") != null && f.getStatus().getSteps().get("a").getPhase() == StepPhase.Running,
        java.time.Duration.ofSeconds(30));
    // Running is recorded when the attempt starts, a moment before its Job is created: a delete sent before the
    // Job exists deletes nothing (and then the Job appears and runs its 60s). Delete the Job once it exists.
    harness.client().batch().v1().jobs().inNamespace("default").withName("vanished-a-1")
        .waitUntilCondition(j -> j != null, 20, java.util.concurrent.TimeUnit.SECONDS);
    // As `kubectl delete job` does it: background propagation.
    assertEquals(1, harness.client().batch().v1().jobs().inNamespace("default").withName("vanished-a-1")
        .withPropagationPolicy(io.fabric8.kubernetes.api.model.DeletionPropagation.BACKGROUND).delete().size(),
        "the Job was deleted");
    harness.client().batch().v1().jobs().inNamespace("default").withName("vanished-a-1")
        .waitUntilCondition(j -> j == null, 20, java.util.concurrent.TimeUnit.SECONDS);
    JobFlow done = harness.awaitPhase("vanished", FlowPhase.Failed);
    assertEquals("JobDeleted", done.getStatus().getSteps().get("a").getReason());
  }

  @Test
  void invalidFlowIsRefusedWithEveryProblemAndNoJob() throws Exception {
    harness.submit(flow("invalid", "",
        step("x", List.of("y"), "50ms", "Succeeded") + step("y", List.of("x"), "50ms", "Succeeded"), null));
    JobFlow done = harness.awaitPhase("invalid", FlowPhase.Failed);
    assertTrue(done.getStatus().getMessage().contains("cycle"), done.getStatus().getMessage());
    assertTrue(harness.jobs("invalid").isEmpty());
  }
}
