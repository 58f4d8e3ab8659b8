package dev.jobflow.admission;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.UUID;

/** AdmissionReview requests as the API server sends them, built from a recorded CREATE review. */
final class Reviews {
  static final ObjectMapper JSON = new ObjectMapper();
  private static final ObjectNode CREATE = load("/admission/create-review.json");

  private Reviews() {}

  /** A fresh copy of the recorded CREATE review, with a new uid. */
  static ObjectNode create() {
    ObjectNode review = CREATE.deepCopy();
    request(review).put("uid", UUID.randomUUID().toString());
    return review;
  }

  /** The JobFlow inside the recorded CREATE review. */
  static ObjectNode flow() {
    return (ObjectNode) CREATE.path("request").path("object").deepCopy();
  }

  static ObjectNode create(ObjectNode flow) {
    ObjectNode review = create();
    request(review).set("object", flow);
    return review;
  }

  /** An UPDATE of {@code before} to {@code after}, as {@code kubectl apply} causes it. */
  static ObjectNode update(ObjectNode before, ObjectNode after) {
    ObjectNode review = create();
    ObjectNode request = request(review);
    request.put("operation", "UPDATE");
    request.set("object", after);
    request.set("oldObject", before);
    request.set("options", JSON.createObjectNode().put("kind", "UpdateOptions").put("apiVersion", "meta.k8s.io/v1")
        .put("fieldManager", "kubectl-client-side-apply"));
    return review;
  }

  /** The controller writing {@code status}. */
  static ObjectNode statusUpdate(ObjectNode before, ObjectNode after) {
    ObjectNode review = update(before, after);
    request(review).put("subResource", "status");
    request(review).withObjectProperty("resource").put("resource", "jobflows");
    return review;
  }

  static ObjectNode delete(ObjectNode stored) {
    ObjectNode review = create();
    ObjectNode request = request(review);
    request.put("operation", "DELETE");
    request.putNull("object");
    request.set("oldObject", stored);
    request.set("options", JSON.createObjectNode().put("kind", "DeleteOptions").put("apiVersion", "meta.k8s.io/v1")
        .put("propagationPolicy", "Background"));
    return review;
  }

  static ObjectNode request(ObjectNode review) {
    return (ObjectNode) review.get("request");
  }

  static String uid(ObjectNode review) {
    return review.path("request").path("uid").asText();
  }

  static ObjectNode withPhase(ObjectNode flow, String phase) {
    ObjectNode copy = flow.deepCopy();
    copy.withObjectProperty("status").put("phase", phase);
    return copy;
  }

  static ObjectNode spec(ObjectNode flow) {
    return (ObjectNode) flow.get("spec");
  }

  static ObjectNode step(ObjectNode flow, int index) {
    return (ObjectNode) flow.get("spec").get("steps").get(index);
  }

  /** Applies JSONPatch {@code add} operations, the only kind the webhook sends. */
  static ObjectNode applyPatch(ObjectNode object, ArrayNode patch) {
    ObjectNode copy = object.deepCopy();
    for (JsonNode op : patch) {
      if (!op.path("op").asText().equals("add")) {
        throw new AssertionError("unexpected patch operation " + op);
      }
      String path = op.path("path").asText();
      int slash = path.lastIndexOf('/');
      JsonNode parent = copy.at(path.substring(0, slash));
      if (!(parent instanceof ObjectNode parentObject)) {
        throw new AssertionError("patch " + op + " adds below a non-object " + parent);
      }
      parentObject.set(path.substring(slash + 1).replace("~1", "/").replace("~0", "~"), op.get("value"));
    }
    return copy;
  }

  static ArrayNode emptyArray() {
    return JsonNodeFactory.instance.arrayNode();
  }

  private static ObjectNode load(String resource) {
    try (InputStream in = Reviews.class.getResourceAsStream(resource)) {
      return (ObjectNode) JSON.readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
