package dev.jobflow.kube;

import java.net.URI;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * An HTTP request to the Kubernetes API server as RBAC sees it: API group, resource (with subresource),
 * verb, namespace and name, with the API server's own mapping of methods to verbs. The one reading of a request:
 * the request metrics count by it ({@code KubeApiMetrics}), and tests check every request the controller really
 * sent against the permissions the ClusterRole grants.
 */
public record ApiCall(String apiGroup, String resource, String verb, String namespace, String name) {

  /**
   * Classifies {@code method} and {@code pathAndQuery} (e.g. {@code GET /apis/batch/v1/jobs?watch=true}); empty for
   * requests RBAC does not authorize as resources (discovery such as {@code /api}, {@code /apis/batch/v1},
   * {@code /version}, {@code /openapi/...}).
   */
  public static Optional<ApiCall> parse(String method, String pathAndQuery) {
    URI uri = URI.create(pathAndQuery);
    List<String> parts = Arrays.stream(uri.getRawPath().split("/")).filter(s -> !s.isEmpty()).toList();
    String group;
    int rest;
    if (parts.size() >= 2 && parts.get(0).equals("api")) {
      group = "";
      rest = 2; // api/v1/...
    } else if (parts.size() >= 3 && parts.get(0).equals("apis")) {
      group = parts.get(1);
      rest = 3; // apis/<group>/<version>/...
    } else {
      return Optional.empty();
    }
    List<String> r = parts.subList(rest, parts.size());
    String namespace = null;
    if (r.size() > 2 && r.get(0).equals("namespaces")) {
      namespace = r.get(1);
      r = r.subList(2, r.size());
    }
    if (r.isEmpty()) {
      return Optional.empty();
    }
    String resource = r.get(0);
    String name = r.size() >= 2 ? r.get(1) : null;
    if (r.size() >= 3) {
      resource = resource + "/" + String.join("/", r.subList(2, r.size()));
    }
    if (namespace == null && resource.equals("namespaces") && name != null && r.size() == 2) {
      namespace = name; // a Namespace object itself
    }
    boolean watch = hasTrueParam(uri.getRawQuery(), "watch");
    String verb = switch (method.toUpperCase()) {
      case "GET", "HEAD" -> name == null ? (watch ? "watch" : "list") : (watch ? "watch" : "get");
      case "POST" -> "create";
      case "PUT" -> "update";
      case "PATCH" -> "patch";
      case "DELETE" -> name == null ? "deletecollection" : "delete";
      default -> throw new IllegalArgumentException("not a Kubernetes API method: " + method + " " + pathAndQuery);
    };
    return Optional.of(new ApiCall(group, resource, verb, namespace, name));
  }

  private static boolean hasTrueParam(String rawQuery, String param) {
    if (rawQuery == null) {
      return false;
    }
    return Arrays.stream(rawQuery.split("&"))
        .anyMatch(kv -> kv.equals(param) || kv.equals(param + "=true") || kv.equals(param + "=1"));
  }

  @Override
  public String toString() {
    return verb + " " + (apiGroup.isEmpty() ? "core" : apiGroup) + "/" + resource
        + (namespace == null ? "" : " in " + namespace) + (name == null ? "" : " " + name);
  }
}
