package dev.jobflow.admission;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.jobflow.api.JobFlow;
import dev.jobflow.api.JobFlowYaml;
import java.io.IOException;
import java.util.Set;

/**
 * The part of an {@code admission.k8s.io/v1} AdmissionReview request this webhook acts on, read from the
 * body exactly as the API server sends it. Everything that makes a body unusable is a
 * {@link BadAdmissionReview} with a one-line reason.
 *
 * @param object the object as it would be stored (null for DELETE)
 * @param oldObject the stored object (UPDATE and DELETE), else null
 * @param userInfo who sent the request, as the API server authenticated them
 */
public record AdmissionRequest(String uid, String operation, String subResource, boolean dryRun, String namespace,
    String name, JsonNode object, JsonNode oldObject, UserInfo userInfo) {

  /** The requester: {@code request.userInfo} (an absent one is an empty user name, which no approver list names). */
  public record UserInfo(String username, java.util.List<String> groups) {
    public UserInfo {
      username = username == null ? "" : username;
      groups = groups == null ? java.util.List.of() : java.util.List.copyOf(groups);
    }
  }

  public static final String API_VERSION = "admission.k8s.io/v1";
  public static final String KIND = "AdmissionReview";
  private static final Set<String> OPERATIONS = Set.of("CREATE", "UPDATE", "DELETE", "CONNECT");
  private static final String KINDS = "JobFlow, JobFlowTemplate or CronJobFlow";

  static final JsonMapper JSON = JsonMapper.builder()
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .build();

  public boolean isCreate() {
    return operation.equals("CREATE");
  }

  public boolean isUpdate() {
    return operation.equals("UPDATE");
  }

  /** DELETE and CONNECT carry no new object to judge. */
  public boolean hasNewObject() {
    return isCreate() || isUpdate();
  }

  /** An update of a subresource such as {@code status}, which the controller writes. */
  public boolean isSubResource() {
    return !subResource.isEmpty();
  }

  /** A short name for messages: {@code namespace/name}. */
  public String flowName() {
    String n = name.isEmpty() ? object == null ? "" : object.path("metadata").path("name").asText("") : name;
    if (n.isEmpty()) {
      n = object == null ? "" : object.path("metadata").path("generateName").asText("") + "*";
    }
    return namespace.isEmpty() ? n : namespace + "/" + n;
  }

  /** Reads a request body. */
  public static AdmissionRequest parse(byte[] body) throws BadAdmissionReview {
    JsonNode review;
    try {
      review = JSON.readTree(body);
    } catch (JsonProcessingException e) {
      throw new BadAdmissionReview("malformed JSON: " + e.getOriginalMessage() + at(e.getLocation()));
    } catch (IOException e) {
      throw new BadAdmissionReview("unreadable body: " + e.getMessage());
    }
    if (review == null || review.isMissingNode()) {
      throw new BadAdmissionReview("empty body: expected an " + API_VERSION + " " + KIND);
    }
    if (!review.isObject()) {
      throw new BadAdmissionReview("body is a JSON " + review.getNodeType().name().toLowerCase()
          + ", not an " + API_VERSION + " " + KIND);
    }
    String apiVersion = text(review, "apiVersion");
    String kind = text(review, "kind");
    if (!KIND.equals(kind)) {
      throw new BadAdmissionReview("body is " + (kind == null ? "an object without kind" : "a " + kind)
          + ", not an " + API_VERSION + " " + KIND);
    }
    if (!API_VERSION.equals(apiVersion)) {
      throw new BadAdmissionReview("AdmissionReview apiVersion is " + (apiVersion == null ? "missing" : apiVersion)
          + "; only " + API_VERSION + " is served (set admissionReviewVersions: [v1])");
    }
    JsonNode request = review.get("request");
    if (request == null || request.isNull()) {
      throw new BadAdmissionReview("AdmissionReview has no request");
    }
    if (!request.isObject()) {
      throw new BadAdmissionReview("AdmissionReview request is not an object");
    }
    String uid = text(request, "uid");
    if (uid == null || uid.isBlank()) {
      throw new BadAdmissionReview("AdmissionReview request has no uid");
    }
    String operation = text(request, "operation");
    if (operation == null || !OPERATIONS.contains(operation)) {
      throw new BadAdmissionReview("request.operation is " + (operation == null ? "missing" : "'" + operation + "'")
          + "; expected CREATE, UPDATE, DELETE or CONNECT");
    }
    JsonNode dryRun = request.get("dryRun");
    if (dryRun != null && !dryRun.isNull() && !dryRun.isBoolean()) {
      throw new BadAdmissionReview("request.dryRun is not a boolean");
    }
    String subResource = orEmpty(text(request, "subResource"));
    JsonNode object = present(request.get("object"));
    JsonNode oldObject = present(request.get("oldObject"));
    JsonNode user = request.path("userInfo");
    java.util.List<String> groups = new java.util.ArrayList<>();
    user.path("groups").forEach(g -> groups.add(g.asText()));
    var parsed = new AdmissionRequest(uid, operation, subResource, dryRun != null && dryRun.asBoolean(),
        orEmpty(text(request, "namespace")), orEmpty(text(request, "name")), object, oldObject,
        new UserInfo(user.isObject() ? text(user, "username") : null, groups));
    parsed.checkObjects(request);
    return parsed;
  }

  private void checkObjects(JsonNode request) throws BadAdmissionReview {
    JsonNode kind = request.get("kind");
    if (kind != null && kind.isObject() && !isSubResource()) {
      String group = kind.path("group").asText("");
      String k = kind.path("kind").asText("");
      if (!group.equals(JobFlow.GROUP) || !JobFlowYaml.KINDS.containsKey(k)) {
        throw new BadAdmissionReview("request.kind is " + (group.isEmpty() ? "core" : group) + "/"
            + kind.path("version").asText("?") + " " + (k.isEmpty() ? "(no kind)" : k) + ", not a "
            + JobFlow.API_VERSION + " " + KINDS);
      }
    }
    if (hasNewObject()) {
      if (object == null) {
        throw new BadAdmissionReview(operation + " request has no request.object");
      }
      requireJobFlow(object, "request.object");
    }
    if (isUpdate()) {
      if (oldObject == null) {
        throw new BadAdmissionReview("UPDATE request has no request.oldObject");
      }
      requireJobFlow(oldObject, "request.oldObject");
    }
  }

  private static void requireJobFlow(JsonNode node, String where) throws BadAdmissionReview {
    if (!node.isObject()) {
      throw new BadAdmissionReview(where + " is a JSON " + node.getNodeType().name().toLowerCase() + ", not a "
          + JobFlow.API_VERSION + " " + KINDS);
    }
    String apiVersion = text(node, "apiVersion");
    String kind = text(node, "kind");
    if (!JobFlow.API_VERSION.equals(apiVersion) || kind == null || !JobFlowYaml.KINDS.containsKey(kind)) {
      throw new BadAdmissionReview(where + " is " + (apiVersion == null ? "(no apiVersion)" : apiVersion) + " "
          + (kind == null ? "(no kind)" : kind) + ", not a " + JobFlow.API_VERSION + " " + KINDS);
    }
  }

  /** The kind of the object judged: JobFlow, JobFlowTemplate or CronJobFlow. */
  public String kind() {
    JsonNode o = object != null ? object : oldObject;
    return o == null ? JobFlow.KIND : o.path("kind").asText(JobFlow.KIND);
  }

  private static JsonNode present(JsonNode node) {
    return node == null || node.isNull() ? null : node;
  }

  /** A string field, or null when absent or not a string. */
  private static String text(JsonNode node, String field) {
    JsonNode value = node.get(field);
    return value != null && value.isTextual() ? value.textValue() : null;
  }

  private static String orEmpty(String s) {
    return s == null ? "" : s;
  }

  private static String at(JsonLocation location) {
    if (location == null || location.getLineNr() < 0) {
      return "";
    }
    return " at line " + location.getLineNr() + ", column " + location.getColumnNr();
  }
}
