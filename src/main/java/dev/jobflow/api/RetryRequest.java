package dev.jobflow.api;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;

/**
 * A user's request to retry a finished JobFlow in place, as its annotations carry it. A user (or
 * {@code jobflow retry}) sets {@link #ANNOTATION} to a value it did not have before (any text; the CLI writes a
 * counter): that new value is the request. {@link #STEP_ANNOTATION} optionally names a DAG step to restart from. The
 * mutating webhook stamps {@link #BY_ANNOTATION} and {@link #AT_ANNOTATION} from the admission request, which the
 * validating webhook checks, so the journal's {@code FlowRetried} says who asked and when.
 *
 * @param request the value of {@link #ANNOTATION}
 * @param step the step to restart from, null for none
 * @param requestedBy who asked (admission userInfo.username), null when no webhook stamped it
 * @param requestedAt when the webhook saw the request, null when not stamped (or not a timestamp)
 */
public record RetryRequest(String request, String step, String requestedBy, Instant requestedAt) {
  public static final String ANNOTATION = "jobflow.dev/retry";
  public static final String STEP_ANNOTATION = "jobflow.dev/retry-step";
  public static final String BY_ANNOTATION = "jobflow.dev/retry-requested-by";
  public static final String AT_ANNOTATION = "jobflow.dev/retry-requested-at";
  /** On a flow made by {@code jobflow resubmit}: {@code namespace/name} of the flow it was made from. */
  public static final String RESUBMITTED_FROM_ANNOTATION = "jobflow.dev/resubmitted-from";
  /** On a flow made by {@code jobflow resubmit}: the uid of the flow it was made from (a label, so it selects). */
  public static final String RESUBMITTED_FROM_LABEL = "jobflow.dev/resubmitted-from-uid";

  /** The request the annotations carry, null when they carry none. */
  public static RetryRequest from(Map<String, String> annotations) {
    if (annotations == null) {
      return null;
    }
    String request = annotations.get(ANNOTATION);
    if (request == null || request.isBlank()) {
      return null;
    }
    String step = annotations.get(STEP_ANNOTATION);
    return new RetryRequest(request, step == null || step.isBlank() ? null : step, annotations.get(BY_ANNOTATION),
        instant(annotations.get(AT_ANNOTATION)));
  }

  private static Instant instant(String text) {
    try {
      return text == null ? null : Instant.parse(text);
    } catch (DateTimeParseException e) {
      return null;
    }
  }
}
