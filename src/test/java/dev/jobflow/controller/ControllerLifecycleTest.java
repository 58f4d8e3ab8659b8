package dev.jobflow.controller;

import static dev.jobflow.controller.ControllerHarness.flow;
import static dev.jobflow.controller.ControllerHarness.step;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jobflow.api.FlowPhase;
import dev.jobflow.api.JobFlow;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import dev.jobflow.api.StepPhase;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Policies, timeouts, suspension, shutdown, deletion and TTL, through the real controller. */
class ControllerLifecycleTest {
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

  /** Changes the spec as {@code kubectl patch --type merge} does: no resourceVersion, so no conflict with status writes. */
  static JobFlow patchSpec(String name, String specJson) {
    return harness.client().resources(JobFlow.class).inNamespace("default").withName(name)
        .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\": " + specJson + "}");
  }

  @Test
  void continueIndependentRunsUnrelatedBranchesAndSkipsDownstream() throws Exception {
    harness.submit(flow("independent", "  failurePolicy: ContinueIndependent\n",
        step("bad", List.of(), "50ms", "Failed")
            + step("downstream", List.of("bad"), "50ms", "Succeeded")
            + step("other", List.of(), "300ms", "Succeeded")
            + step("other-next", List.of("other"), "50ms", "Succeeded"), null));
    JobFlow done = harness.awaitPhase("independent", FlowPhase.Failed);
    var steps = done.getStatus().getSteps();
    assertEquals(StepPhase.Failed, steps.get("bad").getPhase());
    assertEquals(StepPhase.Skipped, steps.get("downstream").getPhase());
    assertEquals(StepPhase.Succeeded, steps.get("other-next").getPhase());
  }

  @Test
  void finallyRunsAfterAFailureAndItsFailureFailsASucceededFlow() throws Exception {
    harness.submit(flow("finally-after-failure", "",
        step("bad", List.of(), "50ms", "Failed"),
        step("notify", List.of(), "50ms", "Succeeded")));
    JobFlow failed = harness.awaitPhase("finally-after-failure", FlowPhase.Failed);
    assertEquals(StepPhase.Succeeded, failed.getStatus().getSteps().get("notify").getPhase());

    harness.submit(flow("finally-fails", "",
        step("good", List.of(), "50ms", "Succeeded"),
        step("notify", List.of(), "50ms", "Failed")));
    JobFlow done = harness.awaitPhase("finally-fails", FlowPhase.Failed);
    assertEquals(StepPhase.Succeeded, done.getStatus().getSteps().get("good").getPhase());
    assertEquals(StepPhase.Failed, done.getStatus().getSteps().get("notify").getPhase());
  }

  @Test
  void stepTimeoutFailsTheAttemptAndDeletesItsJob() throws Exception {
    harness.submit(flow("step-timeout", "",
        step("slow", List.of(), "60s", "Succeeded", "      timeout: 500ms\n"), null));
    JobFlow done = harness.awaitPhase("step-timeout", FlowPhase.Failed);
    assertEquals("StepTimedOut", done.getStatus().getSteps().get("slow").getReason());
    awaitJobGone("step-timeout-slow-1");
  }

  @Test
  void flowTimeoutFailsTheFlowAndTerminatesRunningJobs() throws Exception {
    harness.submit(flow("flow-timeout", "  timeout: 700ms\n",
        step("slow", List.of(), "60s", "Succeeded"), null));
    JobFlow done = harness.awaitPhase("flow-timeout", FlowPhase.Failed);
    assertTrue(done.getStatus().getConditions().stream().anyMatch(c -> "FlowTimedOut".equals(c.getReason())),
        String.valueOf(done.getStatus().getConditions()));
    awaitJobGone("flow-timeout-slow-1");
  }

  @Test
  void suspendStartsNothingUntilResumed() throws Exception {
    harness.submit(flow("suspended", "  suspend: true\n", step("a", List.of(), "50ms", "Succeeded"), null));
    harness.awaitPhase("suspended", FlowPhase.Suspended);
    Thread.sleep(300);
    assertTrue(harness.jobs("suspended").isEmpty(), "a suspended flow created a Job");
    patchSpec("suspended", "{\"suspend\": false}");
    harness.awaitPhase("suspended", FlowPhase.Succeeded);
  }

  @Test
  void stopLetsRunningStepsFinishRunsFinallyAndEndsCancelled() throws Exception {
    harness.submit(flow("stopped", "",
        step("running", List.of(), "1500ms", "Succeeded") + step("next", List.of("running"), "50ms", "Succeeded"),
        step("cleanup", List.of(), "50ms", "Succeeded")));
    awaitStepPhase("stopped", "running", StepPhase.Running);
    patchSpec("stopped", "{\"shutdown\": \"Stop\"}");
    JobFlow done = harness.awaitPhase("stopped", FlowPhase.Cancelled);
    var steps = done.getStatus().getSteps();
    assertEquals(StepPhase.Succeeded, steps.get("running").getPhase());
    assertEquals(StepPhase.Skipped, steps.get("next").getPhase());
    assertEquals(StepPhase.Succeeded, steps.get("cleanup").getPhase());
  }

  @Test
  void terminateStopsRunningJobsAndSkipsFinally() throws Exception {
    harness.submit(flow("terminated", "",
        step("running", List.of(), "60s", "Succeeded"),
        step("cleanup", List.of(), "50ms", "Succeeded")));
    awaitStepPhase("terminated", "running", StepPhase.Running);
    patchSpec("terminated", "{\"shutdown\": \"Terminate\"}");
    JobFlow done = harness.awaitPhase("terminated", FlowPhase.Cancelled);
    assertEquals(StepPhase.Cancelled, done.getStatus().getSteps().get("running").getPhase());
    assertTrue(done.getStatus().getSteps().get("cleanup") == null
        || done.getStatus().getSteps().get("cleanup").getPhase() == StepPhase.Skipped);
    awaitJobGone("terminated-running-1");
    assertTrue(harness.jobs("terminated").keySet().stream().noneMatch(j -> j.contains("cleanup")));
  }

  @Test
  void deletionWaitsForTheJournalThenJobsAreCollected() throws Exception {
    harness.submit(flow("deleted", "", step("running", List.of(), "60s", "Succeeded"), null));
    awaitStepPhase("deleted", "running", StepPhase.Running);
    harness.client().resources(JobFlow.class).inNamespace("default").withName("deleted").delete();
    harness.client().resources(JobFlow.class).inNamespace("default").withName("deleted")
        .waitUntilCondition(f -> f == null, 30, TimeUnit.SECONDS);
    awaitJobGone("deleted-running-1");
  }

  @Test
  void finishedFlowIsDeletedWhenItsTtlExpires() throws Exception {
    harness.submit(flow("short-lived", "  ttlSecondsAfterFinished: 1\n",
        step("a", List.of(), "50ms", "Succeeded"), null));
    harness.awaitPhase("short-lived", FlowPhase.Succeeded);
    JobFlow gone = harness.client().resources(JobFlow.class).inNamespace("default").withName("short-lived")
        .waitUntilCondition(f -> f == null, 30, TimeUnit.SECONDS);
    assertNull(gone);
  }

  static void awaitStepPhase(String flow, String step, StepPhase phase) {
    harness.await(flow, f -> f.getStatus() != null && f.getStatus().getSteps() != null
        && f.getStatus().getSteps().get(step) != null && f.getStatus().getSteps().get(step).getPhase() == phase,
        Duration.ofSeconds(30));
  }

  static void awaitJobGone(String job) {
    harness.client().batch().v1().jobs().inNamespace("default").withName(job)
        .waitUntilCondition(j -> j == null, 30, TimeUnit.SECONDS);
  }
}
