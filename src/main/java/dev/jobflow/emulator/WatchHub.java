package dev.jobflow.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Every change the store makes, in resourceVersion order, fanned out to watches. A bounded history
 * lets a watch start from the resourceVersion of a list (as informers and {@code kubectl get -w} do)
 * without missing what changed in between; a watch from before the history answers 410 Gone, which
 * makes clients relist as against a real API server.
 */
final class WatchHub {

  /** One stored change. {@code object} is the new state, or the last state for DELETED. */
  record Change(long resourceVersion, String type, String group, String plural, String namespace,
                JsonNode object, JsonNode previous) {}

  /** What one watch wants to see. Null namespace or name means any. */
  record Filter(String group, String plural, String namespace, String name,
                Predicate<JsonNode> labels, Predicate<JsonNode> fields) {
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
      boolean before = c.previous != null && filter.matches(c.group, c.plural, c.namespace, c.previous);
      if (c.type.equals("DELETED")) {
        if (now) {
          sink.accept(event("DELETED", c.object));
        }
      } else if (now && before) {
        sink.accept(event("MODIFIED", c.object));
      } else if (now) {
        sink.accept(event("ADDED", c.object));
      } else if (before) {
        // It left the selection (a label changed): to this watch it is gone.
        sink.accept(event("DELETED", c.object));
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
  private final Deque<Change> history = new ArrayDeque<>();
  private final Set<Subscription> subscriptions = new CopyOnWriteArraySet<>();
  private long evictedUpTo;

  WatchHub(int capacity) {
    this.capacity = capacity;
  }

  /** Records a change and sends it to every matching watch. Called under the store's write lock. */
  synchronized void publish(Change change) {
    history.addLast(change);
    while (history.size() > capacity) {
      evictedUpTo = history.removeFirst().resourceVersion();
    }
    for (Subscription s : subscriptions) {
      s.offer(change);
    }
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
      }
    }
    open.forEach(s -> s.onDrop.run());
  }

  int watchCount() {
    return subscriptions.size();
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
