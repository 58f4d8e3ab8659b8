package dev.jobflow.admission;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Base64;

/**
 * The verdict on one request, written as the {@code admission.k8s.io/v1} AdmissionReview the API server
 * expects back (HTTP 200 whatever the verdict).
 *
 * @param patch JSONPatch operations to apply, or null for none
 * @param code the HTTP status the API server answers a denial with (422 Invalid, 403 Forbidden)
 */
public record AdmissionResponse(String uid, boolean allowed, String message, ArrayNode patch, int code) {

  /** Kubernetes answers an invalid object with 422 Invalid; the API server passes this on to the user. */
  private static final int DENIED_CODE = 422;
  /** A requester who may not do what the object asks (decide an approval step they are not an approver of). */
  private static final int FORBIDDEN_CODE = 403;

  public static AdmissionResponse allow(String uid) {
    return new AdmissionResponse(uid, true, null, null, 0);
  }

  public static AdmissionResponse deny(String uid, String message) {
    return new AdmissionResponse(uid, false, message, null, DENIED_CODE);
  }

  public static AdmissionResponse forbid(String uid, String message) {
    return new AdmissionResponse(uid, false, message, null, FORBIDDEN_CODE);
  }

  /** Allowed, with the patch when it has operations. */
  public static AdmissionResponse patch(String uid, ArrayNode operations) {
    return new AdmissionResponse(uid, true, null, operations == null || operations.isEmpty() ? null : operations, 0);
  }

  public boolean patched() {
    return patch != null;
  }

  public ObjectNode toReview() {
    ObjectNode review = JsonNodeFactory.instance.objectNode();
    review.put("apiVersion", AdmissionRequest.API_VERSION);
    review.put("kind", AdmissionRequest.KIND);
    ObjectNode response = review.putObject("response");
    response.put("uid", uid);
    response.put("allowed", allowed);
    if (!allowed) {
      ObjectNode status = response.putObject("status");
      status.put("code", code);
      status.put("reason", code == FORBIDDEN_CODE ? "Forbidden" : "Invalid");
      status.put("message", message);
    }
    if (patch != null) {
      response.put("patchType", "JSONPatch");
      response.put("patch", Base64.getEncoder().encodeToString(toBytes(patch)));
    }
    return review;
  }

  public byte[] toJsonBytes() {
    return toBytes(toReview());
  }

  private static byte[] toBytes(Object tree) {
    try {
      return AdmissionRequest.JSON.writeValueAsBytes(tree);
    } catch (JsonProcessingException e) {
      // Trees of strings and numbers always serialize.
      throw new IllegalStateException(e);
    }
  }
}
