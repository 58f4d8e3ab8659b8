package dev.jobflow.admission;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jobflow.api.RetryRequest;
import dev.jobflow.validation.JobFlowValidator;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/**
 * A retry asked with kubectl alone: bumping {@code jobflow.dev/retry} on a finished flow. The mutating webhook stamps
 * the requesting user and the time; the validating webhook allows the bump only on a Failed or Cancelled flow, checks
 * the step, the shutdown and the stamps.
 */
class RetryAdmissionTest {
  static final Instant NOW = Instant.parse("2026-12-02T03:30:00Z");
  final MutatingAdmission mutating = new MutatingAdmission(Clock.fixed(NOW, ZoneOffset.UTC));
  final ValidatingAdmission validating = new ValidatingAdmission(new JobFlowValidator());

  static ObjectNode finished(String phase) {
    ObjectNode flow = Reviews.withPhase(Reviews.flow(), phase);
    flow.withObjectProperty("metadata").withObjectProperty("annotations").put("team", "data");
    return flow;
  }

  static ObjectNode asking(ObjectNode before, String request) {
    ObjectNode after = before.deepCopy();
    after.withObjectProperty("metadata").withObjectProperty("annotations").put(RetryRequest.ANNOTATION, request);
    return after;
  }

  /** The update as the API server runs it: the mutating webhook's patch applied, then judged by the validating one. */
  AdmissionResponse admit(ObjectNode before, ObjectNode after) throws Exception {
    ObjectNode review = Reviews.update(before, after);
    AdmissionResponse mutated = mutating.review(AdmissionRequest.parse(Reviews.JSON.writeValueAsBytes(review)));
    ObjectNode stored = after;
    if (mutated.patch() != null) {
      stored = Reviews.applyPatch(after, mutated.patch());
    }
    Reviews.request(review).set("object", stored);
    AdmissionResponse verdict = validating.review(AdmissionRequest.parse(Reviews.JSON.writeValueAsBytes(review)));
    lastStored = stored;
    return verdict;
  }

  ObjectNode lastStored;

  @Test
  void aBumpOnAFailedFlowIsStampedWithTheRequestingUserAndTime() throws Exception {
    ObjectNode before = finished("Failed");
    AdmissionResponse verdict = admit(before, asking(before, "1"));
    assertTrue(verdict.allowed(), verdict.message());
    JsonNode annotations = lastStored.path("metadata").path("annotations");
    assertEquals("alice@example.com", annotations.path(RetryRequest.BY_ANNOTATION).asText());
    assertEquals(NOW.toString(), annotations.path(RetryRequest.AT_ANNOTATION).asText());
    RetryRequest request = RetryRequest.from(Reviews.JSON.convertValue(annotations,
        new com.fasterxml.jackson.core.type.TypeReference<java.util.Map<String, String>>() {}));
    assertEquals(new RetryRequest("1", null, "alice@example.com", NOW), request);
  }

  @Test
  void aCancelledFlowCanBeRetriedFromANamedStep() throws Exception {
    ObjectNode before = finished("Cancelled");
    ObjectNode after = asking(before, "7");
    String step = Reviews.step(before, 0).path("name").asText();
    ((ObjectNode) after.path("metadata").path("annotations")).put(RetryRequest.STEP_ANNOTATION, step);
    assertTrue(admit(before, after).allowed());
  }

  @Test
  void runningAndSucceededFlowsAreNotRetried() throws Exception {
    for (String phase : new String[] {"Running", "Succeeded", "Pending"}) {
      ObjectNode before = finished(phase);
      AdmissionResponse verdict = admit(before, asking(before, "1"));
      assertFalse(verdict.allowed(), phase);
      assertTrue(verdict.message().contains("metadata.annotations[jobflow.dev/retry]: only a Failed or Cancelled flow"
          + " can be retried; this one is " + phase), verdict.message());
    }
    assertTrue(admit(finished("Succeeded"), asking(finished("Succeeded"), "1")).message().contains("jobflow resubmit"));
  }

  @Test
  void anUnknownStepAndALeftoverShutdownAreNamed() throws Exception {
    ObjectNode before = finished("Cancelled");
    Reviews.spec(before).put("shutdown", "Terminate");
    ObjectNode after = asking(before, "2");
    ((ObjectNode) after.path("metadata").path("annotations")).put(RetryRequest.STEP_ANNOTATION, "nope");
    AdmissionResponse verdict = admit(before, after);
    assertFalse(verdict.allowed());
    assertTrue(verdict.message().contains("metadata.annotations[jobflow.dev/retry-step]: 'nope' is not a step"),
        verdict.message());
    assertTrue(verdict.message().contains("spec.shutdown: is Terminate: remove it in the same update"),
        verdict.message());
  }

  @Test
  void theStampsCannotBeWrittenByHand() throws Exception {
    ObjectNode before = asking(finished("Failed"), "1");
    ObjectNode after = before.deepCopy();
    ((ObjectNode) after.path("metadata").path("annotations")).put(RetryRequest.BY_ANNOTATION, "mallory");
    AdmissionResponse verdict = admit(before, after);
    assertFalse(verdict.allowed());
    assertTrue(verdict.message().contains("metadata.annotations[jobflow.dev/retry-requested-by]: changes only with"
        + " a new jobflow.dev/retry value"), verdict.message());
  }

  @Test
  void theSameRequestAgainIsNoRequestAndOtherAnnotationsStayFree() throws Exception {
    ObjectNode before = asking(finished("Running"), "1");
    ObjectNode after = before.deepCopy();
    ((ObjectNode) after.path("metadata").path("annotations")).put("team", "ml");
    assertTrue(admit(before, after).allowed());
  }

  @Test
  void aNewFlowCannotCarryARetryRequest() throws Exception {
    ObjectNode flow = asking(Reviews.flow(), "1");
    AdmissionResponse verdict = validating.review(AdmissionRequest.parse(
        Reviews.JSON.writeValueAsBytes(Reviews.create(flow))));
    assertFalse(verdict.allowed());
    assertTrue(verdict.message().contains("a new flow cannot carry a retry request"), verdict.message());
  }
}
