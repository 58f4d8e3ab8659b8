package dev.jobflow.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.client.dsl.base.CustomResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.KubernetesAttributesExtractor;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.crud.Attribute;
import io.fabric8.mockwebserver.crud.AttributeSet;
import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.Buffer;
import io.fabric8.mockwebserver.http.Headers;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.fabric8.zjsonpatch.JsonPatch;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * fabric8's CRUD emulator with what Jobflow needs of a real API server on top: every change goes to
 * the {@link WatchHub} (resourceVersion-ordered watches), deletes cascade to dependents by
 * ownerReference (background propagation, or orphaning) and to a namespace's contents, patches follow
 * RFC 7386 / RFC 6902 (a {@code null} removes a field, as kubectl relies on), and creates and updates
 * go through admission webhooks. fabric8 already provides the rest: the status subresource for
 * resources that declare it, generation bumps on spec changes, resourceVersion conflicts, and
 * finalizers with deletionTimestamp.
 */
final class EmulatorStore extends KubernetesCrudDispatcher {
  private static final ObjectMapper JSON = Serialization.jsonMapper();
  private static final String API = KubernetesAttributesExtractor.API;
  private static final String PLURAL = KubernetesAttributesExtractor.PLURAL;
  private static final String NAMESPACE = KubernetesAttributesExtractor.NAMESPACE;
  private static final String NAME = KubernetesAttributesExtractor.NAME;
  private static final String VERSION = KubernetesAttributesExtractor.VERSION;

  final WatchHub hub;
  final Discovery discovery;
  private volatile Admission admission;
  private final Set<String> orphaning = ConcurrentHashMap.newKeySet();
  /** The kinds the stored CRDs define; null when a CRD changed since they were read. */
  private volatile List<ResourceType> customTypes;
  private final java.util.concurrent.atomic.AtomicLong crdChanges = new java.util.concurrent.atomic.AtomicLong();
  private final StoreIndex index = new StoreIndex();
  /** Stored objects read on every write (webhook configurations), by "group/plural"; dropped when one changes. */
  private final Map<String, List<JsonNode>> cachedObjects = new ConcurrentHashMap<>();
  private final Map<String, java.util.concurrent.atomic.AtomicLong> cachedChanges = new ConcurrentHashMap<>();

  EmulatorStore(WatchHub hub) {
    super(List.of());
    this.hub = hub;
    this.discovery = new Discovery(this::customTypes);
    this.admission = new Admission(List.of(), List::of, List::of);
    // Jobs have a status subresource in a real cluster: a PUT of the Job must not reset its status.
    expectCustomResource(new CustomResourceDefinitionContext.Builder().withGroup("batch").withVersion("v1")
        .withPlural("jobs").withKind("Job").withScope("Namespaced").withStatusSubresource(true).build());
  }

  void useWebhooks(List<WebhookTarget> configured) {
    admission = new Admission(configured,
        () -> cachedObjectsOf("admissionregistration.k8s.io", "mutatingwebhookconfigurations"),
        () -> cachedObjectsOf("admissionregistration.k8s.io", "validatingwebhookconfigurations"));
  }

  // ---- changes and their consequences -------------------------------------------------------

  @Override
  public void processEvent(String path, AttributeSet pathAttributes, AttributeSet oldAttributes,
                           GenericKubernetesResource resource, String newState) {
    String existing = oldAttributes == null ? null : map.get(oldAttributes);
    super.processEvent(path, pathAttributes, oldAttributes, resource, newState);
    reindex(pathAttributes, oldAttributes, resource, newState);
    if (Objects.equals(existing, newState) || (existing == null && newState == null)) {
      return;
    }
    AttributeSet where = oldAttributes != null ? oldAttributes : pathAttributes;
    String group = Objects.requireNonNullElse(attr(where, API), "");
    String plural = attr(where, PLURAL);
    String namespace = attr(where, NAMESPACE);
    if ("customresourcedefinitions".equals(plural)) {
      synchronized (crdChanges) {
        crdChanges.incrementAndGet();
        customTypes = null;
      }
    }
    invalidateCached(group, plural);
    JsonNode previous = existing == null ? null : read(existing);
    if (newState == null) {
      ObjectNode gone = (ObjectNode) previous.deepCopy();
      // A real API server gives the deletion its own resourceVersion; informers rely on it.
      ((ObjectNode) gone.path("metadata")).put("resourceVersion", String.valueOf(requestResourceVersion()));
      hub.publish(new WatchHub.Change(rv(gone), "DELETED", group, plural, namespace, gone, previous));
      collectGarbage(gone, group, plural);
    } else {
      JsonNode now = read(newState);
      hub.publish(new WatchHub.Change(rv(now), existing == null ? "ADDED" : "MODIFIED", group, plural,
          namespace, now, previous));
    }
  }

