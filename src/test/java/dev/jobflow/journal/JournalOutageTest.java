package dev.jobflow.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.persistence.query.EventEnvelope;
import akka.stream.javadsl.Sink;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/**
 * The database goes away for {@link #OUTAGE} while entities persist steadily: their writes fail, they restart
 * with backoff, the health probe says unhealthy; when it returns they continue where they were, and each
 * entity's journal is 1..n with no gap and no event written twice.
 */
class JournalOutageTest {
  /** How long the database is cut off; the issue asks for 30 seconds. */
  static final Duration OUTAGE = Duration.ofSeconds(30);
  private static final int ENTITIES = 4;
  private static final Duration TICK = Duration.ofMillis(100);
  private static final Duration RECOVERY_LIMIT = Duration.ofSeconds(60);

  @Test
  void entitiesContinueWithoutGapOrDuplicateOnceThePostgresqlJournalIsBack() throws Exception {
    try (PostgresTestDatabase pg = PostgresTestDatabase.create();
         TcpProxy proxy = TcpProxy.start(pg.serverHost(), pg.serverPort())) {
      TestJournal journal = TestJournal.postgresVia(pg, proxy.port(), "");
      ActorTestKit kit = ActorTestKit.create("outage", journal.akkaConfig());
      try {
        JournalHealth health = new JournalHealth(kit.system());
        assertTrue(JournalSuiteTest.await(health.check()), "healthy before the outage");

        List<String> ids = new ArrayList<>();
        for (int i = 0; i < ENTITIES; i++) {
          String id = "flow-" + i;
          ids.add(id);
          kit.spawn(CounterEntity.ticking(id, journal.settings().persistFailureBackoff(), TICK), id);
        }
        waitUntil(RECOVERY_LIMIT, () -> ids.stream().allMatch(id -> highest(pg, id) >= 5), "entities persisting");

        proxy.cut();
        long cutAt = System.nanoTime();
        List<Boolean> healthDuringCut = new ArrayList<>();
        Map<String, Long> settled = null;
        while (System.nanoTime() - cutAt < OUTAGE.toNanos()) {
          healthDuringCut.add(JournalSuiteTest.await(health.check()));
          if (settled == null && System.nanoTime() - cutAt > Duration.ofSeconds(3).toNanos()) {
            settled = highestOf(pg, ids); // writes in flight at the cut have resolved by now
          }
          Thread.sleep(1_000);
        }
        Map<String, Long> atRestore = highestOf(pg, ids);
        boolean healthyAtEndOfCut = JournalSuiteTest.await(health.check());
        proxy.restore();
        long restoredAt = System.nanoTime();

        assertEquals(settled, atRestore, "nothing reached the database while it was cut off");
        assertFalse(healthyAtEndOfCut, "health probe reports the journal unreachable during the outage");
        assertTrue(healthDuringCut.stream().filter(h -> !h).count() >= healthDuringCut.size() - 2,
            "health probe unhealthy throughout the outage: " + healthDuringCut);
        assertTrue(proxy.refusedConnections() > 0, "the pool kept trying to reconnect during the outage");

        waitUntil(RECOVERY_LIMIT, () -> ids.stream().allMatch(id -> highest(pg, id) >= atRestore.get(id) + 10),
            "every entity persisting again after the database returned");
        Duration recovery = Duration.ofNanos(System.nanoTime() - restoredAt);
        waitUntil(RECOVERY_LIMIT, () -> JournalSuiteTest.await(health.check()), "health probe healthy again");

        kit.shutdownTestKit();
        for (String id : ids) {
          List<Long> seqNrs = sequenceNumbers(pg, id);
          long n = seqNrs.size();
          assertEquals(LongStream.rangeClosed(1, n).boxed().toList(), seqNrs, id + ": sequence numbers 1.." + n);
        }
        assertEventsAreTheNumbersInOrder(journal, ids);
        System.out.printf("outage test: %s per entity at cut, %s at restore, journal healthy=%s during cut,"
            + " %d connections refused; all entities persisting again %d ms after the database returned%n",
            settled, atRestore, healthDuringCut, proxy.refusedConnections(), recovery.toMillis());
      } finally {
        kit.shutdownTestKit();
      }
    }
  }

  /** Each Tick persists size+1, so a replayed-but-lost or doubly written event would break 1, 2, 3, ... */
  private static void assertEventsAreTheNumbersInOrder(TestJournal journal, List<String> ids) {
    ActorTestKit reader = ActorTestKit.create("outage-read", journal.akkaConfig());
    try {
      for (String id : ids) {
        List<EventEnvelope> events = JournalSuiteTest.await(JournalSuiteTest.readJournal(reader)
            .currentEventsByPersistenceId(id, 0, Long.MAX_VALUE).runWith(Sink.seq(), reader.system()));
        List<String> expected = LongStream.rangeClosed(1, events.size()).mapToObj(String::valueOf).toList();
        assertEquals(expected, JournalSuiteTest.values(events), id + ": event values follow the sequence numbers");
      }
    } finally {
      reader.shutdownTestKit();
    }
  }

  private static Map<String, Long> highestOf(PostgresTestDatabase pg, List<String> ids) {
    Map<String, Long> m = new LinkedHashMap<>();
    for (String id : ids) {
      m.put(id, highest(pg, id));
    }
    return m;
  }

  /** Read straight from the server, not through the proxy. */
  private static long highest(PostgresTestDatabase pg, String id) {
    try (Connection c = pg.connect();
         PreparedStatement st = c.prepareStatement(
             "SELECT COALESCE(MAX(sequence_number), 0) FROM event_journal WHERE persistence_id = ?")) {
      st.setString(1, id);
      try (ResultSet rs = st.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static List<Long> sequenceNumbers(PostgresTestDatabase pg, String id) throws Exception {
    List<Long> seqNrs = new ArrayList<>();
    try (Connection c = pg.connect();
         PreparedStatement st = c.prepareStatement(
             "SELECT sequence_number FROM event_journal WHERE persistence_id = ? ORDER BY sequence_number")) {
      st.setString(1, id);
      try (ResultSet rs = st.executeQuery()) {
        while (rs.next()) {
          seqNrs.add(rs.getLong(1));
        }
      }
    }
    return seqNrs;
  }

  static void waitUntil(Duration limit, BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + limit.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not reached within " + limit + ": " + what);
      }
      Thread.sleep(200);
    }
  }
}
