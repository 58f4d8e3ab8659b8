package dev.jobflow.controller;

import static dev.jobflow.controller.ControllerHarness.flow;
import static dev.jobflow.controller.ControllerHarness.step;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jobflow.api.FlowPhase;
import dev.jobflow.api.JobFlow;
import dev.jobflow.api.StepPhase;
import dev.jobflow.journal.JournalSettings;
import dev.jobflow.journal.PostgresTestDatabase;
import io.fabric8.kubernetes.api.model.Condition;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Follows docs/disaster-recovery.md: back the journal up while flows run, let them run on (steps succeed, an attempt
 * is in flight, a new flow starts), restore the old backup (or lose the journal outright), restart the controller.
 * Every flow must then finish as its spec says with each Job created once (the emulator counts creations), and
 * each flow whose history is gone says so in a {@code HistoryLost} condition and a Warning Event.
 */
class DisasterRecoveryTest {
  @TempDir
  Path dir;

  /** How one journal is backed up and restored, as the procedure says. */
  interface Backup {
    void take(ControllerHarness harness) throws Exception;

    /** With the controller stopped. */
    void restore(ControllerHarness harness) throws Exception;
  }

  @Test
  void h2RestoredFromAnOlderBackupAdoptsTheJobsOfTheLostHistory() throws Exception {
    Path zip = dir.resolve("backup/journal.zip");
    try (ControllerHarness harness = new ControllerHarness(dir)) {
      restoreScenario(harness, new Backup() {
        @Override
        public void take(ControllerHarness h) throws Exception {
          Files.createDirectories(zip.getParent());
          // Online and consistent: H2 copies the database file within one transaction.
          try (Connection c = h.journal(); Statement st = c.createStatement()) {
            st.execute("BACKUP TO '" + zip + "'");
          }
        }

        @Override
        public void restore(ControllerHarness h) throws Exception {
          deleteH2Files(h.journalDir);
          org.h2.tools.Restore.execute(zip.toString(), h.journalDir.toString(), "journal");
        }
      });
    }
  }

  @Test
  void postgresRestoredFromAnOlderDumpAdoptsTheJobsOfTheLostHistory() throws Exception {
    try (PostgresTestDatabase pg = PostgresTestDatabase.create();
         ControllerHarness harness = new ControllerHarness(dir, config -> JournalSettings.fromConfig(config)
             .withUrl(pg.url()).withUser(PostgresTestDatabase.USER))) {
      Path dump = dir.resolve("journal.dump");
      requireOnPath("pg_dump");
      restoreScenario(harness, new Backup() {
        @Override
        public void take(ControllerHarness h) throws Exception {
          // One snapshot of the journal's schema (pg_dump reads in one transaction): consistent while it runs.
          run("pg_dump", "-h", pg.serverHost(), "-p", Integer.toString(pg.serverPort()), "-U", PostgresTestDatabase.USER,
              "-d", database(), "-n", pg.schema(), "-Fc", "-f", dump.toString());
        }

        @Override
        public void restore(ControllerHarness h) throws Exception {
          run("pg_restore", "-h", pg.serverHost(), "-p", Integer.toString(pg.serverPort()), "-U",
              PostgresTestDatabase.USER, "-d", database(), "--clean", "--if-exists", dump.toString());
        }
      });
    }
  }

  @Test
  void h2JournalLostOutrightStartsTheFlowAnewAndAdoptsItsJobs() throws Exception {
    journalLostOutright(harness -> {});
  }

  /**
   * The restarted controller starts the flow (anew, the journal is gone) while its Job informer still lists: the
   * comparison with the cluster and the creates wait for the list, so the Jobs are still found, adopted, and named.
   */
  @Test
  void theFlowStartsWhileTheJobsAreStillListedAndStillFindsThem() throws Exception {
    journalLostOutright(harness -> harness.emulator.faults().add(
        dev.jobflow.emulator.Faults.Rule.delay("jobs", "list", Duration.ofSeconds(3), 1)));
  }

  private void journalLostOutright(java.util.function.Consumer<ControllerHarness> beforeRestart) throws Exception {
    try (ControllerHarness harness = new ControllerHarness(dir); JobCreations creations = new JobCreations(harness.client())) {
      harness.submit(flow("forgotten", "", step("x", List.of(), "300ms", "Succeeded")
          + step("y", List.of("x"), "3s", "Succeeded") + step("z", List.of("y"), "300ms", "Succeeded"), null));
      awaitStep(harness, "forgotten", "y", StepPhase.Running);
      harness.controller.close();
      deleteH2Files(harness.journalDir);
      beforeRestart.accept(harness);
      harness.startController();

      JobFlow done = harness.awaitPhase("forgotten", FlowPhase.Succeeded);
      assertEquals("3/3", done.getStatus().getProgress());
      assertOneCreationEach(creations, List.of("forgotten-x-1", "forgotten-y-1", "forgotten-z-1"));
      assertHistoryLost(harness, "forgotten", "JournalLost", "forgotten-x-1");
    }
  }

