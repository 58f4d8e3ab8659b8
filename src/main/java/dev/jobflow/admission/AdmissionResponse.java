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
 */
public record AdmissionResponse(String uid, boolean allowed, String message, ArrayNode patch) {

  /** Kubernetes answers an invalid object with 422 Invalid; the API server passes this on to the user. */
  private static final int DENIED_CODE = 422;

  public static AdmissionResponse allow(String uid) {
    return new AdmissionResponse(uid, true, null, null);
  }

  public static AdmissionResponse deny(String uid, String message) {
    return new AdmissionResponse(uid, false, message, null);
  }

  /** Allowed, with the patch when it has operations. */
  public static AdmissionResponse patch(String uid, ArrayNode operations) {
    return new AdmissionResponse(uid, true, null, operations == null || operations.isEmpty() ? null : operations);
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
      status.put("code", DENIED_CODE);
      status.put("reason", "Invalid");
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
