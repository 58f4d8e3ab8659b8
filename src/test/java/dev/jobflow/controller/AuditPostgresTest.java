package dev.jobflow.controller;

import static dev.jobflow.controller.ControllerHarness.flow;
import static dev.jobflow.controller.ControllerHarness.step;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.Config;
import dev.jobflow.api.FlowPhase;
import dev.jobflow.emulator.Emulator;
import dev.jobflow.emulator.EmulatorOptions;
import dev.jobflow.journal.JournalSettings;
import dev.jobflow.journal.PostgresTestDatabase;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The audit trail of a controller journaling to PostgreSQL, read by {@code jobflow audit --journal-url}. */
class AuditPostgresTest {
  static final ObjectMapper JSON = new ObjectMapper();
  @TempDir
  Path dir;

  @Test
  void aFlowJournaledInPostgresIsReplayedAndVerified() throws Exception {
    try (PostgresTestDatabase db = PostgresTestDatabase.create();
         Emulator emulator = Emulator.start(EmulatorOptions.defaults()
             .withExecutor(EmulatorOptions.ExecutorKind.SIMULATE).withDataDir(dir.resolve("emulator")))) {
      Config config = ControllerHarness.config();
      ControllerSettings settings = ControllerHarness.settings(emulator,
          JournalSettings.fromConfig(config).withUrl(db.url()).withUser(PostgresTestDatabase.USER), config);
      ControllerHarness harness = new ControllerHarness(emulator, dir.resolve("unused-h2"));
      harness.controller.close(); // the harness journals to H2; this test's controller to PostgreSQL
      harness.controller = Controller.start(settings, config);
      String uid;
      try {
        harness.submit(flow("pg", "", step("a", List.of(), "50ms", "Succeeded")
            + step("b", List.of("a"), "50ms", "Succeeded"), null));
        uid = harness.awaitPhase("pg", FlowPhase.Succeeded).getMetadata().getUid();
      } finally {
        harness.controller.close();
      }
      String[] journal = {"--journal-url", db.url(), "--journal-user", PostgresTestDatabase.USER};

      AuditCli timeline = AuditCli.runRaw(concat(journal, "audit", "default/pg", "-o", "json"));
      assertEquals(0, timeline.exit(), timeline.toString());
      JsonNode events = JSON.readTree(timeline.out()).path("flows").get(0).path("events");
      assertEquals("FlowAccepted", events.get(0).path("type").asText());
      assertEquals("FlowSucceeded", events.get(events.size() - 1).path("type").asText());
      assertEquals(0, AuditCli.runRaw(concat(journal, "audit", "--verify", "default/pg")).exit());

      try (Connection c = db.connect(); PreparedStatement st = c.prepareStatement(
          "DELETE FROM event_journal WHERE persistence_id = ? AND sequence_number = 3")) {
        st.setString(1, "JobFlow|" + uid);
        assertEquals(1, st.executeUpdate());
      }
      AuditCli verify = AuditCli.runRaw(concat(journal, "audit", "--verify", "--all", "-o", "json"));
      assertEquals(1, verify.exit(), verify.toString());
      assertEquals(3, JSON.readTree(verify.out()).path("flows").get(0).path("badSequenceNr").asLong());
    }
  }

  private static String[] concat(String[] journal, String... args) {
    String[] all = new String[args.length + journal.length];
    System.arraycopy(args, 0, all, 0, args.length);
    System.arraycopy(journal, 0, all, args.length, journal.length);
    return all;
  }
}