  /**
   * Moves the index from the key fabric8 removed to the key it stored, computed as fabric8 computes it; should
   * the two ever differ (a fabric8 upgrade), the index is rebuilt from the map, so it never hides an object.
   */
  private void reindex(AttributeSet pathAttributes, AttributeSet oldAttributes, GenericKubernetesResource resource,
                       String newState) {
    AttributeSet stored = null;
    if (newState != null) {
      KubernetesAttributesExtractor extractor = (KubernetesAttributesExtractor) attributeExtractor;
      stored = resource != null ? extractor.extract(resource) : extractor.fromResource(newState);
      if (!stored.containsKey(PLURAL)) {
        stored = AttributeSet.merge(pathAttributes, stored);
      }
      if (!map.containsKey(stored)) {
        synchronized (map) {
          index.rebuild(new ArrayList<>(map.keySet()));
        }
        return;
      }
      // The new key first: a lock-free read in between sees the old key gone and waits, never finds nothing.
      index.added(stored);
    }
    if (oldAttributes != null && !oldAttributes.equals(stored)) {
      index.removed(oldAttributes);
    }
  }

  /** Background propagation: dependents of a deleted owner are deleted (or orphaned), recursively. */
  private void collectGarbage(JsonNode deleted, String group, String plural) {
    String uid = deleted.path("metadata").path("uid").asText();
    boolean orphan = orphaning.remove(uid);
    for (Map.Entry<AttributeSet, String> e : new ArrayList<>(map.entrySet())) {
      if (uid.isEmpty() || !e.getValue().contains(uid)) {
        continue;
      }
      JsonNode dependent = read(e.getValue());
      JsonNode refs = dependent.path("metadata").path("ownerReferences");
      if (!refs.isArray() || refs.isEmpty()) {
        continue;
      }
      ArrayNode kept = JSON.createArrayNode();
      refs.forEach(r -> {
        if (!r.path("uid").asText().equals(uid)) {
          kept.add(r);
        }
      });
      if (kept.size() == refs.size()) {
        continue;
      }
      if (orphan || !kept.isEmpty()) {
        ObjectNode updated = (ObjectNode) dependent.deepCopy();
        ((ObjectNode) updated.get("metadata")).set("ownerReferences", kept);
        ((ObjectNode) updated.get("metadata")).put("resourceVersion", String.valueOf(requestResourceVersion()));
        processEvent(pathOf(e.getKey()), e.getKey(), e.getKey(), null, write(updated));
      } else {
        handleDelete(pathOf(e.getKey()));
      }
    }
    if (group.isEmpty() && plural.equals("namespaces")) {
      String ns = deleted.path("metadata").path("name").asText();
      for (AttributeSet key : new ArrayList<>(map.keySet())) {
        if (ns.equals(attr(key, NAMESPACE)) && map.containsKey(key)) {
          handleDelete(pathOf(key));
        }
      }
    }
  }

  /** DELETE with the propagation policy of its DeleteOptions (body) or query. */
  MockResponse delete(String path, String propagationPolicy) {
    if ("Orphan".equals(propagationPolicy)) {
      MockResponse current = handleGet(path);
      if (current.code() == 200) {
        orphaning.add(read(body(current)).path("metadata").path("uid").asText());
      }
    }
    return handleDelete(path);
  }

  // ---- writes: admission, defaults, patches ------------------------------------------------

