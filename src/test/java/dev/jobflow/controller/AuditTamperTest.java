package dev.jobflow.controller;

import static dev.jobflow.controller.ControllerHarness.flow;
import static dev.jobflow.controller.ControllerHarness.step;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.serialization.Serialization;
import akka.serialization.SerializationExtension;
import akka.serialization.Serializers;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.jobflow.api.FlowPhase;
import dev.jobflow.flow.FlowEvent;
import dev.jobflow.journal.JournalSettings;
import java.lang.reflect.RecordComponent;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rows of the journal edited, removed and reordered by hand (plain JDBC on the controller's H2 file) are
 * caught by {@code jobflow audit --verify}, which names the first bad sequence number; and the chain goes on
 * unbroken across snapshots and a controller restart.
 */
class AuditTamperTest {
  static final ObjectMapper JSON = new ObjectMapper();
  @TempDir
  static Path dir;
  static ControllerHarness harness;
  static ControllerSettings settings;
  static Config config;

  @BeforeAll
  static void start() throws Exception {
    harness = new ControllerHarness(dir);
    // The harness's controller snapshots every 100 events; this one every 3, so recovery starts from snapshots.
    config = ConfigFactory.parseMap(Map.of("jobflow.engine.snapshot-every", "3")).withFallback(ControllerHarness.config());
    settings = ControllerHarness.settings(harness.emulator,
        JournalSettings.fromConfig(config).withDataDir(harness.journalDir), config);
    harness.controller.close();
    harness.controller = Controller.start(settings, config);
  }

  @AfterAll
  static void stop() {
    harness.close();
  }

  static String runFlow(String name) throws Exception {
    harness.submit(flow(name, "", step("a", List.of(), "50ms", "Succeeded")
        + step("b", List.of("a"), "50ms", "Succeeded") + step("c", List.of("b"), "50ms", "Succeeded"), null));
    return harness.awaitPhase(name, FlowPhase.Succeeded).getMetadata().getUid();
  }

  @Test
  void theChainContinuesAcrossSnapshotsAndARestart() throws Exception {
    harness.submit(flow("snapshotted", "", step("a", List.of(), "50ms", "Succeeded")
        + step("b", List.of("a"), "2s", "Succeeded") + step("c", List.of("b"), "50ms", "Succeeded"), null));
    Awaitility.await("step b started").atMost(Duration.ofSeconds(30))
        .until(() -> harness.jobs("snapshotted").containsKey("snapshotted-b-1"));
    harness.controller.close();
    harness.controller = Controller.start(settings, config);
    String uid = harness.awaitPhase("snapshotted", FlowPhase.Succeeded).getMetadata().getUid();
    try (Connection c = connect(); PreparedStatement st = c.prepareStatement(
        "SELECT COUNT(*) FROM \"snapshot\" WHERE \"persistence_id\" = ?")) {
      st.setString(1, "JobFlow|" + uid);
      ResultSet rs = st.executeQuery();
      rs.next();
      assertTrue(rs.getInt(1) > 0, "the flow was snapshotted");
    }
    AuditCli verify = AuditCli.run(harness.journalDir, "--verify", "default/snapshotted", "-o", "json");
    assertEquals(0, verify.exit(), verify.toString());
    assertEquals("INTACT", JSON.readTree(verify.out()).path("flows").get(0).path("verdict").asText());
  }

  @Test
  void anEditedRowIsNamed() throws Exception {
    String uid = runFlow("edited");
    FlowEvent original = read(uid, 5);
    FlowEvent.EventMeta m = original.meta();
    write(uid, 5, withMeta(original, new FlowEvent.EventMeta(m.at().minusSeconds(60), m.writer(), m.previousHash())));

    AuditCli verify = AuditCli.run(harness.journalDir, "--verify", "default/edited", "-o", "json");
    assertEquals(1, verify.exit(), verify.toString());
    JsonNode report = JSON.readTree(verify.out()).path("flows").get(0);
    assertEquals("ALTERED", report.path("verdict").asText(), verify.out());
    assertEquals(5, report.path("badSequenceNr").asLong(), verify.out());
    assertTrue(verify.err().contains("at sequence number 5"), verify.err());
    // the timeline still reads: tamper evidence, not tamper prevention
    assertEquals(0, AuditCli.run(harness.journalDir, "default/edited").exit());
  }

  @Test
  void aRemovedRowIsNamed() throws Exception {
    String uid = runFlow("removed");
    try (Connection c = connect(); PreparedStatement st = c.prepareStatement(
        "DELETE FROM \"event_journal\" WHERE \"persistence_id\" = ? AND \"sequence_number\" = 4")) {
      st.setString(1, "JobFlow|" + uid);
      assertEquals(1, st.executeUpdate());
    }
    AuditCli verify = AuditCli.run(harness.journalDir, "--verify", "default/removed", "-o", "json");
    assertEquals(1, verify.exit(), verify.toString());
    JsonNode report = JSON.readTree(verify.out()).path("flows").get(0);
    assertEquals("REMOVED", report.path("verdict").asText(), verify.out());
    assertEquals(4, report.path("badSequenceNr").asLong());
  }

  @Test
  void reorderedRowsAreNamed() throws Exception {
    String uid = runFlow("reordered");
    FlowEvent sixth = read(uid, 6);
    FlowEvent seventh = read(uid, 7);
    write(uid, 6, seventh);
    write(uid, 7, sixth);
    AuditCli verify = AuditCli.run(harness.journalDir, "--verify", "default/reordered", "-o", "json");
    assertEquals(1, verify.exit(), verify.toString());
    JsonNode report = JSON.readTree(verify.out()).path("flows").get(0);
    assertEquals("REORDERED", report.path("verdict").asText(), verify.out());
    assertEquals(6, report.path("badSequenceNr").asLong());
  }

  @Test
  void anUnreadableRowIsNamedAndVerifyAllFindsTheBrokenFlow() throws Exception {
    String uid = runFlow("garbled");
    try (Connection c = connect(); PreparedStatement st = c.prepareStatement("UPDATE \"event_journal\" SET"
        + " \"event_payload\" = ? WHERE \"persistence_id\" = ? AND \"sequence_number\" = 3")) {
      st.setBytes(1, "not cbor at all".getBytes());
      st.setString(2, "JobFlow|" + uid);
      assertEquals(1, st.executeUpdate());
    }
    AuditCli verify = AuditCli.run(harness.journalDir, "--verify", "default/garbled");
    assertEquals(1, verify.exit(), verify.toString());
    assertTrue(verify.out().contains("UNREADABLE"), verify.out());
    assertTrue(verify.err().contains("at sequence number 3"), verify.err());

    AuditCli all = AuditCli.run(harness.journalDir, "--verify", "--all", "-o", "jsonl");
    assertEquals(1, all.exit(), all.toString());
    assertTrue(all.out().lines().anyMatch(l -> l.contains("\"name\":\"garbled\"") && l.contains("\"badSequenceNr\":3")),
        all.out());
  }

  // ---- the journal, by hand --------------------------------------------------------------------

  static Connection connect() throws Exception {
    return DriverManager.getConnection(settings.journal().jdbcUrl(), "sa", "");
  }

  static FlowEvent read(String uid, long seq) throws Exception {
    try (Connection c = connect(); PreparedStatement st = c.prepareStatement("SELECT \"event_payload\","
        + " \"event_ser_id\", \"event_ser_manifest\" FROM \"event_journal\" WHERE \"persistence_id\" = ?"
        + " AND \"sequence_number\" = ?")) {
      st.setString(1, "JobFlow|" + uid);
      st.setLong(2, seq);
      ResultSet rs = st.executeQuery();
      assertTrue(rs.next(), "event " + seq + " exists");
      return (FlowEvent) serialization().deserialize(rs.getBytes(1), rs.getInt(2), rs.getString(3)).get();
    }
  }

  static void write(String uid, long seq, FlowEvent event) throws Exception {
    Serialization ser = serialization();
    byte[] bytes = ser.serialize(event).get();
    String manifest = Serializers.manifestFor(ser.findSerializerFor(event), event);
    try (Connection c = connect(); PreparedStatement st = c.prepareStatement("UPDATE \"event_journal\" SET"
        + " \"event_payload\" = ?, \"event_ser_manifest\" = ? WHERE \"persistence_id\" = ? AND \"sequence_number\" = ?")) {
      st.setBytes(1, bytes);
      st.setString(2, manifest);
      st.setString(3, "JobFlow|" + uid);
      st.setLong(4, seq);
      assertEquals(1, st.executeUpdate());
    }
  }

  static Serialization serialization() {
    return SerializationExtension.get(harness.controller.system());
  }

  static FlowEvent withMeta(FlowEvent event, FlowEvent.EventMeta meta) throws Exception {
    RecordComponent[] components = event.getClass().getRecordComponents();
    Object[] args = new Object[components.length];
    Class<?>[] types = new Class<?>[components.length];
    for (int i = 0; i < components.length; i++) {
      types[i] = components[i].getType();
      args[i] = components[i].getName().equals("meta") ? meta : components[i].getAccessor().invoke(event);
    }
    return (FlowEvent) event.getClass().getDeclaredConstructor(types).newInstance(args);
  }
}
