package dev.jobflow.admission;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.jobflow.api.ApprovalAnnotations;
import dev.jobflow.api.ApprovalDecision;
import dev.jobflow.api.JobFlow;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The mutating half of approvals: turns {@code jobflow.dev/approve.<step>: approve|reject} (and its comment) into
 * {@code jobflow.dev/decision.<step>} stamped with the admission request's {@code userInfo}, and strips every
 * decision value the request wrote itself (it is put back as stored, or removed), so the only decisions on a JobFlow
 * are ones this webhook stamped. A request with another value is left for {@link ApprovalReview} to refuse.
 */
final class ApprovalStamp {
  private final Clock clock;

  ApprovalStamp(Clock clock) {
    this.clock = clock;
  }

  /** Adds the JSONPatch operations that stamp and strip to {@code ops}. */
  void patch(AdmissionRequest request, ArrayNode ops) {
    if (!JobFlow.KIND.equals(request.kind())) {
      return;
    }
    Map<String, String> now = annotations(request.object());
    Map<String, String> before = request.isUpdate() ? annotations(request.oldObject()) : Map.of();
    Map<String, String> stored = ApprovalAnnotations.decisionValues(before);
    Map<String, String> written = ApprovalAnnotations.decisionValues(now);
    for (Map.Entry<String, String> e : written.entrySet()) {
      String step = e.getKey();
      if (Objects.equals(stored.get(step), e.getValue())) {
        continue;
      }
      String key = ApprovalAnnotations.decisionKey(step);
      if (stored.containsKey(step)) {
        ops.addObject().put("op", "replace").put("path", pointer(key)).put("value", stored.get(step));
      } else {
        ops.addObject().put("op", "remove").put("path", pointer(key));
      }
    }
    String at = clock.instant().truncatedTo(ChronoUnit.SECONDS).toString();
    for (Map.Entry<String, String> r : ApprovalAnnotations.requests(now).entrySet()) {
      String verdict = r.getValue() == null ? "" : r.getValue().trim().toLowerCase(java.util.Locale.ROOT);
      if (!verdict.equals(ApprovalDecision.APPROVE) && !verdict.equals(ApprovalDecision.REJECT)) {
        continue; // refused by ApprovalReview, naming the annotation
      }
      String step = r.getKey();
      String comment = now.get(ApprovalAnnotations.commentKey(step));
      ApprovalDecision decision = new ApprovalDecision(verdict.equals(ApprovalDecision.APPROVE),
          request.userInfo().username(), request.userInfo().groups(), comment, at);
      ops.addObject().put("op", "remove").put("path", pointer(ApprovalAnnotations.requestKey(step)));
      if (comment != null) {
        ops.addObject().put("op", "remove").put("path", pointer(ApprovalAnnotations.commentKey(step)));
      }
      // "add" replaces a value that is there: the stripping above has already put back the stored one.
      ops.addObject().put("op", "add").put("path", pointer(ApprovalAnnotations.decisionKey(step)))
          .put("value", decision.toJson());
    }
  }

  static Map<String, String> annotations(JsonNode object) {
    Map<String, String> out = new TreeMap<>();
    JsonNode a = object == null ? null : object.path("metadata").get("annotations");
    if (a != null && a.isObject()) {
      a.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
    }
    return out;
  }

  /** A JSON pointer to an annotation: {@code /} in the key is {@code ~1} (RFC 6901). */
  private static String pointer(String key) {
    return "/metadata/annotations/" + key.replace("~", "~0").replace("/", "~1");
  }
}
