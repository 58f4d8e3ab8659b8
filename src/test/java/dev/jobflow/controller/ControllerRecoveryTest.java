package dev.jobflow.controller;

import static dev.jobflow.controller.ControllerHarness.flow;
import static dev.jobflow.controller.ControllerHarness.step;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jobflow.api.FlowPhase;
import dev.jobflow.api.JobFlow;
import dev.jobflow.api.StepPhase;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What survives a controller restart and a broken watch: every flow finishes, no attempt gets a second Job. */
class ControllerRecoveryTest {
  @TempDir
  Path dir;
  ControllerHarness harness;
  Watch jobWatch;
  final Map<String, AtomicInteger> jobsAdded = new ConcurrentHashMap<>();

  @BeforeEach
  void start() throws Exception {
    harness = new ControllerHarness(dir);
    // Counts Job creations as the API server sees them: a second create of one attempt would show as 2.
    jobWatch = harness.client().batch().v1().jobs().inAnyNamespace().watch(new Watcher<>() {
      @Override
      public void eventReceived(Action action, Job job) {
        if (action == Action.ADDED) {
          jobsAdded.computeIfAbsent(job.getMetadata().getName() + "/" + job.getMetadata().getUid(),
              k -> new AtomicInteger()).incrementAndGet();
        }
      }

      @Override
      public void onClose(WatcherException cause) {}
    });
  }

  @AfterEach
  void stop() {
    jobWatch.close();
    harness.close();
  }

  @Test
  void controllerRestartMidFlowAdoptsRunningJobsAndCreatesNoSecondJob() throws Exception {
    harness.submit(flow("restarted", "",
        step("a", List.of(), "200ms", "Succeeded")
            + step("b", List.of("a"), "2s", "Succeeded")
            + step("c", List.of("b"), "200ms", "Failed,Succeeded", "      retries: {limit: 2, backoff: {duration: 200ms}}\n")
            + step("d", List.of("c"), "200ms", "Succeeded"), null));
    harness.await("restarted", f -> f.getStatus() != null && f.getStatus().getSteps() != null
        && f.getStatus().getSteps().get("b") != null && f.getStatus().getSteps().get("b").getPhase() == StepPhase.Running,
        Duration.ofSeconds(30));
    harness.restartController();
    JobFlow done = harness.awaitPhase("restarted", FlowPhase.Succeeded);
    assertEquals("4/4", done.getStatus().getProgress());
    assertEquals(2, done.getStatus().getSteps().get("c").getAttempts());
    assertEquals(List.of("restarted-a-1", "restarted-b-1", "restarted-c-1", "restarted-c-2", "restarted-d-1"),
        harness.jobs("restarted").keySet().stream().sorted().toList());
    assertOneCreationPerJob();
  }

  @Test
  void brokenWatchesRelistAndNoCompletionIsMissed() throws Exception {
    harness.submit(flow("relisted", "",
        step("a", List.of(), "1s", "Succeeded") + step("b", List.of("a"), "1s", "Succeeded"), null));
    harness.await("relisted", f -> f.getStatus() != null && f.getStatus().getSteps() != null
        && f.getStatus().getSteps().get("a") != null && f.getStatus().getSteps().get("a").getPhase() == StepPhase.Running,
        Duration.ofSeconds(30));
    // Every watch ends and its history is gone: informers must relist (410 Gone) and still see a's completion.
    harness.emulator.dropWatches(true);
    JobFlow done = harness.awaitPhase("relisted", FlowPhase.Succeeded);
    assertEquals("2/2", done.getStatus().getProgress());
    assertOneCreationPerJob();
  }

  void assertOneCreationPerJob() {
    Map<String, Long> perName = new ConcurrentHashMap<>();
    jobsAdded.keySet().forEach(k -> perName.merge(k.substring(0, k.indexOf('/')), 1L, Long::sum));
    perName.forEach((name, n) -> assertEquals(1L, n, "Job " + name + " was created " + n + " times"));
    assertTrue(jobsAdded.values().stream().allMatch(n -> n.get() == 1), String.valueOf(jobsAdded));
  }
}
