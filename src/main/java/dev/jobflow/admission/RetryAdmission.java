package dev.jobflow.admission;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.jobflow.api.RetryRequest;
import dev.jobflow.validation.Problem;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The admission rules of a retry request ({@link RetryRequest}): the mutating webhook stamps who asked and when; the
 * validating webhook allows a new request only on a finished flow that can be retried, and never lets the stamps be
 * set by hand, so the journal's {@code FlowRetried.requestedBy} is the user the API server authenticated.
 */
final class RetryAdmission {
  private static final String ANNOTATIONS = "/metadata/annotations";

  private RetryAdmission() {}

  /** True when the update sets the retry annotation to a value it did not have. */
  static boolean asksForRetry(AdmissionRequest request) {
    return request.isUpdate() && !request.isSubResource()
        && !Objects.equals(annotation(request.object(), RetryRequest.ANNOTATION),
            annotation(request.oldObject(), RetryRequest.ANNOTATION))
        && annotation(request.object(), RetryRequest.ANNOTATION) != null;
  }

  /** JSONPatch operations that stamp the requesting user and the time onto a new retry request (none otherwise). */
  static void stamp(AdmissionRequest request, Clock clock, ArrayNode ops) {
    if (!asksForRetry(request)) {
      return;
    }
    JsonNode annotations = request.object().path("metadata").path("annotations");
    set(ops, annotations, RetryRequest.BY_ANNOTATION, request.userInfo().username());
    set(ops, annotations, RetryRequest.AT_ANNOTATION, clock.instant().truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
        .toString());
  }

  private static void set(ArrayNode ops, JsonNode annotations, String key, String value) {
    ops.addObject().put("op", annotations.has(key) ? "replace" : "add")
        .put("path", ANNOTATIONS + "/" + key.replace("~", "~0").replace("/", "~1"))
        .set("value", JsonNodeFactory.instance.textNode(value));
  }

  /** Every problem of the retry annotations of a JobFlow create or update. */
  static List<Problem> problems(AdmissionRequest request) {
    List<Problem> problems = new ArrayList<>();
    JsonNode object = request.object();
    String field = "metadata.annotations[" + RetryRequest.ANNOTATION + "]";
    if (request.isCreate()) {
      if (annotation(object, RetryRequest.ANNOTATION) != null) {
        problems.add(new Problem(field, "a new flow cannot carry a retry request: only a finished flow is retried"
            + " (jobflow resubmit makes a new flow from a finished one)"));
      }
      return problems;
    }
    if (!asksForRetry(request)) {
      for (String stamp : List.of(RetryRequest.BY_ANNOTATION, RetryRequest.AT_ANNOTATION, RetryRequest.STEP_ANNOTATION)) {
        if (!Objects.equals(annotation(object, stamp), annotation(request.oldObject(), stamp))) {
          problems.add(new Problem("metadata.annotations[" + stamp + "]", "changes only with a new "
              + RetryRequest.ANNOTATION + " value (the webhook stamps who asked and when)"));
        }
      }
      return problems;
    }
    String phase = request.oldObject().path("status").path("phase").asText("");
    if (!phase.equals("Failed") && !phase.equals("Cancelled")) {
      problems.add(new Problem(field, "only a Failed or Cancelled flow can be retried; this one is "
          + (phase.isEmpty() ? "Pending" : phase) + (phase.equals("Succeeded") ? " (jobflow resubmit runs it anew)" : "")));
    }
    if (object.path("metadata").path("deletionTimestamp").isTextual()) {
      problems.add(new Problem(field, "the flow is being deleted"));
    }
    JsonNode shutdown = object.path("spec").get("shutdown");
    if (shutdown != null && !shutdown.isNull()) {
      problems.add(new Problem("spec.shutdown", "is " + shutdown.asText() + ": remove it in the same update to retry"
          + " (jobflow retry does), or the flow would stop again"));
    }
    String step = annotation(object, RetryRequest.STEP_ANNOTATION);
    if (step != null && !isDagStep(object.path("spec"), step)) {
      problems.add(new Problem("metadata.annotations[" + RetryRequest.STEP_ANNOTATION + "]", "'" + step
          + "' is not a step of spec.steps (nor an instance of a fan-out step)" + (object.path("spec").hasNonNull("templateRef")
          ? " (a flow run from a template: name a step of its template)" : "")));
    }
    if (!Objects.equals(annotation(object, RetryRequest.BY_ANNOTATION), request.userInfo().username().isEmpty() ? null : request.userInfo().username())) {
      problems.add(new Problem("metadata.annotations[" + RetryRequest.BY_ANNOTATION + "]",
          "must be the requesting user, stamped by the mutating webhook (is the /mutate webhook installed?)"));
    }
    return problems;
  }

  private static boolean isDagStep(JsonNode spec, String step) {
    if (spec.hasNonNull("templateRef") && !spec.has("steps")) {
      return true; // the steps are the template's: the controller checks the name against what the flow runs
    }
    for (JsonNode s : spec.path("steps")) {
      if (step.equals(s.path("name").asText(null)) || isInstanceOf(step, s)) {
        return true;
      }
    }
    return false;
  }

  /** Whether {@code step} names an instance ({@code shard-3}) of this step, a fan-out step. */
  private static boolean isInstanceOf(String step, JsonNode s) {
    String name = s.path("name").asText("");
    boolean fansOut = s.hasNonNull("withItems") || s.hasNonNull("withParam") || s.hasNonNull("withSequence")
        || s.hasNonNull("matrix");
    return fansOut && step.length() > name.length() + 1 && step.startsWith(name + "-")
        && step.substring(name.length() + 1).chars().allMatch(Character::isDigit);
  }

  private static String annotation(JsonNode object, String key) {
    JsonNode value = object == null ? null : object.path("metadata").path("annotations").get(key);
    return value == null || !value.isTextual() || value.textValue().isEmpty() ? null : value.textValue();
  }
}
