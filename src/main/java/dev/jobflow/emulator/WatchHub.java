package dev.jobflow.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Every change the store makes, in resourceVersion order, fanned out to watches. A bounded history
 * lets a watch start from the resourceVersion of a list (as informers and {@code kubectl get -w} do)
 * without missing what changed in between; a watch from before the history answers 410 Gone, which
 * makes clients relist as against a real API server.
 */
final class WatchHub {

  /**
   * One stored change. {@code object} is the new state, or the last state for DELETED; {@code previous} the state
   * before, read only when a watch's filter needs it. Each kind of event it makes is written once, however many
   * watches it goes to, and let go once they all have it: what stays in the history is the tree and the previous
   * state's source, {@code size} characters of JSON. Used under the hub's lock only.
   */
  static final class Change {
    final long resourceVersion;
    final String type;
    final String group;
    final String plural;
    final String namespace;
    final JsonNode object;
    final long size;
    private final Supplier<JsonNode> previousSource;
    private JsonNode previous;
    private Map<String, String> events;

    Change(long resourceVersion, String type, String group, String plural, String namespace, JsonNode object,
           long size, Supplier<JsonNode> previous) {
      this.resourceVersion = resourceVersion;
      this.type = type;
      this.group = group;
      this.plural = plural;
      this.namespace = namespace;
      this.object = object;
      this.size = size;
      this.previousSource = previous;
    }

    long resourceVersion() {
      return resourceVersion;
    }

    /** The state before the change; null for an ADDED. */
    JsonNode previous() {
      if (previous == null && previousSource != null) {
        previous = previousSource.get();
      }
      return previous;
    }

    boolean hasPrevious() {
      return previousSource != null;
    }

    String event(String eventType) {
      if (events == null) {
        events = new HashMap<>(4);
      }
      return events.computeIfAbsent(eventType, t -> WatchHub.event(t, object));
    }

    /** Lets go of what was made for the watches just served; they are rebuilt if a resumed watch needs them. */
    void release() {
      events = null;
      previous = null;
    }
  }

  /** What one watch wants to see. Null namespace or name means any. */
  record Filter(String group, String plural, String namespace, String name,
                Predicate<JsonNode> labels, Predicate<JsonNode> fields) {
    /**
     * Whether a change's previous state can match where its new state does not (or the other way round): only
     * through a name, label or field selector, since an object never changes its resource or namespace.
     */
    boolean selects() {
      return name != null || labels != Selectors.ANY || fields != Selectors.ANY;
    }

    boolean matches(String g, String p, String ns, JsonNode o) {
      return o != null && group.equals(g) && plural.equals(p)
          && (namespace == null || namespace.equals(ns))
          && (name == null || name.equals(o.path("metadata").path("name").asText()))
          && labels.test(o) && fields.test(o);
    }
  }

  /** Thrown when a watch asks for a resourceVersion older than the history keeps. */
  static final class Expired extends Exception {
    Expired(long requested, long oldest) {
      super("too old resource version: " + requested + " (" + oldest + ")");
    }
  }

  final class Subscription implements AutoCloseable {
    private final Filter filter;
    private final Consumer<String> sink;
    private volatile Runnable onDrop = () -> {};

    private Subscription(Filter filter, Consumer<String> sink) {
      this.filter = filter;
      this.sink = sink;
    }

    private void offer(Change c) {
      boolean now = filter.matches(c.group, c.plural, c.namespace, c.object);
      if (c.type.equals("DELETED")) {
        if (now) {
          sink.accept(c.event("DELETED"));
        }
        return;
      }
      if (!now && !filter.selects()) {
        return; // another resource or namespace: its previous state is no nearer
      }
      boolean before = c.hasPrevious() && (filter.selects()
          ? filter.matches(c.group, c.plural, c.namespace, c.previous()) : now);
      if (now && before) {
        sink.accept(c.event("MODIFIED"));
      } else if (now) {
        sink.accept(c.event("ADDED"));
      } else if (before) {
        // It left the selection (a label changed): to this watch it is gone.
        sink.accept(c.event("DELETED"));
      }
    }

