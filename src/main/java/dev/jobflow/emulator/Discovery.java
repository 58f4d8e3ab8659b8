package dev.jobflow.emulator;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The discovery and OpenAPI documents kubectl reads before it does anything: which groups, versions
 * and resources exist ({@code /api}, {@code /apis}, {@code /api/v1}, {@code /apis/G/V}), and an
 * OpenAPI v3 index whose PATCH operations declare {@code fieldValidation}, so that
 * {@code kubectl create/apply} leave validation to the server instead of downloading schemas.
 */
final class Discovery {
  private static final ObjectMapper JSON = Serialization.jsonMapper();

  /** The built-in kinds: what Jobflow, its controller and kubectl touch, nothing more. */
  static final List<ResourceType> BUILT_IN = List.of(
      new ResourceType("", "v1", "namespaces", "namespace", "Namespace", false, List.of("ns"), true),
      new ResourceType("", "v1", "pods", "pod", "Pod", true, List.of("po"), true),
      new ResourceType("", "v1", "events", "event", "Event", true, List.of("ev"), false),
      new ResourceType("", "v1", "configmaps", "configmap", "ConfigMap", true, List.of("cm"), false),
      new ResourceType("", "v1", "secrets", "secret", "Secret", true, List.of(), false),
      new ResourceType("", "v1", "services", "service", "Service", true, List.of("svc"), true),
      new ResourceType("", "v1", "serviceaccounts", "serviceaccount", "ServiceAccount", true, List.of("sa"), false),
      new ResourceType("batch", "v1", "jobs", "job", "Job", true, List.of(), true),
      new ResourceType("batch", "v1", "cronjobs", "cronjob", "CronJob", true, List.of("cj"), true),
      new ResourceType("coordination.k8s.io", "v1", "leases", "lease", "Lease", true, List.of(), false),
      new ResourceType("admissionregistration.k8s.io", "v1", "mutatingwebhookconfigurations",
          "mutatingwebhookconfiguration", "MutatingWebhookConfiguration", false, List.of(), false),
      new ResourceType("admissionregistration.k8s.io", "v1", "validatingwebhookconfigurations",
          "validatingwebhookconfiguration", "ValidatingWebhookConfiguration", false, List.of(), false),
      new ResourceType("apiextensions.k8s.io", "v1", "customresourcedefinitions",
          "customresourcedefinition", "CustomResourceDefinition", false, List.of("crd", "crds"), true));

  private final Supplier<List<ResourceType>> customTypes;

  Discovery(Supplier<List<ResourceType>> customTypes) {
    this.customTypes = customTypes;
  }

  List<ResourceType> all() {
    List<ResourceType> all = new ArrayList<>(BUILT_IN);
    all.addAll(customTypes.get());
    return all;
  }

  Optional<ResourceType> find(String group, String plural) {
    String g = group == null ? "" : group;
    return all().stream().filter(t -> t.group().equals(g) && t.plural().equals(plural)).findFirst();
  }

  /** The JSON answer for a discovery or OpenAPI path, or empty when the path is not one of them. */
  Optional<String> answer(String path) {
    if (path.equals("/version")) {
      return Optional.of("{\"major\":\"1\",\"minor\":\"32\",\"gitVersion\":\"v1.32.0-jobflow-emulator\","
          + "\"platform\":\"linux/amd64\"}");
    }
    if (path.equals("/api")) {
      return Optional.of("{\"kind\":\"APIVersions\",\"versions\":[\"v1\"],\"serverAddressByClientCIDRs\":"
          + "[{\"clientCIDR\":\"0.0.0.0/0\",\"serverAddress\":\"127.0.0.1\"}]}");
    }
    if (path.equals("/apis")) {
      return Optional.of(groupList());
    }
    if (path.equals("/openapi/v3")) {
      return Optional.of(openApiIndex());
    }
    Map<String, List<ResourceType>> byGv = byGroupVersion();
    if (path.startsWith("/openapi/v3/")) {
      String gvPath = path.substring("/openapi/v3".length());
      List<ResourceType> types = byGv.get(gvPath);
      return types == null ? Optional.empty() : Optional.of(openApiDocument(types));
    }
    List<ResourceType> types = byGv.get(path);
    if (types != null) {
      return Optional.of(resourceList(types));
    }
    if (path.startsWith("/apis/") && path.chars().filter(c -> c == '/').count() == 2) {
      String group = path.substring("/apis/".length());
      return groupOf(group, byGv).map(Discovery::write);
    }
    return Optional.empty();
  }

  private Map<String, List<ResourceType>> byGroupVersion() {
    Map<String, List<ResourceType>> byGv = new LinkedHashMap<>();
    for (ResourceType t : all()) {
      byGv.computeIfAbsent(t.groupVersionPath(), k -> new ArrayList<>()).add(t);
    }
    return byGv;
  }

