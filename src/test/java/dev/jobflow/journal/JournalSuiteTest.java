package dev.jobflow.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import akka.actor.typed.javadsl.Adapter;
import akka.persistence.jdbc.query.javadsl.JdbcReadJournal;
import akka.persistence.query.EventEnvelope;
import akka.persistence.query.Offset;
import akka.persistence.query.PersistenceQuery;
import akka.persistence.query.Sequence;
import akka.persistence.typed.javadsl.RetentionCriteria;
import akka.stream.javadsl.Sink;
import dev.jobflow.journal.CounterEntity.Append;
import dev.jobflow.journal.CounterEntity.Appended;
import dev.jobflow.journal.CounterEntity.Get;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The journal's contract on both databases the product supports: append, replay, snapshots, recovery in a
 * new actor system on the same database, and the read journal by persistence id and by tag.
 */
class JournalSuiteTest {
  private static final Duration WAIT = Duration.ofSeconds(15);

  @TempDir
  Path tempDir;

  @ParameterizedTest
  @EnumSource(JournalDialect.class)
  void appendsAndReplaysWhenTheEntityStartsAgain(JournalDialect dialect) {
    try (TestJournal journal = TestJournal.open(dialect, tempDir)) {
      ActorTestKit kit = ActorTestKit.create("append-" + dialect, journal.akkaConfig());
      try {
        String id = "flow-" + UUID.randomUUID();
        ActorRef<CounterEntity.Command> entity = kit.spawn(entity(journal, id, RetentionCriteria.disabled()));
        assertEquals(List.of(1L, 2L, 3L), append(kit, entity, "extract", "transform", "load"));
        kit.stop(entity, WAIT);

        ActorRef<CounterEntity.Command> again = kit.spawn(entity(journal, id, RetentionCriteria.disabled()));
        assertEquals(List.of("extract", "transform", "load"), state(kit, again));
        assertEquals(List.of(4L), append(kit, again, "notify"));
      } finally {
        kit.shutdownTestKit();
      }
    }
  }

  @ParameterizedTest
  @EnumSource(JournalDialect.class)
  void recoversInANewActorSystemOnTheSameDatabase(JournalDialect dialect) {
    try (TestJournal journal = TestJournal.open(dialect, tempDir)) {
      String id = "flow-" + UUID.randomUUID();
      ActorTestKit first = ActorTestKit.create("first-" + dialect, journal.akkaConfig());
      try {
        append(first, first.spawn(entity(journal, id, RetentionCriteria.disabled())), "a", "b", "c");
      } finally {
        first.shutdownTestKit();
      }

      // A restarted controller: new system, new pool, schema creation run again on the existing tables.
      ActorTestKit second = ActorTestKit.create("second-" + dialect, journal.akkaConfig());
      try {
        ActorRef<CounterEntity.Command> entity = second.spawn(entity(journal, id, RetentionCriteria.disabled()));
        assertEquals(List.of("a", "b", "c"), state(second, entity));
        assertEquals(List.of(4L), append(second, entity, "d"));
        List<EventEnvelope> events = await(readJournal(second).currentEventsByPersistenceId(id, 0, Long.MAX_VALUE)
            .runWith(Sink.seq(), second.system()));
        assertEquals(List.of(1L, 2L, 3L, 4L), events.stream().map(EventEnvelope::sequenceNr).toList());
        assertEquals(List.of("a", "b", "c", "d"), values(events));
      } finally {
        second.shutdownTestKit();
      }
    }
  }

  @ParameterizedTest
  @EnumSource(JournalDialect.class)
  void recoversFromTheLatestSnapshotPlusTheEventsAfterIt(JournalDialect dialect) throws Exception {
    try (TestJournal journal = TestJournal.open(dialect, tempDir)) {
      String id = "flow-" + UUID.randomUUID();
      RetentionCriteria everyFive = RetentionCriteria.snapshotEvery(5, 2);
      List<String> values = new ArrayList<>();
      for (int i = 1; i <= 12; i++) {
        values.add("v" + i);
      }
      ActorTestKit first = ActorTestKit.create("snap1-" + dialect, journal.akkaConfig());
      try {
        append(first, first.spawn(entity(journal, id, everyFive)), values.toArray(String[]::new));
      } finally {
        first.shutdownTestKit();
      }
      assertEquals(List.of(5L, 10L), snapshotSequenceNumbers(journal, id));

      // Remove the events the snapshot at 10 covers: only the snapshot can now bring v1..v10 back.
      try (Connection c = journal.connect(); Statement st = c.createStatement()) {
        int deleted = st.executeUpdate("DELETE FROM " + journal.table("event_journal") + " WHERE "
            + journal.column("persistence_id") + " = '" + id + "' AND " + journal.column("sequence_number") + " <= 10");
        assertEquals(10, deleted);
      }

      ActorTestKit second = ActorTestKit.create("snap2-" + dialect, journal.akkaConfig());
      try {
        ActorRef<CounterEntity.Command> entity = second.spawn(entity(journal, id, everyFive));
        assertEquals(values, state(second, entity));
        assertEquals(List.of(13L), append(second, entity, "v13"));
      } finally {
        second.shutdownTestKit();
      }
    }
  }