  @Override
  public MockResponse handleCreate(RecordedRequest request) {
    String path = request.getPath();
    ResourceType type = typeOf(path);
    if (type == null) {
      return super.handleCreate(request);
    }
    try {
      JsonNode object = read(request.getBody().readUtf8());
      String namespace = attr(getKey(path), NAMESPACE);
      if (type.namespaced() && namespace != null && object.path("metadata").isObject()
          && !object.path("metadata").has("namespace")) {
        ((ObjectNode) object.get("metadata")).put("namespace", namespace);
      }
      String collection = path.contains("?") ? path.substring(0, path.indexOf('?')) : path;
      GeneratedNames.apply(object, name -> handleGet(collection + "/" + name).code() == 200);
      Defaults.apply(type, object);
      JsonNode admitted = admission.review("CREATE", type, namespace, object, null, requester(request));
      return super.handleCreate(jsonRequest(HttpMethod.POST, path, admitted));
    } catch (Admission.Refused r) {
      return ApiStatus.failure(r.code, ApiStatus.reasonFor(r.code), r.getMessage());
    } catch (IllegalArgumentException e) {
      return ApiStatus.failure(400, "BadRequest", e.getMessage());
    }
  }

  @Override
  public MockResponse handleUpdate(RecordedRequest request) {
    String path = request.getPath();
    ResourceType type = typeOf(path);
    if (type == null || isStatus(path) || !admission.applies("UPDATE", type)) {
      return super.handleUpdate(request);
    }
    try {
      MockResponse current = handleGet(path);
      if (current.code() != 200) {
        return super.handleUpdate(request);
      }
      JsonNode admitted = admission.review("UPDATE", type, attr(getKey(path), NAMESPACE),
          read(request.getBody().readUtf8()), read(body(current)), requester(request));
      return super.handleUpdate(jsonRequest(HttpMethod.PUT, path, admitted));
    } catch (Admission.Refused r) {
      return ApiStatus.failure(r.code, ApiStatus.reasonFor(r.code), r.getMessage());
    } catch (IllegalArgumentException e) {
      return ApiStatus.failure(400, "BadRequest", e.getMessage());
    }
  }

  /**
   * A patch becomes the full object it yields, then an update (so status, generation, finalizer and
   * admission rules are the update's). Retried when another write got in between, unless the patch
   * itself names a resourceVersion.
   */
  @Override
  public MockResponse handlePatch(RecordedRequest request) {
    String path = request.getPath();
    String contentType = Objects.requireNonNullElse(request.getHeader("Content-Type"), "application/json-patch+json");
    String patchText = request.getBody().readUtf8();
    ResourceType type = typeOf(path);
    try {
      JsonNode patch = contentType.startsWith("application/apply-patch+yaml")
          ? Serialization.yamlMapper().readTree(patchText) : read(patchText);
      boolean jsonPatch = contentType.startsWith("application/json-patch+json");
      if (contentType.startsWith("application/apply-patch+yaml")) {
        // Server-side apply without field ownership: create when absent, else a merge patch.
        if (handleGet(path).code() == 404 && !isStatus(path)) {
          String collection = path.substring(0, path.lastIndexOf('/'));
          return handleCreate(jsonRequest(HttpMethod.POST, collection, patch, request));
        }
      } else if (!jsonPatch && !contentType.startsWith("application/merge-patch+json")
          && !contentType.startsWith("application/strategic-merge-patch+json")) {
        return ApiStatus.failure(415, "UnsupportedMediaType", "the emulator does not support patch type " + contentType
            + ": use merge, strategic-merge, JSON or apply patches");
      }
      boolean pinned = !jsonPatch && patch.path("metadata").hasNonNull("resourceVersion");
      for (int attempt = 0; ; attempt++) {
        MockResponse current = handleGet(path);
        if (current.code() != 200) {
          return ApiStatus.notFound(type, attr(getKey(path), NAME));
        }
        JsonNode before = read(body(current));
        JsonNode after = jsonPatch ? JsonPatch.apply(patch, before) : MergePatch.apply(before, patch);
        if (type != null && !isStatus(path)) {
          after = admission.review("UPDATE", type, attr(getKey(path), NAMESPACE), after, before, requester(request));
        }
        MockResponse result = super.handleUpdate(jsonRequest(HttpMethod.PUT, path, after));
        if (result.code() != 409 || pinned || attempt >= 10) {
          return result;
        }
      }
    } catch (Admission.Refused r) {
      return ApiStatus.failure(r.code, ApiStatus.reasonFor(r.code), r.getMessage());
    } catch (IllegalArgumentException | io.fabric8.zjsonpatch.JsonPatchException
             | com.fasterxml.jackson.core.JsonProcessingException e) {
      return ApiStatus.failure(422, "Invalid", "the patch does not apply: " + e.getMessage());
    }
  }

