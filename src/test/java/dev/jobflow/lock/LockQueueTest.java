package dev.jobflow.lock;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The lock rules as a rulebook: each row is a lock's size, what happens to it in order, and who holds and who waits
 * after. After each step the lock grants what it can, as the entity does. Steps: {@code +A/p/m} A asks with priority p,
 * created at minute m; {@code +A/p/m/name} with that flow name (ties on age); {@code -A} A releases (or withdraws);
 * {@code =n} the size becomes n.
 */
class LockQueueTest {
  static final Instant T0 = Instant.parse("2026-11-23T08:00:00Z");

  static Stream<Arguments> rules() {
    return Stream.of(
        row("a mutex admits one; the rest wait in arrival order when equal", 1,
            "+A/0/1 +B/0/2 +C/0/3", "A", "B C"),
        row("higher priority goes first, whatever the age", 1,
            "+A/0/1 +B/0/2 +C/5/3", "A", "C B"),
        row("a holder keeps the lock when a higher priority arrives (no preemption)", 1,
            "+A/0/1 +B/9/2", "A", "B"),
        row("of one priority the older flow goes first, even when it asks later", 1,
            "+A/0/1 +B/0/5 +C/0/3", "A", "C B"),
        row("of one priority and age, the name decides", 1,
            "+A/0/1 +Z/0/2/b +Y/0/2/a", "A", "Y Z"),
        row("negative priorities go after the default", 1,
            "+A/0/1 +B/-1/0 +C/0/9", "A", "C B"),
        row("releasing the holder grants the head of the queue", 1,
            "+A/0/1 +B/0/2 +C/1/3 -A", "C", "B"),
        row("a semaphore admits as many as its size, in queue order", 2,
            "+A/0/1 +B/0/2 +C/0/3 +D/9/4", "A B", "D C"),
        row("a larger size grants waiters from the front at once", 1,
            "+A/0/1 +B/0/2 +C/0/3 =3", "A B C", ""),
        row("a smaller size takes the lock from nobody; no one new gets it until fewer hold it", 3,
            "+A/0/1 +B/0/2 +C/0/3 +D/0/4 =1 -A", "B C", "D"),
        row("...and one is granted once holders are below the size", 3,
            "+A/0/1 +B/0/2 +C/0/3 +D/0/4 =1 -A -B -C", "D", ""),
        row("a semaphore of size 0 (no ConfigMap key yet) admits no one, until sized", 0,
            "+A/0/1 +B/0/2", "", "A B"),
        row("...and sizing it grants in order", 0,
            "+A/0/1 +B/5/2 =1", "B", "A"),
        row("a waiter that releases withdraws: it never holds, the others keep their order", 1,
            "+A/0/1 +B/0/2 +C/0/3 -B -A", "C", ""),
        row("asking again changes nothing: a holder stays the one holder", 1,
            "+A/0/1 +B/0/2 +A/0/1 +A/0/1", "A", "B"),
        row("asking again while waiting keeps the first place asked, not a new one", 1,
            "+A/0/1 +B/0/2 +C/0/3 +B/9/2", "A", "B C"),
        row("releasing someone unknown, or twice, changes nothing", 1,
            "+A/0/1 +B/0/2 -X -A -A", "B", ""),
        row("one released and asking again queues behind those who wait", 1,
            "+A/0/1 +B/0/2 -A +A/0/1", "B", "A"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rules")
  void rule(String rule, int size, String steps, String holders, String waiters) {
    LockQueue q = LockQueue.empty(size);
    for (String step : steps.split(" ")) {
      q = grantAll(apply(q, step));
    }
    assertEquals(holders, names(q.holders()), rule + ": holders");
    assertEquals(waiters, names(q.waiters()), rule + ": waiters");
  }

  private static LockQueue apply(LockQueue q, String step) {
    return switch (step.charAt(0)) {
      case '+' -> {
        String[] p = step.substring(1).split("/");
        yield q.requested(new LockQueue.Request(p[0], Integer.parseInt(p[1]), T0.plusSeconds(60L * Integer.parseInt(p[2])),
            p.length > 3 ? p[3] : "flow-" + p[0].toLowerCase(), T0));
      }
      case '-' -> q.released(step.substring(1));
      case '=' -> q.resized(Integer.parseInt(step.substring(1)));
      default -> throw new IllegalArgumentException("unknown step " + step);
    };
  }

  /** What the entity does after each fact: grants every grantable waiter. */
  private static LockQueue grantAll(LockQueue q) {
    for (LockQueue.Request r : q.grantable()) {
      q = q.granted(r.holder());
    }
    return q;
  }

  private static String names(List<LockQueue.Request> rs) {
    return String.join(" ", rs.stream().map(LockQueue.Request::holder).toList());
  }

  private static Arguments row(String rule, int size, String steps, String holders, String waiters) {
    return Arguments.of(rule, size, steps, holders, waiters);
  }
}