  private String groupList() {
    ObjectNode root = JSON.createObjectNode().put("kind", "APIGroupList").put("apiVersion", "v1");
    ArrayNode groups = root.putArray("groups");
    Map<String, List<ResourceType>> byGv = byGroupVersion();
    byGv.values().stream().map(l -> l.get(0).group()).filter(g -> !g.isEmpty()).distinct()
        .forEach(g -> groups.add(groupOf(g, byGv).orElseThrow()));
    return write(root);
  }

  private static Optional<ObjectNode> groupOf(String group, Map<String, List<ResourceType>> byGv) {
    List<String> versions = byGv.values().stream().map(l -> l.get(0))
        .filter(t -> t.group().equals(group)).map(ResourceType::version).distinct().toList();
    if (versions.isEmpty()) {
      return Optional.empty();
    }
    ObjectNode g = JSON.createObjectNode().put("kind", "APIGroup").put("apiVersion", "v1").put("name", group);
    ArrayNode vs = g.putArray("versions");
    for (String v : versions) {
      vs.addObject().put("groupVersion", group + "/" + v).put("version", v);
    }
    g.putObject("preferredVersion").put("groupVersion", group + "/" + versions.get(0)).put("version", versions.get(0));
    return Optional.of(g);
  }

  private static String resourceList(List<ResourceType> types) {
    ObjectNode root = JSON.createObjectNode().put("kind", "APIResourceList").put("apiVersion", "v1")
        .put("groupVersion", types.get(0).apiVersion());
    ArrayNode resources = root.putArray("resources");
    for (ResourceType t : types) {
      ObjectNode r = resources.addObject().put("name", t.plural()).put("singularName", t.singular())
          .put("namespaced", t.namespaced()).put("kind", t.kind());
      ArrayNode verbs = r.putArray("verbs");
      ResourceType.VERBS.forEach(verbs::add);
      if (!t.shortNames().isEmpty()) {
        ArrayNode shorts = r.putArray("shortNames");
        t.shortNames().forEach(shorts::add);
      }
      if (!t.group().isEmpty() && !t.group().endsWith(".k8s.io") && !t.group().equals("batch")) {
        r.putArray("categories").add("all");
      }
      if (t.statusSubresource()) {
        ObjectNode s = resources.addObject().put("name", t.plural() + "/status").put("singularName", "")
            .put("namespaced", t.namespaced()).put("kind", t.kind());
        s.putArray("verbs").add("get").add("patch").add("update");
      }
    }
    return write(root);
  }

  private String openApiIndex() {
    ObjectNode root = JSON.createObjectNode();
    ObjectNode paths = root.putObject("paths");
    for (String gvPath : byGroupVersion().keySet()) {
      String key = gvPath.substring(1);
      paths.putObject(key).put("serverRelativeURL", "/openapi/v3" + gvPath + "?hash=emulator");
    }
    return write(root);
  }

  /**
   * A minimal OpenAPI v3 document: one path per resource whose PATCH names its kind and the
   * {@code fieldValidation} parameter. No schemas: kubectl then uses JSON merge patches for
   * custom resources on {@code apply}, as it does against a real cluster without published schemas.
   */
  private static String openApiDocument(List<ResourceType> types) {
    ObjectNode root = JSON.createObjectNode().put("openapi", "3.0.0");
    root.putObject("info").put("title", "Jobflow API-server emulator").put("version", "v1.32.0");
    ObjectNode paths = root.putObject("paths");
    for (ResourceType t : types) {
      String path = t.namespaced()
          ? t.groupVersionPath() + "/namespaces/{namespace}/" + t.plural() + "/{name}"
          : t.groupVersionPath() + "/" + t.plural() + "/{name}";
      ObjectNode item = paths.putObject(path);
      for (String method : List.of("get", "put", "patch", "delete")) {
        ObjectNode op = item.putObject(method).put("operationId", method + t.kind());
        op.putObject("x-kubernetes-group-version-kind")
            .put("group", t.group()).put("version", t.version()).put("kind", t.kind());
        ArrayNode params = op.putArray("parameters");
        if (!method.equals("get") && !method.equals("delete")) {
          params.addObject().put("name", "fieldValidation").put("in", "query")
              .putObject("schema").put("type", "string");
          params.addObject().put("name", "fieldManager").put("in", "query")
              .putObject("schema").put("type", "string");
        }
        op.putObject("responses").putObject("200").put("description", "OK");
      }
    }
    root.putObject("components").putObject("schemas");
    return write(root);
  }

  private static String write(Object node) {
    try {
      return JSON.writeValueAsString(node);
    } catch (Exception e) {
      throw new IllegalStateException("cannot write discovery document", e);
    }
  }
}