  // ---- reading --------------------------------------------------------------------------------

  /**
   * A GET of one object looks up its name in the index instead of fabric8's scan of every object. A candidate
   * whose key just left the map (a write is between its remove and its put) sends the read to fabric8, whose
   * read lock waits for that write.
   */
  @Override
  public MockResponse handleGet(String path) {
    AttributeSet query = getKey(path);
    if (attr(query, NAME) == null || path.contains("watch=")) {
      return super.handleGet(path);
    }
    boolean moving = false;
    for (AttributeSet key : index.candidates(query)) {
      String object = map.get(key);
      if (object == null) {
        moving = true;
      } else if (key.matches(query)) {
        return new MockResponse().setResponseCode(200).setBody(object);
      }
    }
    return moving ? super.handleGet(path) : new MockResponse().setResponseCode(404);
  }

  /** What fabric8's create, update and patch handlers look up, under its lock: indexed when the query names one. */
  @Override
  public Map.Entry<AttributeSet, String> findResource(AttributeSet attributes) {
    if (attr(attributes, NAME) == null) {
      return super.findResource(attributes);
    }
    for (AttributeSet key : index.candidates(attributes)) {
      String object = map.get(key);
      if (object != null && key.matches(attributes)) {
        return Map.entry(key, object);
      }
    }
    return null;
  }

  /** The stored objects of one resource, as JSON. */
  List<JsonNode> objectsOf(String group, String plural) {
    List<JsonNode> out = new ArrayList<>();
    AttributeSet query = new AttributeSet(new Attribute(PLURAL, plural));
    for (AttributeSet key : index.candidates(query)) {
      String object = map.get(key);
      if (object != null && group.equals(Objects.requireNonNullElse(attr(key, API), ""))) {
        out.add(read(object));
      }
    }
    return out;
  }

  /**
   * {@link #objectsOf} for what is read on every write and rarely changes: kept until an object of the resource
   * changes. A read that raced a change is not kept.
   */
  private List<JsonNode> cachedObjectsOf(String group, String plural) {
    String key = group + "/" + plural;
    List<JsonNode> known = cachedObjects.get(key);
    if (known != null) {
      return known;
    }
    java.util.concurrent.atomic.AtomicLong changes =
        cachedChanges.computeIfAbsent(key, k -> new java.util.concurrent.atomic.AtomicLong());
    long seen = changes.get();
    List<JsonNode> read = List.copyOf(objectsOf(group, plural));
    synchronized (changes) {
      if (changes.get() == seen) {
        cachedObjects.put(key, read);
      }
    }
    return read;
  }

  private void invalidateCached(String group, String plural) {
    java.util.concurrent.atomic.AtomicLong changes = cachedChanges.get(group + "/" + plural);
    if (changes != null) {
      synchronized (changes) {
        changes.incrementAndGet();
        cachedObjects.remove(group + "/" + plural);
      }
    }
  }

  /** The kinds defined by stored CustomResourceDefinitions, one per served version. */
  List<ResourceType> customTypes() {
    List<ResourceType> known = customTypes;
    if (known == null) {
      long seen = crdChanges.get();
      known = List.copyOf(readCustomTypes());
      synchronized (crdChanges) {
        if (crdChanges.get() == seen) {
          customTypes = known;
        }
      }
    }
    return known;
  }

