package dev.jobflow.lock;

import dev.jobflow.flow.JsonSerializable;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The rules of one lock, in plain Java: who holds it, who waits and in which order, how many may hold it. Immutable;
 * each method returns the queue after one fact (the lock entity applies its events with them), and
 * {@link #grantable()} says who is to be granted next. The rules:
 * <ul>
 *   <li>waiters are ordered by priority (higher first), then age (older creation time first), then name, then uid;
 *   <li>as many waiters hold it as the capacity allows, taken from the front of the queue only, so a waiter is never
 *       overtaken by one behind it;
 *   <li>a holder or waiter asking again changes nothing (a flow asks again after every restart);
 *   <li>a smaller capacity takes the lock from no holder: no one new is granted until fewer hold it;
 *   <li>releasing a waiter withdraws its request; releasing someone unknown changes nothing.
 * </ul>
 *
 * @param capacity how many may hold it at once (1 for a mutex; 0: nobody until it is sized)
 * @param holders in the order they were granted
 * @param waiters in queue order
 */
public record LockQueue(int capacity, List<Request> holders, List<Request> waiters) implements JsonSerializable {
  /**
   * One request: the holder's uid and what orders it.
   *
   * @param requestedAt when it joined the queue (how long it waited; not part of the order), null when unknown
   */
  public record Request(String holder, int priority, Instant createdAt, String name, Instant requestedAt)
      implements JsonSerializable {}

  /** Priority first (higher first), then creation time (older first; unknown last), then name, then uid. */
  public static final Comparator<Request> ORDER = Comparator.comparingInt((Request r) -> -r.priority())
      .thenComparing(Request::createdAt, Comparator.nullsLast(Comparator.naturalOrder()))
      .thenComparing(Request::name, Comparator.nullsLast(Comparator.naturalOrder()))
      .thenComparing(Request::holder);

  public LockQueue {
    if (capacity < 0) {
      throw new IllegalArgumentException("a lock's capacity is 0 or more, was " + capacity);
    }
    holders = List.copyOf(holders);
    waiters = List.copyOf(waiters);
  }

  public static LockQueue empty(int capacity) {
    return new LockQueue(capacity, List.of(), List.of());
  }

  public boolean isHolder(String holder) {
    return holders.stream().anyMatch(r -> r.holder().equals(holder));
  }

  public boolean isWaiting(String holder) {
    return position(holder) > 0;
  }

  public boolean knows(String holder) {
    return isHolder(holder) || isWaiting(holder);
  }

  /** The waiter's place in the queue, 1 for the next one; 0 when it does not wait. */
  public int position(String holder) {
    for (int i = 0; i < waiters.size(); i++) {
      if (waiters.get(i).holder().equals(holder)) {
        return i + 1;
      }
    }
    return 0;
  }

  public boolean isIdle() {
    return holders.isEmpty() && waiters.isEmpty();
  }

  /** The waiters to grant now: the front of the queue, as many as free places. */
  public List<Request> grantable() {
    int free = capacity - holders.size();
    return free <= 0 ? List.of() : waiters.subList(0, Math.min(free, waiters.size()));
  }

  /** The request joins the queue in its place; one already known stays as it is. */
  public LockQueue requested(Request request) {
    if (knows(request.holder())) {
      return this;
    }
    List<Request> w = new ArrayList<>(waiters);
    w.add(request);
    w.sort(ORDER);
    return new LockQueue(capacity, holders, w);
  }

  /** The waiter holds the lock now. */
  public LockQueue granted(String holder) {
    int at = position(holder);
    if (at == 0) {
      return this;
    }
    List<Request> w = new ArrayList<>(waiters);
    Request r = w.remove(at - 1);
    List<Request> h = new ArrayList<>(holders);
    h.add(r);
    return new LockQueue(capacity, h, w);
  }

  /** The holder gave it back, or the waiter withdrew. */
  public LockQueue released(String holder) {
    return new LockQueue(capacity, holders.stream().filter(r -> !r.holder().equals(holder)).toList(),
        waiters.stream().filter(r -> !r.holder().equals(holder)).toList());
  }

  public LockQueue resized(int newCapacity) {
    return new LockQueue(newCapacity, holders, waiters);
  }
}
