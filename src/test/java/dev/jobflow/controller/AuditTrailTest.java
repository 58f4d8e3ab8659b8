package dev.jobflow.controller;

import static dev.jobflow.controller.ControllerHarness.flow;
import static dev.jobflow.controller.ControllerHarness.step;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jobflow.api.FlowPhase;
import dev.jobflow.api.JobFlow;
import akka.stream.KillSwitches;
import akka.stream.UniqueKillSwitch;
import akka.stream.javadsl.Keep;
import akka.stream.javadsl.Sink;
import dev.jobflow.audit.AuditJournal;
import dev.jobflow.audit.TimelineEntry;
import dev.jobflow.journal.JournalSettings;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Flows run through the real controller are replayed from its H2 journal by {@code jobflow audit}, while the
 * controller runs (the journal shared through H2's AUTO_SERVER) and after it stopped.
 */
class AuditTrailTest {
  static final ObjectMapper JSON = new ObjectMapper();
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

  @Test
  void aRunIsReplayedInOrderWithStepsAttemptsJobsAndOutcomes() throws Exception {
    harness.submit(flow("audited", "",
        step("extract", List.of(), "50ms", "Failed,Succeeded", "      retries: {limit: 2, backoff: {duration: 100ms}}\n")
            + step("load", List.of("extract"), "50ms", "Succeeded"),
        step("notify", List.of(), "50ms", "Succeeded")));
    JobFlow done = harness.awaitPhase("audited", FlowPhase.Succeeded);
    String uid = done.getMetadata().getUid();

    // while the controller runs
    AuditCli json = AuditCli.run(harness.journalDir, "default/audited", "-o", "json");
    assertEquals(0, json.exit(), json.toString());
    JsonNode doc = JSON.readTree(json.out());
    assertEquals("default", doc.path("namespace").asText());
    assertEquals(1, doc.path("flows").size());
    JsonNode flow = doc.path("flows").get(0);
    assertEquals(uid, flow.path("uid").asText());
    List<String> seen = new ArrayList<>();
    long seq = 0;
    for (JsonNode e : flow.path("events")) {
      assertEquals(++seq, e.path("sequenceNr").asLong(), "sequence numbers run 1, 2, 3, ...");
      assertEquals(uid, e.path("uid").asText());
      assertFalse(e.path("writer").asText().isEmpty(), "every event names its writer");
      assertFalse(e.path("at").asText().isEmpty());
      seen.add(e.path("type").asText() + " " + e.path("step").asText("-") + " " + e.path("attempt").asText("-"));
    }
    assertEquals(List.of(
        "FlowAccepted - -",
        "StepAttemptStarted extract 1", "StepJobCreated extract 1", "StepRetryScheduled extract 1",
        "StepAttemptStarted extract 2", "StepJobCreated extract 2", "StepSucceeded extract 2",
        "StepAttemptStarted load 1", "StepJobCreated load 1", "StepSucceeded load 1",
        "StepAttemptStarted notify 1", "StepJobCreated notify 1", "StepSucceeded notify 1",
        "FlowSucceeded - -"), seen);
    // the Job names and uids are those of the Jobs the cluster ran
    Map<String, Job> jobs = harness.jobs("audited");
    for (JsonNode e : flow.path("events")) {
      if (e.path("type").asText().equals("StepJobCreated")) {
        Job job = jobs.get(e.path("job").asText());
        assertEquals(job.getMetadata().getUid(), e.path("jobUid").asText(), e.toString());
      }
    }
    JsonNode retry = flow.path("events").get(3);
    assertTrue(retry.path("detail").asText().contains("nextAttempt=2"), retry.toString());
    assertFalse(retry.path("reason").asText().isEmpty(), retry.toString());

    AuditCli verify = AuditCli.run(harness.journalDir, "--verify", "default/audited");
    assertEquals(0, verify.exit(), verify.toString());
    assertTrue(verify.out().contains("INTACT"), verify.toString());

    // the same timeline as jsonl and as a table
    AuditCli jsonl = AuditCli.run(harness.journalDir, "default/audited", "-o", "jsonl");
    assertEquals(0, jsonl.exit(), jsonl.toString());
    List<String> lines = jsonl.out().lines().toList();
    assertEquals(seen.size(), lines.size());
    assertEquals("FlowSucceeded", JSON.readTree(lines.get(lines.size() - 1)).path("type").asText());
    AuditCli table = AuditCli.run(harness.journalDir, "default/audited");
    assertEquals(0, table.exit(), table.toString());
    assertTrue(table.out().startsWith("FLOW default/audited  uid " + uid), table.out());
    assertTrue(table.out().lines().anyMatch(l -> l.contains("StepRetryScheduled") && l.contains("audited-extract-1")),
        table.out());
  }

  @Test
  void aDeletedFlowStaysAuditableAndARecreatedOneShowsBothUids() throws Exception {
    String yaml = flow("again", "", step("only", List.of(), "50ms", "Succeeded"), null);
    String firstUid = harness.submit(yaml).getMetadata().getUid();
    harness.awaitPhase("again", FlowPhase.Succeeded);
    harness.client().resources(JobFlow.class).inNamespace("default").withName("again").delete();
    harness.client().resources(JobFlow.class).inNamespace("default").withName("again")
        .waitUntilCondition(f -> f == null, 30, TimeUnit.SECONDS);

    AuditCli deleted = AuditCli.run(harness.journalDir, "default/again", "-o", "jsonl");
    assertEquals(0, deleted.exit(), deleted.toString());
    List<String> lines = deleted.out().lines().toList();
    assertEquals("FlowDeleted", JSON.readTree(lines.get(lines.size() - 1)).path("type").asText(), deleted.out());

    String secondUid = harness.submit(yaml).getMetadata().getUid();
    assertNotEquals(firstUid, secondUid);
    harness.awaitPhase("again", FlowPhase.Succeeded);
    AuditCli both = AuditCli.run(harness.journalDir, "default/again", "-o", "json");
    assertEquals(0, both.exit(), both.toString());
    JsonNode flows = JSON.readTree(both.out()).path("flows");
    assertEquals(2, flows.size(), both.out());
    assertEquals(firstUid, flows.get(0).path("uid").asText(), "the older flow first");
    assertEquals(secondUid, flows.get(1).path("uid").asText(), "the newest flow last");

    AuditCli one = AuditCli.run(harness.journalDir, "default/again", "--uid", firstUid, "-o", "json");
    assertEquals(1, JSON.readTree(one.out()).path("flows").size(), one.toString());
    AuditCli verifyBoth = AuditCli.run(harness.journalDir, "--verify", "default/again", "-o", "json");
    assertEquals(0, verifyBoth.exit(), verifyBoth.toString());
    assertEquals(2, JSON.readTree(verifyBoth.out()).path("flows").size());
  }

  @Test
  void allFlowsInWriteOrderFilteredByTimeAndNamespace() throws Exception {
    harness.submit(flow("listed", "", step("s", List.of(), "50ms", "Succeeded"), null));
    harness.awaitPhase("listed", FlowPhase.Succeeded);
    AuditCli all = AuditCli.run(harness.journalDir, "--all", "-o", "jsonl");
    assertEquals(0, all.exit(), all.toString());
    List<JsonNode> events = new ArrayList<>();
    for (String line : all.out().lines().toList()) {
      events.add(JSON.readTree(line));
    }
    assertTrue(events.stream().anyMatch(e -> e.path("name").asText().equals("listed")));
    for (int i = 1; i < events.size(); i++) {
      assertFalse(java.time.Instant.parse(events.get(i).path("at").asText())
          .isBefore(java.time.Instant.parse(events.get(i - 1).path("at").asText()).minusSeconds(1)),
          "written order is time order");
    }
    AuditCli otherNs = AuditCli.run(harness.journalDir, "--all", "--namespace", "elsewhere", "-o", "jsonl");
    assertEquals(0, otherNs.exit(), otherNs.toString());
    assertEquals("", otherNs.out());
    AuditCli future = AuditCli.run(harness.journalDir, "--all", "--since", "2999-01-01", "-o", "json");
    assertEquals(0, JSON.readTree(future.out()).path("events").size(), future.toString());
    AuditCli verifyAll = AuditCli.run(harness.journalDir, "--verify", "--all");
    assertEquals(0, verifyAll.exit(), verifyAll.toString());
  }

  @Test
  void followStreamsEventsAsTheyAreWritten() throws Exception {
    var journal = JournalSettings.fromConfig(ControllerHarness.config()).withDataDir(harness.journalDir);
    try (AuditJournal audit = AuditJournal.open(journal, ControllerHarness.config())) {
      java.util.concurrent.BlockingQueue<TimelineEntry> seen = new java.util.concurrent.LinkedBlockingQueue<>();
      UniqueKillSwitch stream = audit.history().all(null, "default", true)
          .viaMat(KillSwitches.single(), Keep.right())
          .to(Sink.foreach(seen::add)).run(audit.system());
      try {
        harness.submit(flow("followed", "", step("s", List.of(), "50ms", "Succeeded"), null));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        List<String> followed = new ArrayList<>();
        while (!followed.contains("FlowSucceeded")) {
          TimelineEntry e = seen.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
          assertTrue(e != null, "FlowSucceeded of 'followed' streamed within 60 s; saw " + followed);
          if (e.name() != null && e.name().equals("followed")) {
            followed.add(e.type());
          }
        }
        assertEquals("FlowAccepted", followed.get(0));
      } finally {
        stream.shutdown();
      }
    }
  }

  /** H2 lets one process open the file: another reads it through the controller's JournalServer. */
  @Test
  void anotherProcessReadsTheJournalWhileTheControllerRuns() throws Exception {
    harness.submit(flow("crossproc", "", step("s", List.of(), "50ms", "Succeeded"), null));
    harness.awaitPhase("crossproc", FlowPhase.Succeeded);
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process p = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
        "dev.jobflow.cli.JobflowCommand", "audit", "--data-dir", harness.journalDir.toString(), "--verify",
        "default/crossproc", "-o", "jsonl")
        .redirectErrorStream(true).start();
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the audit process finished");
    String out = new String(p.getInputStream().readAllBytes());
    assertEquals(0, p.exitValue(), out);
    assertTrue(out.contains("\"verdict\":\"INTACT\""), out);
  }

  @Test
  void unusableInputExitsTwoWithOneLine() {
    AuditCli unknown = AuditCli.run(harness.journalDir, "default/never-ran");
    assertEquals(2, unknown.exit(), unknown.toString());
    assertEquals("jobflow: no flow default/never-ran in the journal", unknown.err().strip());
    AuditCli badName = AuditCli.run(harness.journalDir, "just-a-name");
    assertEquals(2, badName.exit(), badName.toString());
    assertTrue(badName.err().contains("NAMESPACE/NAME"), badName.err());
    AuditCli noJournal = AuditCli.run(dir.resolve("nowhere"), "default/audited");
    assertEquals(2, noJournal.exit(), noJournal.toString());
    assertTrue(noJournal.err().startsWith("jobflow: no journal at "), noJournal.err());
    AuditCli badFormat = AuditCli.run(harness.journalDir, "default/audited", "-o", "yaml");
    assertEquals(2, badFormat.exit(), badFormat.toString());
    AuditCli badSince = AuditCli.run(harness.journalDir, "--all", "--since", "yesterday");
    assertEquals(2, badSince.exit(), badSince.toString());
    assertTrue(badSince.err().contains("yesterday"), badSince.err());
  }
}
