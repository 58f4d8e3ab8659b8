package dev.jobflow.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.persistence.jdbc.query.javadsl.JdbcReadJournal;
import akka.persistence.query.EventEnvelope;
import akka.persistence.query.PersistenceQuery;
import akka.stream.javadsl.Sink;
import dev.jobflow.journal.JournalWrites.Event;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@link GroupCommitJournalDao} on both databases: many entities' writes in one batch land with their own tags,
 * in order per entity, readable by tag and by persistence id; a batch that fails stores nothing and fails
 * every write in it.
 */
class GroupCommitJournalDaoTest {
  private static final int ENTITIES = 24;
  private static final int ROUNDS = 6;

  @TempDir
  Path tempDir;

  @ParameterizedTest
  @EnumSource(JournalDialect.class)
  void concurrentWritesOfManyEntitiesKeepTheirTagsAndTheirOrder(JournalDialect dialect) throws Exception {
    try (TestJournal journal = TestJournal.open(dialect, tempDir)) {
      assertTrue(journal.settings().groupCommit(), "group commit is the default");
      ActorTestKit kit = ActorTestKit.create("group-commit-" + dialect, journal.akkaConfig());
      try {
        JournalWrites writes = new JournalWrites(kit);
        long seq = 1;
        for (int round = 0; round < ROUNDS; round++) {
          // Each entity has one write in flight, as a persisting entity does; all entities write at once.
          // Odd entities write two events atomically (one decision's events), even ones one.
          List<List<List<Event>>> requests = new ArrayList<>();
          for (int i = 0; i < ENTITIES; i++) {
            List<Event> atomic = new ArrayList<>();
            atomic.add(event("e-" + i, seq));
            if (i % 2 == 1) {
              atomic.add(event("e-" + i, seq + 1));
            }
            requests.add(List.of(atomic));
          }
          for (JournalWrites.Replies replies : writes.writeConcurrently(requests)) {
            assertTrue(replies.allSucceeded(), replies.toString());
          }
          seq += 2;
        }

        // Written: entity i has ROUNDS events (even i, sequence numbers 1,3,5..) or 2*ROUNDS (odd i, 1..12).
        Map<String, List<Long>> seqsByOrdering = new HashMap<>();
        int tagRows = 0;
        try (Connection c = journal.connect(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT e." + journal.column("persistence_id") + ", e."
                 + journal.column("sequence_number") + ", t." + journal.column("tag") + " FROM "
                 + journal.table("event_tag") + " t JOIN " + journal.table("event_journal") + " e ON t."
                 + journal.column("event_id") + " = e." + journal.column("ordering") + " WHERE t."
                 + journal.column("tag") + " <> '" + CounterEntity.TAG + "' ORDER BY e." + journal.column("ordering"))) {
          while (rs.next()) {
            String pid = rs.getString(1);
            long sequenceNr = rs.getLong(2);
            assertEquals(ownTag(pid, sequenceNr), rs.getString(3), "a tag row points at another event");
            seqsByOrdering.computeIfAbsent(pid, k -> new ArrayList<>()).add(sequenceNr);
            tagRows++;
          }
        }
        int expected = ENTITIES / 2 * ROUNDS + ENTITIES / 2 * ROUNDS * 2;
        assertEquals(expected, tagRows, "one own tag row per event");
        for (Map.Entry<String, List<Long>> e : seqsByOrdering.entrySet()) {
          List<Long> sorted = e.getValue().stream().sorted().toList();
          assertEquals(sorted, e.getValue(), e.getKey() + ": the global ordering follows the sequence numbers");
        }

        JdbcReadJournal read = PersistenceQuery.get(akka.actor.typed.javadsl.Adapter.toClassic(kit.system()))
            .getReadJournalFor(JdbcReadJournal.class, JdbcReadJournal.Identifier());
        List<EventEnvelope> byTag = read.currentEventsByTag(CounterEntity.TAG, akka.persistence.query.Offset.noOffset()).runWith(Sink.seq(), kit.system())
            .toCompletableFuture().get(30, TimeUnit.SECONDS);
        assertEquals(expected, byTag.size());
        EventEnvelope one = read.currentEventsByTag(ownTag("e-3", 4), akka.persistence.query.Offset.noOffset()).runWith(Sink.seq(), kit.system())
            .toCompletableFuture().get(30, TimeUnit.SECONDS).get(0);
        assertEquals("e-3", one.persistenceId());
        assertEquals(4L, one.sequenceNr());
        assertEquals(new CounterEntity.Appended("e-3#4"), one.event());
      } finally {
        kit.shutdownTestKit();
      }
    }
  }

  @ParameterizedTest
  @EnumSource(JournalDialect.class)
  void aFailedBatchFailsEveryWriteInItAndStoresNoneOfThem(JournalDialect dialect) throws Exception {
    try (TestJournal journal = TestJournal.open(dialect, tempDir)) {
      ActorTestKit kit = ActorTestKit.create("group-commit-fail-" + dialect, journal.akkaConfig());
      try {
        JournalWrites writes = new JournalWrites(kit);
        assertTrue(writes.write(List.of(List.of(event("taken", 1)))).allSucceeded());

        // One WriteMessages is one batch: three entities' writes, the middle one clashing with a stored event.
        JournalWrites.Replies replies = writes.write(List.of(
            List.of(event("first", 1), event("first", 2)),
            List.of(event("taken", 1)),
            List.of(event("last", 1))));
        assertTrue(replies.allFailed(), "every write of the batch fails, none is acknowledged: " + replies);
        assertEquals(4, replies.perEvent().size());

        Map<String, Long> stored = new TreeMap<>();
        int tags;
        try (Connection c = journal.connect(); Statement st = c.createStatement()) {
          try (ResultSet rs = st.executeQuery("SELECT " + journal.column("persistence_id") + ", COUNT(*) FROM "
              + journal.table("event_journal") + " GROUP BY " + journal.column("persistence_id"))) {
            while (rs.next()) {
              stored.put(rs.getString(1), rs.getLong(2));
            }
          }
          try (ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM " + journal.table("event_tag"))) {
            rs.next();
            tags = rs.getInt(1);
          }
        }
        assertEquals(Map.of("taken", 1L), stored, "the rolled-back batch left no journal rows");
        assertEquals(2, tags, "and no tag rows (the stored event has two)");

        // The entities whose writes failed can write the same events again (a restarted entity does).
        assertTrue(writes.write(List.of(List.of(event("first", 1), event("first", 2)), List.of(event("last", 1))))
            .allSucceeded());
      } finally {
        kit.shutdownTestKit();
      }
    }
  }

  private static Event event(String pid, long seq) {
    return new Event(pid, seq, new CounterEntity.Appended(pid + "#" + seq), Set.of(CounterEntity.TAG, ownTag(pid, seq)));
  }

  private static String ownTag(String pid, long seq) {
    return "own:" + pid + ":" + seq;
  }
}
