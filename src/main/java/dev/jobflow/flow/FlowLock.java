package dev.jobflow.flow;

/**
 * A lock a flow takes before its first step starts: its own {@code spec.synchronization} (a mutex or semaphore of
 * its namespace), or a slot of a queue limit (per namespace, or controller-wide). Flows take their locks one at a
 * time in {@link Kind} order, so two flows never wait for each other's locks (no deadlock).
 *
 * @param namespace the namespace the lock belongs to; empty for the controller-wide queue
 * @param name the mutex key or semaphore name; the queue's own name for queue limits
 */
public record FlowLock(Kind kind, String namespace, String name) implements JsonSerializable {
  /** The kinds of lock, in the order a flow takes them. */
  public enum Kind {
    mutex, semaphore, namespaceQueue, controllerQueue
  }

  public FlowLock {
    if (kind == null || namespace == null || name == null || name.isEmpty()) {
      throw new IllegalArgumentException("a lock needs a kind, a namespace and a name: " + kind + "/" + namespace
          + "/" + name);
    }
  }

  public static FlowLock mutex(String namespace, String key) {
    return new FlowLock(Kind.mutex, namespace, key);
  }

  public static FlowLock semaphore(String namespace, String name) {
    return new FlowLock(Kind.semaphore, namespace, name);
  }

  /** The slots of {@code jobflow.queue.max-running-flows-per-namespace} in one namespace. */
  public static FlowLock namespaceQueue(String namespace) {
    return new FlowLock(Kind.namespaceQueue, namespace, "max-running-flows-per-namespace");
  }

  /** The slots of {@code jobflow.queue.max-running-flows}, over all namespaces. */
  public static FlowLock controllerQueue() {
    return new FlowLock(Kind.controllerQueue, "", "max-running-flows");
  }

  /** The entity id of the lock: {@code kind:namespace:name} (neither kind nor namespace has a colon). */
  public String key() {
    return kind + ":" + namespace + ":" + name;
  }

  /** The lock of an entity id made by {@link #key()}. */
  public static FlowLock ofKey(String key) {
    String[] parts = key.split(":", 3);
    if (parts.length != 3) {
      throw new IllegalArgumentException("not a lock key (kind:namespace:name): '" + key + "'");
    }
    return new FlowLock(Kind.valueOf(parts[0]), parts[1], parts[2]);
  }

  /** As people read it: {@code mutex 'deploy-db'}, {@code the queue of namespace 'data'}. */
  public String describe() {
    return switch (kind) {
      case mutex -> "mutex '" + name + "'";
      case semaphore -> "semaphore '" + name + "'";
      case namespaceQueue -> "the running-flows limit of namespace '" + namespace + "'";
      case controllerQueue -> "the controller's running-flows limit";
    };
  }
}
