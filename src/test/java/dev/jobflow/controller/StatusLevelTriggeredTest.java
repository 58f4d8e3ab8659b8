package dev.jobflow.controller;

import static dev.jobflow.controller.ControllerHarness.flow;
import static dev.jobflow.controller.ControllerHarness.step;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jobflow.api.FlowPhase;
import dev.jobflow.api.JobFlow;
import dev.jobflow.api.StepPhase;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The journal is the truth: a status written by anyone else (here as {@code kubectl patch --subresource=status
 * --type=merge} does) is rewritten to the journal's projection, while the controller runs and after a restart.
 */
class StatusLevelTriggeredTest {
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

  static void fakePhase(String name, FlowPhase phase) {
    harness.client().resources(JobFlow.class).inNamespace("default").withName(name).subresource("status")
        .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"status\":{\"phase\":\"" + phase + "\"}}");
  }

  static JobFlow awaitPhase(String name, FlowPhase phase) {
    return harness.await(name, f -> f.getStatus() != null && f.getStatus().getPhase() == phase, Duration.ofSeconds(60));
  }

  @Test
  void aFakeFailedOnASucceededFlowIsUndoneAndStaysUndoneAcrossARestart() throws Exception {
    harness.submit(flow("faked-done", "", step("a", List.of(), "50ms", "Succeeded"), null));
    JobFlow done = awaitPhase("faked-done", FlowPhase.Succeeded);
    fakePhase("faked-done", FlowPhase.Failed);
    JobFlow undone = awaitPhase("faked-done", FlowPhase.Succeeded);
    assertEquals(done.getStatus().getFinishedAt(), undone.getStatus().getFinishedAt());
    assertEquals(done.getStatus().getConditions().get(0).getLastTransitionTime(),
        undone.getStatus().getConditions().get(0).getLastTransitionTime(), "Ready did not change, nor its time");

    harness.controller.close();
    fakePhase("faked-done", FlowPhase.Failed); // while no controller runs
    harness.startController();
    awaitPhase("faked-done", FlowPhase.Succeeded);
    assertEquals(List.of("faked-done-a-1"), List.copyOf(harness.jobs("faked-done").keySet()), "nothing ran again");
  }

  @Test
  void aFakeSucceededOnAFailedFlowIsUndone() throws Exception {
    harness.submit(flow("faked-failed", "", step("a", List.of(), "50ms", "Failed"), null));
    awaitPhase("faked-failed", FlowPhase.Failed);
    fakePhase("faked-failed", FlowPhase.Succeeded);
    awaitPhase("faked-failed", FlowPhase.Failed);
  }

  @Test
  void aFakeOnARunningFlowIsUndoneBeforeItsStepEnds() throws Exception {
    harness.submit(flow("faked-running", "", step("slow", List.of(), "20s", "Succeeded"), null));
    harness.await("faked-running", f -> f.getStatus() != null && f.getStatus().getSteps() != null
        && f.getStatus().getSteps().get("slow") != null
        && f.getStatus().getSteps().get("slow").getPhase() == StepPhase.Running, Duration.ofSeconds(30));
    fakePhase("faked-running", FlowPhase.Failed);
    JobFlow running = awaitPhase("faked-running", FlowPhase.Running);
    assertEquals(StepPhase.Running, running.getStatus().getSteps().get("slow").getPhase(),
        "rewritten while its one step still runs");
  }

  @Test
  void everyConditionCarriesTheObservedGeneration() throws Exception {
    harness.submit(flow("generations", "", step("a", List.of(), "50ms", "Succeeded"), null));
    JobFlow done = awaitPhase("generations", FlowPhase.Succeeded);
    long generation = done.getMetadata().getGeneration();
    assertEquals(generation, done.getStatus().getObservedGeneration());
    assertEquals(3, done.getStatus().getConditions().size());
    assertTrue(done.getStatus().getConditions().stream().allMatch(c -> c.getObservedGeneration() == generation),
        done.getStatus().getConditions().toString());
  }
}