    /** What ends the connection when the hub drops this watch. */
    void onDrop(Runnable r) {
      onDrop = r;
    }

    @Override
    public void close() {
      subscriptions.remove(this);
    }
  }

  private final int capacity;
  private final long maxSize;
  private long size;
  private final Deque<Change> history = new ArrayDeque<>();
  private final Set<Subscription> subscriptions = new CopyOnWriteArraySet<>();
  private final Set<Follower> followers = new CopyOnWriteArraySet<>();

  /** One of the emulator's own controllers following a resource. */
  private record Follower(String group, String plural, Consumer<Change> observer) {}
  private long evictedUpTo;

  /**
   * @param capacity how many changes a watch may resume from
   * @param maxSize how many characters of JSON they may hold together; the newest change stays whatever its size
   */
  WatchHub(int capacity, long maxSize) {
    this.capacity = capacity;
    this.maxSize = maxSize;
  }

  /** Records a change and sends it to every matching watch. Called under the store's write lock. */
  synchronized void publish(Change change) {
    history.addLast(change);
    size += change.size;
    while (history.size() > capacity || (size > maxSize && history.size() > 1)) {
      Change evicted = history.removeFirst();
      size -= evicted.size;
      evictedUpTo = evicted.resourceVersion();
    }
    for (Subscription s : subscriptions) {
      s.offer(change);
    }
    change.release();
    for (Follower f : followers) {
      if (f.group.equals(change.group) && f.plural.equals(change.plural)) {
        f.observer.accept(change);
      }
    }
  }

  /**
   * Hands every change of one resource from now on to one of the emulator's own controllers. Unlike a watch it is
   * never dropped ({@link #dropAll}: what runs inside the API server outlives a cut connection). The observer is
   * called under the store's write lock: it must only pass the change on, and must not change its object.
   */
  synchronized AutoCloseable follow(String group, String plural, Consumer<Change> observer) {
    Follower f = new Follower(group, plural, observer);
    followers.add(f);
    return () -> followers.remove(f);
  }

  /**
   * Starts a watch that first replays the retained changes after {@code fromResourceVersion}
   * (in order) and then follows new ones.
   */
  synchronized Subscription subscribe(Filter filter, long fromResourceVersion, Consumer<String> sink)
      throws Expired {
    if (fromResourceVersion < evictedUpTo) {
      throw new Expired(fromResourceVersion, evictedUpTo);
    }
    Subscription s = new Subscription(filter, sink);
    for (Change c : history) {
      if (c.resourceVersion() > fromResourceVersion) {
        s.offer(c);
        c.release();
      }
    }
    subscriptions.add(s);
    return s;
  }

  /**
   * Ends every open watch, as an API-server restart does. With {@code forgetBefore >= 0}, a watch
   * from an older resourceVersion gets 410 Gone and its client must relist.
   */
  void dropAll(long forgetBefore) {
    List<Subscription> open;
    synchronized (this) {
      open = List.copyOf(subscriptions);
      subscriptions.clear();
      if (forgetBefore >= 0) {
        evictedUpTo = forgetBefore;
        history.clear();
        size = 0;
      }
    }
    open.forEach(s -> s.onDrop.run());
  }

  int watchCount() {
    return subscriptions.size();
  }

  /** How many changes a watch may resume from now. */
  synchronized int retained() {
    return history.size();
  }

  static String event(String type, JsonNode object) {
    ObjectNode e = Serialization.jsonMapper().createObjectNode();
    e.put("type", type);
    e.set("object", object);
    try {
      return Serialization.jsonMapper().writeValueAsString(e);
    } catch (Exception ex) {
      throw new IllegalStateException("cannot write watch event", ex);
    }
  }
}
