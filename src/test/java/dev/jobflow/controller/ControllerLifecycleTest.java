package dev.jobflow.controller;

import static dev.jobflow.controller.ControllerHarness.flow;
import static dev.jobflow.controller.ControllerHarness.step;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jobflow.api.FlowPhase;
import dev.jobflow.api.JobFlow;
import dev.jobflow.flow.FlowEntity;
import dev.jobflow.journal.JournalSettings;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import dev.jobflow.api.StepPhase;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
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
    // The journal's own H2 file, named so the deletion test can hold a lock in it: the controller's sessions wait
    // for a lock up to a minute instead of H2's default second.
    String url = "jdbc:h2:file:" + dir.resolve("journal").resolve("journal").toAbsolutePath()
        + ";DB_CLOSE_ON_EXIT=FALSE;LOCK_TIMEOUT=60000";
    harness = new ControllerHarness(dir, config -> JournalSettings.fromConfig(config).withUrl(url));
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
    String uid = harness.submit(flow("suspended", "  suspend: true\n", step("a", List.of(), "50ms", "Succeeded"), null))
        .getMetadata().getUid();
    harness.awaitPhase("suspended", FlowPhase.Suspended);
    patchSpec("suspended", "{\"suspend\": false}");
    harness.awaitPhase("suspended", FlowPhase.Succeeded);
    // The journal orders the facts: the step started only after the flow was resumed.
    assertEquals(List.of("FlowAccepted", "FlowResumed", "StepAttemptStarted", "StepJobCreated", "StepSucceeded",
        "FlowSucceeded"), harness.eventTypes(uid));
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
    String uid = harness.submit(flow("deleted", "", step("running", List.of(), "60s", "Succeeded"), null))
        .getMetadata().getUid();
    awaitStepPhase("deleted", "running", StepPhase.Running);
    String pid = FlowEntity.persistenceId(uid).id();
    await().atMost(Duration.ofSeconds(30)).until(() -> harness.eventTypes(uid).contains("StepJobCreated"));
    try (Connection db = harness.journal()) {
      // Hold the key of the flow's next event in an open transaction: the controller's next write to this flow
      // (the deletion) waits for this lock, and nothing of the deletion may happen before it is stored.
      db.setAutoCommit(false);
      holdNextEvent(db, pid, harness.eventTypes(uid).size() + 1);
      harness.client().resources(JobFlow.class).inNamespace("default").withName("deleted").delete();
      await("the deletion's write waits for the journal").atMost(Duration.ofSeconds(30))
          .until(() -> writesWaitingFor(db) > 0);
      JobFlow waiting = harness.client().resources(JobFlow.class).inNamespace("default").withName("deleted").get();
      assertNotNull(waiting, "the JobFlow is gone before its deletion is journaled");
      assertNotNull(waiting.getMetadata().getDeletionTimestamp());
      assertTrue(waiting.getMetadata().getFinalizers().contains("jobflow.dev/journal"),
          "the finalizer went before FlowDeleted was stored: " + waiting.getMetadata().getFinalizers());
      assertNotNull(harness.client().batch().v1().jobs().inNamespace("default").withName("deleted-running-1").get(),
          "the running Job was deleted before the deletion was stored");
      db.rollback();
    }
    harness.client().resources(JobFlow.class).inNamespace("default").withName("deleted")
        .waitUntilCondition(f -> f == null, 30, TimeUnit.SECONDS);
    assertEquals(List.of("StepCancelled", "FlowCancelled", "FlowDeleted"),
        harness.eventTypes(uid).subList(3, harness.eventTypes(uid).size()));
    awaitJobGone("deleted-running-1");
  }

  /** Inserts (uncommitted) a placeholder at the flow's sequence number {@code seq}, locking that key. */
  static void holdNextEvent(Connection db, String pid, long seq) throws Exception {
    try (PreparedStatement st = db.prepareStatement("INSERT INTO \"event_journal\" (\"persistence_id\","
        + " \"sequence_number\", \"writer\", \"write_timestamp\", \"adapter_manifest\", \"event_payload\","
        + " \"event_ser_id\", \"event_ser_manifest\") VALUES (?, ?, 'test-lock', 0, '', X'00', 0, '')")) {
      st.setString(1, pid);
      st.setLong(2, seq);
      st.executeUpdate();
    }
  }

  /**
   * How many other sessions have been writing events for more than a moment: with the next key held here, the
   * controller's write of this flow's next events waits (H2 shows a session waiting for a lock as still running its
   * statement; writes of other flows finish at once).
   */
  static int writesWaitingFor(Connection db) throws Exception {
    int waiting = 0;
    try (Statement st = db.createStatement(); ResultSet rs = st.executeQuery("SELECT EXECUTING_STATEMENT,"
        + " EXECUTING_STATEMENT_START FROM INFORMATION_SCHEMA.SESSIONS WHERE SESSION_ID <> SESSION_ID()")) {
      while (rs.next()) {
        String sql = rs.getString(1) == null ? "" : rs.getString(1).toLowerCase(java.util.Locale.ROOT);
        java.time.OffsetDateTime since = rs.getObject(2, java.time.OffsetDateTime.class);
        if (sql.startsWith("insert into \"event_journal\"") && since != null
            && since.toInstant().isBefore(java.time.Instant.now().minusMillis(300))) {
          waiting++;
        }
      }
    }
    return waiting;
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