  @ParameterizedTest
  @EnumSource(JournalDialect.class)
  void readJournalReturnsOneEntitysEventsInOrderAndByRange(JournalDialect dialect) {
    try (TestJournal journal = TestJournal.open(dialect, tempDir)) {
      ActorTestKit kit = ActorTestKit.create("byid-" + dialect, journal.akkaConfig());
      try {
        String id = "flow-" + UUID.randomUUID();
        String other = "flow-" + UUID.randomUUID();
        append(kit, kit.spawn(entity(journal, id, RetentionCriteria.disabled())), "s1", "s2", "s3", "s4");
        append(kit, kit.spawn(entity(journal, other, RetentionCriteria.disabled())), "o1");

        JdbcReadJournal read = readJournal(kit);
        List<EventEnvelope> all = await(read.currentEventsByPersistenceId(id, 0, Long.MAX_VALUE)
            .runWith(Sink.seq(), kit.system()));
        assertEquals(List.of("s1", "s2", "s3", "s4"), values(all));
        assertTrue(all.stream().allMatch(e -> e.persistenceId().equals(id)));

        List<EventEnvelope> range = await(read.currentEventsByPersistenceId(id, 2, 3).runWith(Sink.seq(), kit.system()));
        assertEquals(List.of(2L, 3L), range.stream().map(EventEnvelope::sequenceNr).toList());
        assertEquals(List.of("s2", "s3"), values(range));
      } finally {
        kit.shutdownTestKit();
      }
    }
  }

  @ParameterizedTest
  @EnumSource(JournalDialect.class)
  void eventsByTagReturnsEveryEntitysEventsInGlobalOrderAndFollowsNewOnes(JournalDialect dialect) {
    try (TestJournal journal = TestJournal.open(dialect, tempDir)) {
      ActorTestKit kit = ActorTestKit.create("bytag-" + dialect, journal.akkaConfig());
      try {
        ActorRef<CounterEntity.Command> a = kit.spawn(entity(journal, "flow-a", RetentionCriteria.disabled()));
        ActorRef<CounterEntity.Command> b = kit.spawn(entity(journal, "flow-b", RetentionCriteria.disabled()));
        append(kit, a, "a1", "a2");
        append(kit, b, "b1");
        append(kit, a, "a3");

        JdbcReadJournal read = readJournal(kit);
        List<EventEnvelope> current = await(read.currentEventsByTag(CounterEntity.TAG, Offset.noOffset())
            .runWith(Sink.seq(), kit.system()));
        assertEquals(List.of("a1", "a2", "b1", "a3"), values(current));
        List<Long> offsets = current.stream().map(e -> ((Sequence) e.offset()).value()).toList();
        for (int i = 1; i < offsets.size(); i++) {
          assertTrue(offsets.get(i) > offsets.get(i - 1), "offsets must increase: " + offsets);
        }

        // A live query resumed from the last offset sees only what is written after it.
        CompletionStage<List<EventEnvelope>> live = read.eventsByTag(CounterEntity.TAG, current.get(3).offset())
            .take(2).runWith(Sink.seq(), kit.system());
        append(kit, b, "b2");
        append(kit, a, "a4");
        List<EventEnvelope> followed = await(live);
        assertEquals(List.of("b2", "a4"), values(followed));
        assertEquals(List.of("flow-b", "flow-a"), followed.stream().map(EventEnvelope::persistenceId).toList());
      } finally {
        kit.shutdownTestKit();
      }
    }
  }

  static akka.actor.typed.Behavior<CounterEntity.Command> entity(TestJournal journal, String id, RetentionCriteria r) {
    return CounterEntity.create(id, journal.settings().persistFailureBackoff(), r);
  }

  static List<Long> append(ActorTestKit kit, ActorRef<CounterEntity.Command> entity, String... values) {
    TestProbe<Long> probe = kit.createTestProbe();
    List<Long> seqNrs = new ArrayList<>();
    for (String v : values) {
      entity.tell(new Append(v, probe.getRef()));
      seqNrs.add(probe.expectMessageClass(Long.class, WAIT));
    }
    return seqNrs;
  }

  static List<String> state(ActorTestKit kit, ActorRef<CounterEntity.Command> entity) {
    TestProbe<CounterEntity.State> probe = kit.createTestProbe();
    entity.tell(new Get(probe.getRef()));
    return probe.expectMessageClass(CounterEntity.State.class, WAIT).values();
  }

  static JdbcReadJournal readJournal(ActorTestKit kit) {
    return PersistenceQuery.get(Adapter.toClassic(kit.system()))
        .getReadJournalFor(JdbcReadJournal.class, JdbcReadJournal.Identifier());
  }

  static List<String> values(List<EventEnvelope> events) {
    return events.stream().map(e -> ((Appended) e.event()).value()).toList();
  }

  static <T> T await(CompletionStage<T> stage) {
    try {
      return stage.toCompletableFuture().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      throw new AssertionError("query did not complete: " + e, e);
    }
  }

  private static List<Long> snapshotSequenceNumbers(TestJournal journal, String id) throws Exception {
    List<Long> seqNrs = new ArrayList<>();
    try (Connection c = journal.connect(); Statement st = c.createStatement();
         ResultSet rs = st.executeQuery("SELECT " + journal.column("sequence_number") + " FROM "
             + journal.table("snapshot") + " WHERE " + journal.column("persistence_id") + " = '" + id
             + "' ORDER BY 1")) {
      while (rs.next()) {
        seqNrs.add(rs.getLong(1));
      }
    }
    return seqNrs;
  }
}
