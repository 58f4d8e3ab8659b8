package dev.jobflow.controller;

import static dev.jobflow.controller.ControllerHarness.flow;
import static dev.jobflow.controller.ControllerHarness.step;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jobflow.api.FlowPhase;
import dev.jobflow.api.JobFlow;
import dev.jobflow.api.Synchronization;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Locks through the whole controller and the emulator: flows on one mutex run one at a time (their Jobs' run times
 * never overlap), and flows queued on a semaphore, shown Pending with reason WaitingForLock and their place, start by
 * priority then age once its ConfigMap gives it a size, one at a time.
 */
class ControllerLocksTest {
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

  static String locked(String name, int priority, String sync) {
    return flow(name, "  priority: " + priority + "\n  synchronization: " + sync + "\n",
        step("work", List.of(), "200ms", "Succeeded"), null);
  }

  @Test
  void flowsOnOneMutexRunOneAtATime() throws Exception {
    List<String> names = List.of("mutex-a", "mutex-b", "mutex-c");
    for (String name : names) {
      harness.submit(locked(name, 0, "{mutex: target-1}"));
    }
    for (String name : names) {
      harness.awaitPhase(name, FlowPhase.Succeeded);
    }
    assertNoOverlap(names);
    for (String name : names) {
      String uid = uid(name);
      List<String> types = harness.eventTypes(uid);
      assertTrue(types.indexOf("FlowLockRequested") < types.indexOf("FlowLockGranted")
          && types.indexOf("FlowLockGranted") < types.indexOf("StepAttemptStarted")
          && types.indexOf("FlowSucceeded") < types.indexOf("FlowLockReleased"), name + ": " + types);
    }
    assertTrue(harness.client().v1().events().inNamespace("default").list().getItems().stream()
        .anyMatch(e -> "WaitingForLock".equals(e.getReason()) && "mutex-c".equals(e.getInvolvedObject().getName())));
  }

  @Test
  void aSemaphoreSizedLiveStartsItsWaitersByPriorityThenAge() throws Exception {
    harness.client().configMaps().inNamespace("default").resource(new ConfigMapBuilder().withNewMetadata()
        .withName(Synchronization.SEMAPHORE_CONFIG_MAP).endMetadata().addToData("gpu", "0").build()).create();
    // Submitted in this order (so also oldest first): of equal priority the older starts first.
    List<String> submitted = List.of("sem-low-old", "sem-mid", "sem-low-young", "sem-high");
    Map<String, Integer> priority = Map.of("sem-low-old", 0, "sem-mid", 5, "sem-low-young", 0, "sem-high", 9);
    for (String name : submitted) {
      harness.submit(locked(name, priority.get(name), "{semaphore: gpu}"));
    }
    for (String name : submitted) {
      JobFlow waiting = harness.await(name, f -> f.getStatus() != null && f.getStatus().getMessage() != null
          && f.getStatus().getMessage().contains("position"), Duration.ofSeconds(60));
      assertEquals(FlowPhase.Pending, waiting.getStatus().getPhase());
      assertTrue(waiting.getStatus().getConditions().stream().anyMatch(c -> c.getType().equals("Progressing")
          && c.getReason().equals("WaitingForLock") && c.getMessage().contains("semaphore 'gpu'")),
          String.valueOf(waiting.getStatus().getConditions()));
    }
    assertTrue(harness.await("sem-high", f -> f.getStatus().getMessage().contains("position 1 of 4"),
        Duration.ofSeconds(60)) != null);
    assertEquals(List.of(), jobsOf(submitted), "a semaphore of size 0 admits no one");

    harness.client().configMaps().inNamespace("default").withName(Synchronization.SEMAPHORE_CONFIG_MAP)
        .edit(cm -> new ConfigMapBuilder(cm).addToData("gpu", "1").build());
    for (String name : submitted) {
      harness.awaitPhase(name, FlowPhase.Succeeded);
    }
    assertNoOverlap(submitted);
    assertEquals(List.of("sem-high", "sem-mid", "sem-low-old", "sem-low-young"), startOrder(submitted));
  }

  private static String uid(String name) {
    return harness.client().resources(JobFlow.class).inNamespace("default").withName(name).get().getMetadata()
        .getUid();
  }

  private static List<Job> jobsOf(List<String> flows) {
    List<Job> jobs = new ArrayList<>();
    flows.forEach(f -> jobs.addAll(harness.jobs(f).values()));
    jobs.sort(Comparator.comparing(j -> Instant.parse(j.getStatus().getStartTime())));
    return jobs;
  }

  private static List<String> startOrder(List<String> flows) {
    return jobsOf(flows).stream().map(j -> j.getMetadata().getLabels().get("jobflow.dev/flow")).toList();
  }

  /** Each Job starts after the one before it completed: never two flows' Jobs at once. */
  private static void assertNoOverlap(List<String> flows) {
    List<Job> jobs = jobsOf(flows);
    assertEquals(flows.size(), jobs.size());
    for (int i = 1; i < jobs.size(); i++) {
      Instant previousDone = Instant.parse(jobs.get(i - 1).getStatus().getCompletionTime());
      Instant started = Instant.parse(jobs.get(i).getStatus().getStartTime());
      assertTrue(!started.isBefore(previousDone), jobs.get(i).getMetadata().getName() + " started " + started
          + " before " + jobs.get(i - 1).getMetadata().getName() + " completed " + previousDone);
    }
  }
}
