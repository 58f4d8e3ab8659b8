package dev.jobflow.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.jobflow.api.FlowPhase;
import dev.jobflow.api.JobFlow;
import dev.jobflow.api.JobFlowYaml;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three controller processes from the built jar in one cluster (seed nodes on loopback), one emulator, one PostgreSQL
 * journal, 100 flows. One controller is killed with SIGKILL mid-run (or all three are restarted one by one, as a
 * rolling update does): every flow still Succeeds, each Job is created exactly once, and no persistence id is ever
 * written by two writers at once (per persistence id, the journal's writers form contiguous runs in sequence order).
 */
class ReplicasIT {
  private static final int FLOWS = 100;
  /** ControllerKillIT's chain: first, then second (fails once, retried), then third: 4 Jobs per flow. */
  private static final int JOBS_PER_FLOW = 4;

  @TempDir
  Path dir;
  private ControllerCluster cluster;
  private JobCreations created;

  @BeforeEach
  void start() throws Exception {
    cluster = ControllerCluster.start(dir, 3);
    created = new JobCreations(cluster.client());
  }

  @AfterEach
  void stop() {
    if (created != null) {
      created.close();
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void aKilledReplicasFlowsFinishOnTheOthers() throws Exception {
    submitFlows();
    awaitSomeRunning(10);
    cluster.kill(1);
    awaitEverySucceeded();
    assertEveryJobCreatedOnce();
    assertWritersFormContiguousRuns();
  }

  @Test
  void aRollingRestartOfEveryReplicaLosesNoFlow() throws Exception {
    submitFlows();
    awaitSomeRunning(10);
    for (int i = 0; i < 3; i++) {
      cluster.stop(i);
      cluster.restart(i);
    }
    awaitEverySucceeded();
    assertEveryJobCreatedOnce();
    assertWritersFormContiguousRuns();
  }

  private void submitFlows() throws Exception {
    for (int f = 0; f < FLOWS; f++) {
      cluster.client().resources(JobFlow.class).inNamespace("default")
          .resource(JobFlowYaml.read(String.format(ControllerKillIT.FLOWS, f))).create();
    }
  }

  private List<JobFlow> flows() {
    return cluster.client().resources(JobFlow.class).inNamespace("default").list().getItems();
  }

  private void awaitSomeRunning(int n) {
    Awaitility.await(n + " flows running").atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofSeconds(1))
        .until(() -> flows().stream()
            .filter(f -> f.getStatus() != null && f.getStatus().getPhase() == FlowPhase.Running).count() >= n);
  }

  private void awaitEverySucceeded() {
    Awaitility.await("every flow Succeeded").atMost(Duration.ofSeconds(600)).pollInterval(Duration.ofSeconds(2))
        .until(() -> {
          List<JobFlow> flows = flows();
          for (JobFlow f : flows) {
            FlowPhase phase = f.getStatus() == null ? null : f.getStatus().getPhase();
            if (phase != null && phase.isFinished() && phase != FlowPhase.Succeeded) {
              fail(f.getMetadata().getName() + " ended " + phase + ": " + f.getStatus().getMessage());
            }
          }
          return flows.size() == FLOWS && flows.stream().allMatch(f -> f.getStatus() != null
              && f.getStatus().getPhase() == FlowPhase.Succeeded);
        });
  }

  private void assertEveryJobCreatedOnce() {
    Awaitility.await("the watch saw every Job").atMost(Duration.ofSeconds(30))
        .until(() -> created.all().size() == FLOWS * JOBS_PER_FLOW);
    created.all().forEach((name, n) -> assertEquals(1, n, "Job " + name + " was created " + n + " times"));
  }

  /**
   * Per persistence id, in sequence-number order, each writer (one per entity incarnation) writes one unbroken run:
   * a writer that comes back after another wrote means two incarnations were writing at the same time.
   */
  private void assertWritersFormContiguousRuns() throws Exception {
    Map<String, List<String>> runs = new HashMap<>();
    try (Connection c = cluster.journal().connect(); Statement st = c.createStatement();
         ResultSet rs = st.executeQuery(
             "SELECT persistence_id, writer FROM event_journal ORDER BY persistence_id, sequence_number")) {
      while (rs.next()) {
        List<String> r = runs.computeIfAbsent(rs.getString(1), p -> new ArrayList<>());
        if (r.isEmpty() || !r.get(r.size() - 1).equals(rs.getString(2))) {
          r.add(rs.getString(2));
        }
      }
    }
    assertEquals(FLOWS, runs.keySet().stream().filter(p -> p.startsWith("JobFlow|")).count());
    runs.forEach((pid, writers) -> assertEquals(new HashSet<>(writers).size(), writers.size(),
        pid + " was written by " + writers + ": a writer came back after another"));
    assertTrue(runs.values().stream().anyMatch(w -> w.size() > 1), "some flow moved to another replica");
  }
}
