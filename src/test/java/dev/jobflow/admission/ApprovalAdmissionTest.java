package dev.jobflow.admission;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jobflow.api.ApprovalAnnotations;
import dev.jobflow.api.ApprovalDecision;
import dev.jobflow.validation.JobFlowValidator;
import io.fabric8.zjsonpatch.JsonPatch;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The two webhooks on approval decisions: stamped with userInfo, forged ones stripped, non-approvers refused. */
class ApprovalAdmissionTest {
  static final Instant NOW = Instant.parse("2026-12-02T04:00:00Z");
  final MutatingAdmission mutating = new MutatingAdmission(Clock.fixed(NOW, ZoneOffset.UTC));
  final ValidatingAdmission validating = new ValidatingAdmission(new JobFlowValidator());

  /** The recorded flow with a second step, "gate", an approval step for alice and group release-managers. */
  static ObjectNode flowWithGate() {
    ObjectNode flow = Reviews.flow();
    ObjectNode gate = Reviews.spec(flow).withArray("steps").addObject().put("name", "gate");
    ObjectNode approval = gate.putObject("approval").put("message", "ship?");
    approval.putObject("approvers").putArray("users").add("alice");
    ((ObjectNode) approval.get("approvers")).putArray("groups").add("release-managers");
    return flow;
  }

  static ObjectNode annotated(ObjectNode flow, String key, String value) {
    ObjectNode copy = flow.deepCopy();
    copy.with("metadata").with("annotations").put(key, value);
    return copy;
  }

  /** An UPDATE by {@code user}: mutated, then validated, as the API server runs them. */
  record Outcome(JsonNode stored, AdmissionResponse verdict) {}

  Outcome update(ObjectNode before, ObjectNode after, String user, String... groups) throws Exception {
    ObjectNode review = Reviews.update(before, after);
    ObjectNode userInfo = Reviews.request(review).putObject("userInfo").put("username", user);
    for (String g : groups) {
      userInfo.withArray("groups").add(g);
    }
    AdmissionResponse mutated = mutating.review(AdmissionRequest.parse(Reviews.JSON.writeValueAsBytes(review)));
    JsonNode object = mutated.patch() == null ? after : JsonPatch.apply(mutated.patch(), after);
    Reviews.request(review).set("object", object);
    return new Outcome(object, validating.review(AdmissionRequest.parse(Reviews.JSON.writeValueAsBytes(review))));
  }

  static String annotation(JsonNode object, String key) {
    JsonNode v = object.path("metadata").path("annotations").get(key);
    return v == null ? null : v.asText();
  }

  @Test
  void aRequestIsStampedWithTheRequesterAndAdmittedForAnApprover() throws Exception {
    ObjectNode before = flowWithGate();
    ObjectNode after = annotated(annotated(before, ApprovalAnnotations.requestKey("gate"), "Approve "),
        ApprovalAnnotations.commentKey("gate"), "CHG-7");
    Outcome o = update(before, after, "rita", "release-managers", "system:authenticated");
    assertTrue(o.verdict().allowed(), o.verdict().message());
    assertNull(annotation(o.stored(), ApprovalAnnotations.requestKey("gate")));
    assertNull(annotation(o.stored(), ApprovalAnnotations.commentKey("gate")));
    ApprovalDecision d = ApprovalDecision.parse(annotation(o.stored(), ApprovalAnnotations.decisionKey("gate")));
    assertEquals(new ApprovalDecision(true, "rita", List.of("release-managers", "system:authenticated"), "CHG-7",
        "2026-12-02T04:00:00Z"), d);
  }

  @Test
  void someoneNotAmongTheApproversIsForbiddenNamingTheStepAndItsApprovers() throws Exception {
    ObjectNode before = flowWithGate();
    Outcome o = update(before, annotated(before, ApprovalAnnotations.requestKey("gate"), "reject"), "mallory",
        "developers");
    assertFalse(o.verdict().allowed());
    assertEquals(403, o.verdict().code());
    assertTrue(o.verdict().message().endsWith("user \"mallory\" may not reject step 'gate': its approvers are alice, "
        + "group:release-managers"), o.verdict().message());
    assertEquals(403, o.verdict().toReview().path("response").path("status").path("code").asInt());
  }

  @Test
  void aDecisionWrittenByTheRequestIsStrippedOrPutBackAsStored() throws Exception {
    ObjectNode before = flowWithGate();
    String forged = new ApprovalDecision(true, "alice", List.of(), null, "2026-01-01T00:00:00Z").toJson();
    Outcome stripped = update(before, annotated(before, ApprovalAnnotations.decisionKey("gate"), forged), "mallory");
    assertTrue(stripped.verdict().allowed(), stripped.verdict().message());
    assertNull(annotation(stripped.stored(), ApprovalAnnotations.decisionKey("gate")));

    String stored = new ApprovalDecision(false, "alice", List.of(), "no", "2026-12-01T00:00:00Z").toJson();
    ObjectNode decided = annotated(before, ApprovalAnnotations.decisionKey("gate"), stored);
    Outcome putBack = update(decided, annotated(decided, ApprovalAnnotations.decisionKey("gate"), forged), "mallory");
    assertTrue(putBack.verdict().allowed(), putBack.verdict().message());
    assertEquals(stored, annotation(putBack.stored(), ApprovalAnnotations.decisionKey("gate")));
  }

  @Test
  void aDecisionIsMadeOnceOnAnApprovalStepWithAVerdictTheWebhookKnows() throws Exception {
    ObjectNode before = flowWithGate();
    ObjectNode decided = annotated(before, ApprovalAnnotations.decisionKey("gate"),
        new ApprovalDecision(true, "alice", List.of(), null, "2026-12-01T00:00:00Z").toJson());
    Outcome again = update(decided, annotated(decided, ApprovalAnnotations.requestKey("gate"), "reject"), "alice");
    assertFalse(again.verdict().allowed());
    assertTrue(again.verdict().message().contains("step 'gate' was already approved by alice"), again.verdict().message());

    String jobStep = Reviews.step(before, 0).path("name").asText();
    Outcome notApproval = update(before, annotated(before, ApprovalAnnotations.requestKey(jobStep), "approve"), "alice");
    assertFalse(notApproval.verdict().allowed());
    assertTrue(notApproval.verdict().message().contains("step '" + jobStep + "' is not an approval step"),
        notApproval.verdict().message());

    Outcome nonsense = update(before, annotated(before, ApprovalAnnotations.requestKey("gate"), "yes"), "alice");
    assertFalse(nonsense.verdict().allowed());
    assertTrue(nonsense.verdict().message().contains("metadata.annotations[jobflow.dev/approve.gate]: must be approve"
        + " or reject, got 'yes'"), nonsense.verdict().message());
  }
}