  private List<ResourceType> readCustomTypes() {
    List<ResourceType> types = new ArrayList<>();
    for (JsonNode node : objectsOf("apiextensions.k8s.io", "customresourcedefinitions")) {
      CustomResourceDefinition crd = JSON.convertValue(node, CustomResourceDefinition.class);
      var names = crd.getSpec().getNames();
      for (CustomResourceDefinitionVersion v : crd.getSpec().getVersions()) {
        if (Boolean.FALSE.equals(v.getServed())) {
          continue;
        }
        types.add(new ResourceType(crd.getSpec().getGroup(), v.getName(), names.getPlural(),
            Objects.requireNonNullElse(names.getSingular(), names.getKind().toLowerCase()), names.getKind(),
            "Namespaced".equals(crd.getSpec().getScope()),
            names.getShortNames() == null ? List.of() : names.getShortNames(),
            v.getSubresources() != null && v.getSubresources().getStatus() != null));
      }
    }
    return types;
  }

  /** The resource a request path names, or null when the emulator does not know it. */
  ResourceType typeOf(String path) {
    AttributeSet key = getKey(path);
    String plural = attr(key, PLURAL);
    return plural == null ? null : discovery.find(attr(key, API), plural).orElse(null);
  }

  static boolean isStatus(String path) {
    String p = path.contains("?") ? path.substring(0, path.indexOf('?')) : path;
    return p.endsWith("/status");
  }

  private String pathOf(AttributeSet key) {
    String api = attr(key, API);
    String ns = attr(key, NAMESPACE);
    return (api == null ? "/api/" : "/apis/" + api + "/") + attr(key, VERSION)
        + (ns == null ? "" : "/namespaces/" + ns) + "/" + attr(key, PLURAL) + "/" + attr(key, NAME);
  }

  static String attr(AttributeSet set, String key) {
    Attribute a = set == null ? null : set.getAttribute(key);
    return a == null || a.getValues().isEmpty() ? null : a.getValues().iterator().next().toString();
  }

  static String body(MockResponse r) {
    return r.getBody() == null ? "" : new String(r.getBody().getBytes(), StandardCharsets.UTF_8);
  }

  private static long rv(JsonNode o) {
    return Long.parseLong(o.path("metadata").path("resourceVersion").asText("0"));
  }

  static JsonNode read(String json) {
    try {
      return JSON.readTree(json);
    } catch (Exception e) {
      throw new IllegalArgumentException("the request body is not JSON: " + e.getMessage(), e);
    }
  }

  static String write(JsonNode node) {
    try {
      return JSON.writeValueAsString(node);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static RecordedRequest jsonRequest(HttpMethod method, String path, JsonNode body) {
    return new RecordedRequest("HTTP/1.1", method, path,
        Headers.builder().add("Content-Type", "application/json").build(),
        new Buffer(write(body).getBytes(StandardCharsets.UTF_8)));
  }

  /** The same, from the requester of {@code from}. */
  private static RecordedRequest jsonRequest(HttpMethod method, String path, JsonNode body, RecordedRequest from) {
    Headers.Builder headers = Headers.builder().add("Content-Type", "application/json");
    for (String h : List.of(AccessReviews.Identity.USER_HEADER, AccessReviews.Identity.GROUPS_HEADER)) {
      if (from.getHeader(h) != null) {
        headers.add(h, from.getHeader(h));
      }
    }
    return new RecordedRequest("HTTP/1.1", method, path, headers.build(),
        new Buffer(write(body).getBytes(StandardCharsets.UTF_8)));
  }

  /** Who sent the request, as {@link ApiServer} authenticated it; the emulator's admin for its own writes. */
  private static AccessReviews.Identity requester(RecordedRequest request) {
    String user = request.getHeader(AccessReviews.Identity.USER_HEADER);
    if (user == null) {
      return new AccessReviews.Identity("emulator-admin", List.of("system:masters"));
    }
    String groups = Objects.requireNonNullElse(request.getHeader(AccessReviews.Identity.GROUPS_HEADER), "");
    return new AccessReviews.Identity(user, groups.isEmpty() ? List.of() : List.of(groups.split(",")));
  }
}
