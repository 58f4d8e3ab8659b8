package dev.jobflow.emulator;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.http.MockResponse;

/** {@code Status} answers with the reason and message kubectl and fabric8 show to users. */
final class ApiStatus {
  private ApiStatus() {}

  static MockResponse failure(int code, String reason, String message) {
    ObjectNode s = Serialization.jsonMapper().createObjectNode()
        .put("kind", "Status").put("apiVersion", "v1").put("status", "Failure")
        .put("message", message).put("reason", reason).put("code", code);
    s.putObject("metadata");
    return new MockResponse().setResponseCode(code).setBody(s.toString());
  }

  static MockResponse notFound(ResourceType type, String name) {
    return failure(404, "NotFound", type == null
        ? "the server could not find the requested resource"
        : type.qualifiedName() + " \"" + name + "\" not found");
  }

  static String reasonFor(int code) {
    return switch (code) {
      case 400 -> "BadRequest";
      case 403 -> "Forbidden";
      case 404 -> "NotFound";
      case 405 -> "MethodNotAllowed";
      case 409 -> "Conflict";
      case 410 -> "Expired";
      case 415 -> "UnsupportedMediaType";
      case 422 -> "Invalid";
      default -> "InternalError";
    };
  }
}
