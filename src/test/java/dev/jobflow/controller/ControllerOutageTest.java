package dev.jobflow.controller;

import static dev.jobflow.controller.ControllerHarness.flow;
import static dev.jobflow.controller.ControllerHarness.step;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jobflow.api.FlowPhase;
import dev.jobflow.api.JobFlow;
import dev.jobflow.journal.JournalSettings;
import dev.jobflow.journal.PostgresTestDatabase;
import dev.jobflow.journal.TcpProxy;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The controller's PostgreSQL journal goes away for 30 seconds in the middle of running flows (a TCP proxy in front of
 * the real server is cut, so the server keeps serving everyone else): /readyz says not ready, entities back off; when
 * the database is back /readyz is ready again within 10 s, every flow finishes correctly, each flow's journal runs
 * 1..n without a gap, and every Job was created exactly once (no step lost, none repeated). Prints how long after the
 * database returned the controller was ready again.
 *
 * <p>The outage's length is {@code -Djobflow.outage.seconds} (default 30; the 60 s form:
 * {@code mvn -B -o test -Dtest=ControllerOutageTest -Djobflow.outage.seconds=60}).
 */
class ControllerOutageTest {
  static final Duration OUTAGE = Duration.ofSeconds(Long.getLong("jobflow.outage.seconds", 30));
  static final int FLOWS = 3;
  /** The controller's promise: ready again this soon after the database is back. */
  static final Duration READY_AGAIN_LIMIT = Duration.ofSeconds(10);

  @TempDir
  Path dir;

  @Test
  void flowsFinishAfterADatabaseOutageWithNoGapInTheJournal() throws Exception {
    try (PostgresTestDatabase pg = PostgresTestDatabase.create();
         TcpProxy proxy = TcpProxy.start(pg.serverHost(), pg.serverPort());
         ControllerHarness harness = new ControllerHarness(dir, config -> JournalSettings.fromConfig(config)
             .withUrl(pg.urlViaPort(proxy.port())).withUser(PostgresTestDatabase.USER));
         JobCreations creations = new JobCreations(harness.client())) {
      for (int i = 0; i < FLOWS; i++) {
        StringBuilder steps = new StringBuilder(step("s0", List.of(), "1s", "Succeeded"));
        for (int s = 1; s < 6; s++) {
          steps.append(step("s" + s, List.of("s" + (s - 1)), "2s", "Succeeded"));
        }
        harness.submit(flow("outage-" + i, "", steps.toString(), null));
      }
      harness.await("outage-" + (FLOWS - 1), f -> f.getStatus() != null && f.getStatus().getProgress() != null
          && !f.getStatus().getProgress().startsWith("0/"), Duration.ofSeconds(60));
      URI readyz = URI.create("http://127.0.0.1:" + harness.controller.httpPort() + "/readyz");
      assertEquals(200, status(readyz), "ready before the outage");

      proxy.cut();
      long cutAt = System.nanoTime();
      List<Integer> readinessDuringCut = new ArrayList<>();
      while (System.nanoTime() - cutAt < OUTAGE.toNanos()) {
        Thread.sleep(2_000);
        readinessDuringCut.add(status(readyz));
      }
      String notReadyBody = body(readyz);
      proxy.restore();
      long restoredAt = System.nanoTime();
      Awaitility.await("ready again within " + READY_AGAIN_LIMIT + " of the database's return")
          .atMost(READY_AGAIN_LIMIT).pollInterval(Duration.ofMillis(200)).until(() -> status(readyz) == 200);
      System.out.printf("ControllerOutageTest: journal outage of %d s: /readyz 503 during it %s, ready again %.1f s after"
          + " the database returned (load average %s)%n", OUTAGE.toSeconds(), readinessDuringCut,
          (System.nanoTime() - restoredAt) / 1e9, loadAverage());
      assertTrue(readinessDuringCut.stream().skip(readinessDuringCut.size() / 2).allMatch(code -> code == 503),
          "/readyz during the outage: " + readinessDuringCut);
      assertTrue(notReadyBody.startsWith("not ready: journal ") && notReadyBody.contains("unreachable"),
          "/readyz names the journal: " + notReadyBody);

      for (int i = 0; i < FLOWS; i++) {
        JobFlow done = harness.await("outage-" + i, f -> f.getStatus() != null && f.getStatus().getPhase() != null
            && f.getStatus().getPhase().isFinished(), Duration.ofSeconds(180));
        assertEquals(FlowPhase.Succeeded, done.getStatus().getPhase(), done.getStatus().getMessage());
        assertEquals("6/6", done.getStatus().getProgress());
        assertEquals(6, harness.jobs("outage-" + i).size(), "one Job per step: " + harness.jobs("outage-" + i).keySet());
        for (int s = 0; s < 6; s++) {
          String job = "outage-" + i + "-s" + s + "-1";
          Awaitility.await(job + " seen").atMost(Duration.ofSeconds(30)).until(() -> creations.of(job) >= 1);
        }
      }
      creations.all().forEach((job, n) -> assertEquals(1, n, "Job " + job + " created " + n + " times"));
      assertEquals(FLOWS * 6, creations.all().size(), creations.all().toString());
      assertNoGaps(pg);
    }
  }

  static void assertNoGaps(PostgresTestDatabase pg) throws Exception {
    Map<String, List<Long>> sequences = new HashMap<>();
    try (Connection c = pg.connect(); Statement st = c.createStatement();
         ResultSet rs = st.executeQuery(
             "SELECT persistence_id, sequence_number FROM event_journal ORDER BY persistence_id, sequence_number")) {
      while (rs.next()) {
        sequences.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(rs.getLong(2));
      }
    }
    assertEquals(FLOWS, sequences.size(), sequences.keySet().toString());
    sequences.forEach((id, seqs) -> {
      for (int i = 0; i < seqs.size(); i++) {
        assertEquals(i + 1, seqs.get(i), id + " has a gap or duplicate at position " + (i + 1) + ": " + seqs);
      }
    });
  }

  static String loadAverage() {
    try {
      return java.nio.file.Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
    } catch (java.io.IOException e) {
      return "unknown";
    }
  }

  static String body(URI uri) {
    try {
      return HttpClient.newHttpClient().send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
          HttpResponse.BodyHandlers.ofString()).body();
    } catch (Exception e) {
      return "(no answer: " + e + ")";
    }
  }

  static int status(URI uri) {
    try {
      return HttpClient.newHttpClient().send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
          HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (Exception e) {
      return -1;
    }
  }
}
