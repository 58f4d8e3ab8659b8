package dev.jobflow.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.client.dsl.base.CustomResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.KubernetesAttributesExtractor;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesResponseComposer;
import io.fabric8.kubernetes.client.server.mock.crud.KubernetesCrudDispatcherException;
import io.fabric8.kubernetes.client.server.mock.crud.KubernetesCrudDispatcherHandler;
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
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;

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
  private final AtomicLong crdChanges = new AtomicLong();
  private final StoreIndex index = new StoreIndex();
  /**
   * Every change to the map happens under its write lock (fabric8's own lock is taken inside it), so a list read
   * under its read lock sees one consistent state with the resourceVersion it carries. Admission reviews run
   * outside it: a webhook may call back.
   */
  private final ReentrantReadWriteLock writes = new ReentrantReadWriteLock();
  /** The last resourceVersion handed out: what a list reports (fabric8 keeps its counter to itself). */
  private final AtomicLong lastResourceVersion = new AtomicLong();
  /** Request paths parsed into query keys (fabric8 parses a URL and runs a regex for each). */
  private final Map<String, AttributeSet> keys = new ConcurrentHashMap<>();
  private static final int KEYS_KEPT = 4096;
  /** fabric8's checks of an update's name, namespace and resourceVersion, without its handler. */
  private static final KubernetesCrudDispatcherHandler CHECKS = (path, contentType, body) -> {
    throw new UnsupportedOperationException("only the checks are used");
  };
  /** The object {@link #put} just wrote and its JSON, so processEvent (under the same write lock) need not parse it. */
  private String writtenJson;
  private JsonNode writtenNode;
  /** Stored objects read on every write (webhook configurations), by "group/plural"; dropped when one changes. */
  private final Map<String, List<JsonNode>> cachedObjects = new ConcurrentHashMap<>();
  private final Map<String, AtomicLong> cachedChanges = new ConcurrentHashMap<>();

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
    // One parse of the new state: its key comes from the few fields fabric8 reads for it, not from a second parse.
    JsonNode now = newState == null ? null : newState == writtenJson ? writtenNode : read(newState);
    writtenJson = null;
    writtenNode = null;
    GenericKubernetesResource keyed = resource != null || now == null ? resource : keyFields(now);
    super.processEvent(path, pathAttributes, oldAttributes, keyed, newState);
    reindex(pathAttributes, oldAttributes, keyed, now);
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
    if (newState == null) {
      JsonNode previous = read(existing);
      ObjectNode gone = (ObjectNode) previous.deepCopy();
      // A real API server gives the deletion its own resourceVersion; informers rely on it.
      ((ObjectNode) gone.path("metadata")).put("resourceVersion", String.valueOf(requestResourceVersion()));
      hub.publish(new WatchHub.Change(rv(gone), "DELETED", group, plural, namespace, gone, 2L * existing.length(),
          () -> previous));
      collectGarbage(gone, group, plural);
    } else {
      Supplier<JsonNode> previous = existing == null ? null : () -> read(existing);
      long size = newState.length() + (existing == null ? 0 : existing.length());
      hub.publish(new WatchHub.Change(rv(now), existing == null ? "ADDED" : "MODIFIED", group, plural,
          namespace, now, size, previous));
    }
  }

  /** What fabric8 derives an object's key from: apiVersion, kind, name, namespace and labels. */
  private static GenericKubernetesResource keyFields(JsonNode object) {
    GenericKubernetesResource r = new GenericKubernetesResource();
    r.setApiVersion(object.path("apiVersion").asText(null));
    r.setKind(object.path("kind").asText(null));
    JsonNode metadata = object.path("metadata");
    ObjectMeta meta = new ObjectMeta();
    meta.setName(metadata.path("name").asText(null));
    meta.setNamespace(metadata.path("namespace").asText(null));
    JsonNode labels = metadata.path("labels");
    if (labels.isObject()) {
      Map<String, String> values = new java.util.LinkedHashMap<>();
      labels.fields().forEachRemaining(e -> values.put(e.getKey(), e.getValue().isNull() ? null : e.getValue().asText()));
      meta.setLabels(values);
    }
    r.setMetadata(meta);
    return r;
  }

  private static List<String> ownerUids(JsonNode object) {
    JsonNode refs = object == null ? null : object.path("metadata").path("ownerReferences");
    if (refs == null || !refs.isArray() || refs.isEmpty()) {
      return List.of();
    }
    List<String> uids = new ArrayList<>();
    refs.forEach(r -> {
      if (r.hasNonNull("uid")) {
        uids.add(r.get("uid").asText());
      }
    });
    return List.copyOf(uids);
  }

  /**
   * Moves the index from the key fabric8 removed to the key it stored, computed as fabric8 computes it; should
   * the two ever differ (a fabric8 upgrade), the index is rebuilt from the map, so it never hides an object.
   */
  private void reindex(AttributeSet pathAttributes, AttributeSet oldAttributes, GenericKubernetesResource keyed,
                       JsonNode now) {
    AttributeSet stored = null;
    if (now != null) {
      stored = ((KubernetesAttributesExtractor) attributeExtractor).extract(keyed);
      if (!stored.containsKey(PLURAL)) {
        stored = AttributeSet.merge(pathAttributes, stored);
      }
      if (!map.containsKey(stored)) {
        synchronized (map) {
          Map<AttributeSet, List<String>> all = new java.util.LinkedHashMap<>();
          map.forEach((k, v) -> all.put(k, ownerUids(read(v))));
          index.rebuild(all);
        }
        return;
      }
      // The new key first: a lock-free read in between sees the old key gone and waits, never finds nothing.
      index.added(stored, ownerUids(now));
    }
    if (oldAttributes != null && !oldAttributes.equals(stored)) {
      index.removed(oldAttributes);
    }
  }

  /** Background propagation: dependents of a deleted owner are deleted (or orphaned), recursively. */
  private void collectGarbage(JsonNode deleted, String group, String plural) {
    String uid = deleted.path("metadata").path("uid").asText();
    boolean orphan = orphaning.remove(uid);
    for (AttributeSet key : uid.isEmpty() ? List.<AttributeSet>of() : index.dependentsOf(uid)) {
      String stored = map.get(key);
      if (stored == null) {
        continue;
      }
      Map.Entry<AttributeSet, String> e = Map.entry(key, stored);
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
      List<AttributeSet> contents;
      synchronized (map) {
        contents = new ArrayList<>(map.keySet());
      }
      for (AttributeSet key : contents) {
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
      return changing(() -> super.handleCreate(request));
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
      RecordedRequest create = jsonRequest(HttpMethod.POST, path, admitted);
      return changing(() -> super.handleCreate(create));
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
    JsonNode body;
    try {
      body = read(request.getBody().readUtf8());
    } catch (IllegalArgumentException e) {
      return changing(() -> super.handleUpdate(request)); // fabric8's answer to a body that is not JSON
    }
    if (type == null || isStatus(path) || !admission.applies("UPDATE", type)) {
      return put(path, body);
    }
    try {
      MockResponse current = handleGet(path);
      if (current.code() != 200) {
        return put(path, body);
      }
      return put(path, admission.review("UPDATE", type, attr(getKey(path), NAMESPACE), body, read(body(current)),
          requester(request)));
    } catch (Admission.Refused r) {
      return ApiStatus.failure(r.code, ApiStatus.reasonFor(r.code), r.getMessage());
    } catch (IllegalArgumentException e) {
      return ApiStatus.failure(400, "BadRequest", e.getMessage());
    }
  }

  /**
   * fabric8's PUT ({@code PutHandler}) of an object already parsed, with fabric8's own checks and metadata rules:
   * the status subresource takes only the status and a PUT of the object keeps it, the name and namespace must
   * match the path, a resourceVersion given must be the current one, a spec change bumps the generation, any
   * change the resourceVersion; an object marked for deletion with no finalizers left goes. What it saves is
   * fabric8's parsing the body twice, the stored object once, the result again in processEvent, and two JSON diffs
   * (an equality answers what their emptiness did).
   */
  private MockResponse put(String path, JsonNode body) {
    return changing(() -> {
      try {
        checkBody(body);
        AttributeSet attributes = getKey(path);
        Map.Entry<AttributeSet, String> stored = findResource(attributes);
        if (stored == null) {
          return new MockResponse().setResponseCode(404);
        }
        JsonNode meta = body.path("metadata");
        if (!meta.path("deletionTimestamp").asText("").isEmpty() && meta.path("finalizers").isEmpty()) {
          processEvent(path, attributes, stored.getKey(), null, null);
          return new MockResponse().setResponseCode(200);
        }
        JsonNode current = read(stored.getValue());
        boolean statusOnly = KubernetesCrudDispatcherHandler.isStatusPath(path);
        JsonNode updated;
        if (statusOnly) {
          updated = current.deepCopy();
          KubernetesCrudDispatcherHandler.setStatus(updated, body.get(KubernetesCrudDispatcherHandler.STATUS));
        } else {
          updated = body;
          if (isStatusSubresourceEnabledForResource(path)) {
            KubernetesCrudDispatcherHandler.setStatus(updated, current.get(KubernetesCrudDispatcherHandler.STATUS));
          }
        }
        CHECKS.validatePath(attributes, updated);
        CHECKS.validateResourceVersion(current, updated);
        preserveMetadata(current, updated);
        ObjectNode updatedMeta = (ObjectNode) updated.get("metadata");
        if (!statusOnly && changedBeyondMetadataAndStatus(current, updated)) {
          updatedMeta.put("generation", current.path("metadata").path("generation").asInt(0) + 1);
        }
        if (!current.equals(updated)) {
          updatedMeta.put("resourceVersion", String.valueOf(requestResourceVersion()));
        }
        String json = write(updated);
        writtenJson = json;
        writtenNode = updated;
        processEvent(path, attributes, stored.getKey(), null, json);
        return new MockResponse().setResponseCode(200).setBody(json);
      } catch (KubernetesCrudDispatcherException e) {
        return new MockResponse().setResponseCode(e.getCode()).setBody(e.toStatusBody());
      }
    });
  }

  /** fabric8's {@code validateRequestBody}, on the parsed body: kind, apiVersion, metadata, a name. */
  private static void checkBody(JsonNode body) throws KubernetesCrudDispatcherException {
    String kind = body.path("kind").asText("");
    if (kind.isEmpty()) {
      throw new KubernetesCrudDispatcherException("Invalid", KubernetesCrudDispatcherHandler.HTTP_UNPROCESSABLE_ENTITY,
          null, "kind");
    }
    if (body.path("apiVersion").asText("").isEmpty()) {
      throw new KubernetesCrudDispatcherException(kind + " is invalid",
          KubernetesCrudDispatcherHandler.HTTP_UNPROCESSABLE_ENTITY, kind, "apiVersion");
    }
    if (!body.path("metadata").isObject()) {
      throw new KubernetesCrudDispatcherException(kind + " is invalid",
          KubernetesCrudDispatcherHandler.HTTP_UNPROCESSABLE_ENTITY, kind, "metadata");
    }
    if (body.path("metadata").path("name").asText("").isEmpty()
        && body.path("metadata").path("generateName").asText("").isEmpty()) {
      throw new KubernetesCrudDispatcherException(kind + " is invalid",
          KubernetesCrudDispatcherHandler.HTTP_UNPROCESSABLE_ENTITY, kind, "name or generateName");
    }
  }

  /** What fabric8's generation rule asks of a diff: does any change lie outside metadata and status? */
  private static boolean changedBeyondMetadataAndStatus(JsonNode current, JsonNode updated) {
    Set<String> fields = new java.util.HashSet<>();
    current.fieldNames().forEachRemaining(fields::add);
    updated.fieldNames().forEachRemaining(fields::add);
    fields.remove("metadata");
    fields.remove("status");
    return fields.stream().anyMatch(f -> !Objects.equals(current.get(f), updated.get(f)));
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
        MockResponse result = put(path, after);
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
   * A GET of one object looks up its name in the index instead of fabric8's scan of every object, without a lock.
   * A candidate whose key just left the map (a write is between its remove and its put) sends the read to the
   * read lock, which waits for that write. A list reads its resource's (and namespace's) keys under the read lock.
   */
  @Override
  public MockResponse handleGet(String path) {
    AttributeSet query = getKey(path);
    if (path.contains("watch=") || index.candidates(query) == null) {
      return reading(() -> super.handleGet(path));
    }
    if (attr(query, NAME) == null) {
      return reading(() -> list(path, query));
    }
    MockResponse found = lookup(query, false);
    return found != null ? found : reading(() -> lookup(query, true));
  }

  /** The object a query names; null when a candidate was moving and the lookup was not under the lock. */
  private MockResponse lookup(AttributeSet query, boolean locked) {
    boolean moving = false;
    for (AttributeSet key : index.candidates(query)) {
      String object = map.get(key);
      if (object == null) {
        moving = true;
      } else if (key.matches(query)) {
        return new MockResponse().setResponseCode(200).setBody(object);
      }
    }
    return moving && !locked ? null : new MockResponse().setResponseCode(404);
  }

  /**
   * The objects a list query matches, in a real API server's order (namespace, then name), with the last
   * resourceVersion handed out. An empty match of a path the emulator knows no resource for goes to fabric8,
   * which answers API metadata paths there.
   */
  private MockResponse list(String path, AttributeSet query) {
    List<Map.Entry<AttributeSet, String>> items = new ArrayList<>();
    for (AttributeSet key : index.candidates(query)) {
      String object = map.get(key);
      if (object != null && key.matches(query)) {
        items.add(Map.entry(key, object));
      }
    }
    if (items.isEmpty() && typeOf(path) == null) {
      return super.handleGet(path);
    }
    items.sort(java.util.Comparator.comparing((Map.Entry<AttributeSet, String> e) ->
            Objects.requireNonNullElse(attr(e.getKey(), NAMESPACE), ""))
        .thenComparing(e -> Objects.requireNonNullElse(attr(e.getKey(), NAME), "")));
    return new MockResponse().setResponseCode(200).setBody(((KubernetesResponseComposer) responseComposer).compose(
        items.stream().map(Map.Entry::getValue).toList(), String.valueOf(lastResourceVersion.get())));
  }

  /** One page of a list: the stored JSON of its objects, the resourceVersion it reports, and where the next begins. */
  record ListPage(List<String> items, long resourceVersion, ListContinue next) {}

  /**
   * The objects a list path and a selector match, in a real API server's order (namespace, then name), at most
   * {@code limit} of them (0: all) from where {@code from} stopped. Only the objects a page may hold are parsed,
   * and only for a selector: a restarted controller reads 100,000 Jobs in pages, each a few keys sorted and 500
   * objects copied, not one reply of hundreds of megabytes.
   */
  ListPage page(String path, java.util.function.Predicate<JsonNode> selected, long limit, ListContinue from) {
    return reading(() -> {
      AttributeSet query = getKey(path);
      long rv = from != null ? from.resourceVersion() : lastResourceVersion.get();
      Iterable<Set<AttributeSet>> inOrder = attr(query, NAME) != null ? null : index.inListOrder(attr(query, PLURAL),
          attr(query, NAMESPACE), from == null ? null : from.namespace(), from == null ? null : from.name());
      if (inOrder == null) {
        return sortedPage(query, selected, limit, from, rv);
      }
      // In list order from where the last page stopped: each page reads the keys it returns (and those it skips).
      List<String> items = new ArrayList<>();
      ListedKey last = null;
      for (Set<AttributeSet> sameName : inOrder) {
        for (AttributeSet key : sameName) {
          if (!key.matches(query)) {
            continue;
          }
          String object = map.get(key);
          if (object == null || (selected != null && !selected.test(read(object)))) {
            continue;
          }
          if (limit > 0 && items.size() == limit) {
            return new ListPage(items, rv, new ListContinue(rv, last.namespace, last.name));
          }
          items.add(object);
          last = new ListedKey(key, Objects.requireNonNullElse(attr(key, NAMESPACE), ""),
              Objects.requireNonNullElse(attr(key, NAME), ""));
        }
      }
      return new ListPage(items, rv, null);
    });
  }

  /** A page of a query the ordered index cannot answer (one that names an object, or no plural): sorted here. */
  private ListPage sortedPage(AttributeSet query, java.util.function.Predicate<JsonNode> selected, long limit,
      ListContinue from, long rv) {
    List<ListedKey> keys = new ArrayList<>();
    Collection<AttributeSet> candidates = index.candidates(query);
    for (AttributeSet key : candidates != null ? candidates : map.keySet()) {
      if (key.matches(query)) {
        ListedKey listed = new ListedKey(key, Objects.requireNonNullElse(attr(key, NAMESPACE), ""),
            Objects.requireNonNullElse(attr(key, NAME), ""));
        if (from == null || from.precedes(listed.namespace, listed.name)) {
          keys.add(listed);
        }
      }
    }
    keys.sort(java.util.Comparator.comparing(ListedKey::namespace).thenComparing(ListedKey::name));
    List<String> items = new ArrayList<>();
    for (int i = 0; i < keys.size(); i++) {
      ListedKey k = keys.get(i);
      String object = map.get(k.key);
      if (object == null || (selected != null && !selected.test(read(object)))) {
        continue;
      }
      items.add(object);
      if (limit > 0 && items.size() == limit && i + 1 < keys.size()) {
        return new ListPage(items, rv, new ListContinue(rv, k.namespace, k.name));
      }
    }
    return new ListPage(items, rv, null);
  }

  private record ListedKey(AttributeSet key, String namespace, String name) {}

  /**
   * A DELETE of one object finds it through the index, as fabric8's delete would by its scan: without finalizers
   * it goes, with them it is marked (deletionTimestamp, a new resourceVersion) until they are removed.
   */
  @Override
  public MockResponse handleDelete(String path) {
    return changing(() -> {
      AttributeSet query = getKey(path);
      if (attr(query, NAME) == null || index.candidates(query) == null) {
        return super.handleDelete(path);
      }
      List<Map.Entry<AttributeSet, String>> found = new ArrayList<>();
      for (AttributeSet key : index.candidates(query)) {
        String object = map.get(key);
        if (object != null && key.matches(query)) {
          found.add(Map.entry(key, object));
        }
      }
      if (found.isEmpty()) {
        return new MockResponse().setResponseCode(404);
      }
      found.forEach(e -> deleteOne(path, query, e.getKey(), e.getValue()));
      return new MockResponse().setResponseCode(200).setBody(found.get(0).getValue());
    });
  }

  private void deleteOne(String path, AttributeSet query, AttributeSet key, String stored) {
    GenericKubernetesResource resource = Serialization.unmarshal(stored, GenericKubernetesResource.class);
    if (resource.getFinalizers().isEmpty()) {
      processEvent(path, query, key, null, null);
    } else if (!resource.isMarkedForDeletion()) {
      resource.getMetadata().setDeletionTimestamp(java.time.ZonedDateTime.now(java.time.ZoneOffset.UTC)
          .truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
          .format(java.time.format.DateTimeFormatter.ISO_OFFSET_DATE_TIME));
      resource.getMetadata().setResourceVersion(String.valueOf(requestResourceVersion()));
      processEvent(path, query, key, resource, Serialization.asJson(resource));
    }
  }

  @Override
  public long requestResourceVersion() {
    long next = super.requestResourceVersion();
    lastResourceVersion.accumulateAndGet(next, Math::max);
    return next;
  }

  /** fabric8's key of a request path, remembered: the same paths come again and again. */
  @Override
  public AttributeSet getKey(String path) {
    AttributeSet known = keys.get(path);
    if (known != null) {
      return known;
    }
    AttributeSet key = super.getKey(path);
    if (keys.size() >= KEYS_KEPT) {
      keys.clear();
    }
    keys.put(path, key);
    return key;
  }

  private <T> T changing(Supplier<T> change) {
    return locked(writes.writeLock(), change);
  }

  private <T> T reading(Supplier<T> read) {
    return locked(writes.readLock(), read);
  }

  private static <T> T locked(Lock lock, Supplier<T> action) {
    lock.lock();
    try {
      return action.get();
    } finally {
      lock.unlock();
    }
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
    AtomicLong changes =
        cachedChanges.computeIfAbsent(key, k -> new AtomicLong());
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
    AtomicLong changes = cachedChanges.get(group + "/" + plural);
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
