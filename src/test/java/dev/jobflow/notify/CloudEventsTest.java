package dev.jobflow.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jobflow.dag.Reasons;
import dev.jobflow.flow.FlowDefinition;
import dev.jobflow.flow.FlowEvent;
import dev.jobflow.flow.FlowEvent.EventMeta;
import dev.jobflow.flow.TemplateSource;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What each journal event becomes on the wire: the envelope's attributes and the data receivers read. */
class CloudEventsTest {
  static final Instant T = Instant.parse("2026-11-23T08:00:00Z");
  static final EventMeta META = new EventMeta(T, "jobflow-controller-0/1", null);
  static final String PID = "JobFlow|6f1c2b9e-0d7a-4c38-9d55-2f0a8c1e7b42";
  static final FlowDefinition FLOW = new FlowDefinition("data", "nightly-etl", "6f1c2b9e-0d7a-4c38-9d55-2f0a8c1e7b42",
      3, null, null, null, false, null, Map.of(), List.of(), List.of(),
      new TemplateSource("etl", "t-uid", "42"), Map.of("team", "data"));
  static final ObjectMapper JSON = new ObjectMapper();

  static JsonNode wire(FlowEvent event, long seqNr) throws Exception {
    CloudEvent ce = CloudEvents.of(PID, seqNr, FLOW, event).orElseThrow();
    return JSON.readTree(ce.toJson());
  }

  @Test
  void theEnvelopeNamesTheJournalEventTheFlowAndTheTime() throws Exception {
    JsonNode ce = wire(new FlowEvent.FlowFailed(META, Reasons.STEP_FAILED, "step 'load' failed"), 17);
    assertEquals("1.0", ce.get("specversion").asText());
    assertEquals(PID + "/17", ce.get("id").asText());
    assertEquals("/apis/jobflow.dev/v1alpha1/namespaces/data/jobflows/nightly-etl", ce.get("source").asText());
    assertEquals("dev.jobflow.flow.failed", ce.get("type").asText());
    assertEquals("nightly-etl", ce.get("subject").asText());
    assertEquals("2026-11-23T08:00:00Z", ce.get("time").asText());
    assertEquals("application/json", ce.get("datacontenttype").asText());
    JsonNode data = ce.get("data");
    assertEquals("data", data.get("namespace").asText());
    assertEquals("nightly-etl", data.get("name").asText());
    assertEquals(FLOW.uid(), data.get("uid").asText());
    assertEquals("Failed", data.get("phase").asText());
    assertEquals(Reasons.STEP_FAILED, data.get("reason").asText());
    assertEquals("step 'load' failed", data.get("message").asText());
  }

  @Test
  void startedCarriesTheTemplateAndLabels() throws Exception {
    JsonNode ce = wire(new FlowEvent.FlowAccepted(META, FLOW), 1);
    assertEquals("dev.jobflow.flow.started", ce.get("type").asText());
    assertEquals(PID + "/1", ce.get("id").asText());
    assertEquals("Running", ce.get("data").get("phase").asText());
    assertEquals(3, ce.get("data").get("generation").asInt());
    assertEquals("etl", ce.get("data").get("template").asText());
    assertEquals("data", ce.get("data").get("labels").get("team").asText());
  }

  @Test
  void succeededAndCancelledSayTheirPhase() throws Exception {
    assertEquals("Succeeded", wire(new FlowEvent.FlowSucceeded(META, Reasons.SUCCEEDED, null), 9)
        .get("data").get("phase").asText());
    JsonNode cancelled = wire(new FlowEvent.FlowCancelled(META, Reasons.STOPPED, "shut down"), 9);
    assertEquals("dev.jobflow.flow.cancelled", cancelled.get("type").asText());
    assertEquals("Cancelled", cancelled.get("data").get("phase").asText());
    assertFalse(wire(new FlowEvent.FlowSucceeded(META, Reasons.SUCCEEDED, null), 9).get("data").has("message"),
        "absent fields are left out, not null");
  }

  @Test
  void stepFailedNamesTheStepAttemptJobAndExitCode() throws Exception {
    JsonNode ce = wire(new FlowEvent.StepFailed(META, "load", 2, "nightly-etl-load-2", "j-uid",
        "BackoffLimitExceeded", "Job has reached the specified backoff limit", 3), 12);
    assertEquals("dev.jobflow.step.failed", ce.get("type").asText());
    assertEquals("nightly-etl/steps/load", ce.get("subject").asText());
    JsonNode data = ce.get("data");
    assertEquals("load", data.get("step").asText());
    assertEquals(2, data.get("attempt").asInt());
    assertEquals("nightly-etl-load-2", data.get("job").asText());
    assertEquals("BackoffLimitExceeded", data.get("reason").asText());
    assertEquals(3, data.get("exitCode").asInt());
  }

  @Test
  void approvalRequestedNamesWhoMayDecideAndUntilWhen() throws Exception {
    JsonNode ce = wire(new FlowEvent.StepApprovalRequested(META, "gate", 1, "Ship build 42?", List.of("alice"),
        List.of("release-managers"), T.plusSeconds(3600)), 5);
    assertEquals("dev.jobflow.approval.requested", ce.get("type").asText());
    assertEquals("nightly-etl/steps/gate", ce.get("subject").asText());
    JsonNode data = ce.get("data");
    assertEquals("Ship build 42?", data.get("message").asText());
    assertEquals("alice", data.get("approvers").get("users").get(0).asText());
    assertEquals("release-managers", data.get("approvers").get("groups").get(0).asText());
    assertEquals("2026-11-23T09:00:00Z", data.get("deadline").asText());
  }

  @Test
  void progressAndControlsAreNoNotification() {
    for (FlowEvent e : List.<FlowEvent>of(new FlowEvent.StepAttemptStarted(META, "a", 1, "j"),
        new FlowEvent.StepSucceeded(META, "a", 1, "j", "u", null, null), new FlowEvent.FlowSuspended(META, 2),
        new FlowEvent.StepRetryScheduled(META, "a", 1, "j", "u", "Failed", "m", 2, T),
        new FlowEvent.FlowTimedOut(META, T), new FlowEvent.FlowDeleted(META))) {
      assertTrue(CloudEvents.of(PID, 1, FLOW, e).isEmpty(), e.getClass().getSimpleName());
    }
  }

  @Test
  void theShortNameIsWhatSinksFilterOn() {
    CloudEvent ce = CloudEvents.of(PID, 4, FLOW, new FlowEvent.StepFailed(META, "a", 1, "j", null, "R", "m"))
        .orElseThrow();
    assertEquals("step.failed", ce.event());
    assertTrue(dev.jobflow.api.NotifySink.EVENTS.contains(ce.event()));
  }
}
