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
    // Events are written after the fact, folded over a second: wait for it.
    org.awaitility.Awaitility.await("WaitingForLock Event of mutex-c").atMost(Duration.ofSeconds(30))
        .until(() -> harness.client().v1().events().inNamespace("default").list().getItems().stream()
            .anyMatch(e -> "WaitingForLock".equals(e.getReason())
                && "mutex-c".equals(e.getInvolvedObject().getName())));
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
    for (String name : submitted) {
      assertEquals(Map.of(), harness.jobs(name), "a semaphore of size 0 admits no one");
    }

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

  /**
   * The flows in the order they were granted the lock: by the journal's global order of their FlowLockGranted
   * (Job times have whole seconds only, too coarse to order 200 ms Jobs).
   */
  private static List<String> startOrder(List<String> flows) throws Exception {
    List<String> order = new ArrayList<>(flows);
    Map<String, Long> granted = new java.util.HashMap<>();
    for (String f : flows) {
      granted.put(f, ordering(uid(f), "FlowLockGranted"));
    }
    order.sort(Comparator.comparing(granted::get));
    return order;
  }

  /**
   * In grant order, each flow was granted after the one before it released (the journal's global order), and its
   * Job started no earlier than the one before completed: never two flows' Jobs at once.
   */
  private static void assertNoOverlap(List<String> flows) throws Exception {
    List<String> order = startOrder(flows);
    for (int i = 1; i < order.size(); i++) {
      String before = order.get(i - 1);
      String after = order.get(i);
      assertTrue(ordering(uid(after), "FlowLockGranted") > ordering(uid(before), "FlowLockReleased"),
          after + " was granted before " + before + " released");
      Job done = harness.jobs(before).get(before + "-work-1");
      Job next = harness.jobs(after).get(after + "-work-1");
      Instant completed = Instant.parse(done.getStatus().getCompletionTime());
      Instant started = Instant.parse(next.getStatus().getStartTime());
      assertTrue(!started.isBefore(completed), after + " started " + started + " before " + before + " completed "
          + completed);
    }
  }

  /** The journal's global order of the flow's event of this type. */
  private static long ordering(String uid, String type) throws Exception {
    try (var c = harness.journal(); var st = c.prepareStatement("SELECT \"ordering\", \"event_ser_manifest\" FROM"
        + " \"event_journal\" WHERE \"persistence_id\" = ? ORDER BY \"sequence_number\"")) {
      st.setString(1, dev.jobflow.flow.FlowEntity.persistenceId(uid).id());
      try (var rs = st.executeQuery()) {
        while (rs.next()) {
          if (rs.getString(2).endsWith("$" + type)) {
            return rs.getLong(1);
          }
        }
      }
    }
    throw new AssertionError("no " + type + " in the journal of " + uid);
  }
}