  /**
   * {@code restored} is backed up with its first step running; after the backup that step succeeds, the second one's
   * Job starts, and {@code born-later} is submitted and runs. The old backup then comes back.
   */
  private void restoreScenario(ControllerHarness harness, Backup backup) throws Exception {
    try (JobCreations creations = new JobCreations(harness.client())) {
      harness.submit(flow("restored", "", step("a", List.of(), "300ms", "Succeeded")
          + step("b", List.of("a"), "3s", "Succeeded") + step("c", List.of("b"), "300ms", "Succeeded"), null));
      awaitStep(harness, "restored", "a", StepPhase.Running);
      backup.take(harness);

      awaitStep(harness, "restored", "b", StepPhase.Running);
      harness.submit(flow("born-later", "", step("x", List.of(), "300ms", "Succeeded")
          + step("y", List.of("x"), "3s", "Succeeded"), null));
      awaitStep(harness, "born-later", "y", StepPhase.Running);
      harness.controller.close();
      backup.restore(harness);
      harness.startController();

      JobFlow restored = harness.awaitPhase("restored", FlowPhase.Succeeded);
      JobFlow bornLater = harness.awaitPhase("born-later", FlowPhase.Succeeded);
      assertEquals("3/3", restored.getStatus().getProgress());
      assertEquals(1, restored.getStatus().getSteps().get("a").getAttempts(), "a ran once");
      assertEquals("2/2", bornLater.getStatus().getProgress());
      assertOneCreationEach(creations, List.of("born-later-x-1", "born-later-y-1", "restored-a-1", "restored-b-1",
          "restored-c-1"));
      assertHistoryLost(harness, "restored", "JournalBehind", "restored-b-1");
      assertHistoryLost(harness, "born-later", "JournalLost", "born-later-x-1");
      assertTrue(harness.eventTypes(restored.getMetadata().getUid()).contains("FlowHistoryLost"),
          "journaled: " + harness.eventTypes(restored.getMetadata().getUid()));
    }
  }

  private static void awaitStep(ControllerHarness harness, String flow, String step, StepPhase phase) {
    harness.await(flow, f -> f.getStatus() != null && f.getStatus().getSteps() != null
        && f.getStatus().getSteps().get(step) != null && f.getStatus().getSteps().get(step).getPhase() == phase,
        Duration.ofSeconds(60));
  }

  private static void assertOneCreationEach(JobCreations creations, List<String> jobs) {
    await().atMost(Duration.ofSeconds(30)).until(() -> creations.all().keySet().containsAll(jobs));
    assertEquals(jobs.stream().collect(Collectors.toMap(j -> j, j -> 1)), creations.all(),
        "each Job created exactly once");
  }

  /** The condition is on the status, the Warning Event on the flow, and the Jobs the journal did not know named. */
  private static void assertHistoryLost(ControllerHarness harness, String flow, String reason, String job) {
    JobFlow f = harness.await(flow, x -> x.getStatus() != null && x.getStatus().getConditions().stream()
        .anyMatch(c -> c.getType().equals("HistoryLost")), Duration.ofSeconds(30));
    Condition lost = f.getStatus().getConditions().stream().filter(c -> c.getType().equals("HistoryLost"))
        .findFirst().orElseThrow();
    assertEquals("True", lost.getStatus());
    assertEquals(reason, lost.getReason());
    assertTrue(lost.getMessage().contains(job), lost.getMessage());
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      var events = harness.client().v1().events().inNamespace("default").list().getItems().stream()
          .filter(e -> flow.equals(e.getInvolvedObject().getName()) && "HistoryLost".equals(e.getReason())).toList();
      assertEquals(1, events.size(), "one HistoryLost Event on " + flow);
      assertEquals("Warning", events.get(0).getType());
      assertNotNull(events.get(0).getMessage());
    });
  }

  private static void deleteH2Files(Path journalDir) throws IOException {
    try (var files = Files.list(journalDir)) {
      for (Path p : files.filter(p -> p.getFileName().toString().startsWith("journal.")).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  private static String database() {
    String url = PostgresTestDatabase.URL;
    String path = url.substring(url.indexOf("//") + 2);
    path = path.substring(path.indexOf('/') + 1);
    return path.contains("?") ? path.substring(0, path.indexOf('?')) : path;
  }

  private static void requireOnPath(String tool) {
    boolean found = java.util.Arrays.stream(System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator))
        .anyMatch(d -> !d.isEmpty() && Files.isExecutable(Path.of(d, tool)));
    if (!found) {
      String why = tool + " is not on PATH: the PostgreSQL backup procedure needs the PostgreSQL client tools";
      if ("true".equalsIgnoreCase(System.getenv("CI"))) {
        throw new AssertionError(why + " -- CI=true requires this test to run");
      }
      Assumptions.assumeTrue(false, why + " -- skipping");
    }
  }

  private static void run(String... command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    int code = p.waitFor();
    assertEquals(0, code, String.join(" ", command) + " failed: " + out);
  }
}
