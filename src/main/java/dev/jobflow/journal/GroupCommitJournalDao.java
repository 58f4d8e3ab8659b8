package dev.jobflow.journal;

import akka.persistence.jdbc.config.EventJournalTableColumnNames;
import akka.persistence.jdbc.config.EventTagTableColumnNames;
import akka.persistence.jdbc.config.JournalConfig;
import akka.persistence.jdbc.journal.dao.DefaultJournalDao;
import akka.persistence.jdbc.journal.dao.JournalTables.JournalAkkaSerializationRow;
import akka.serialization.Serialization;
import akka.stream.Materializer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.List;
import scala.Option;
import scala.Tuple2;
import scala.collection.immutable.Seq;
import scala.collection.immutable.Set;
import scala.concurrent.ExecutionContext;
import scala.concurrent.Future;
import scala.jdk.javaapi.CollectionConverters;
import scala.runtime.BoxedUnit;
import slick.dbio.DBIOAction;
import slick.jdbc.JdbcBackend;
import slick.jdbc.JdbcProfile;
import slick.jdbc.SimpleJdbcAction;

/**
 * akka-persistence-jdbc's journal DAO with a faster write of each batch ({@code jdbc-journal.dao}, set by
 * {@link JournalSettings#akkaConfig()}). The plugin already group-commits: its write queue gathers the
 * AtomicWrites of many entities into one batch (up to {@code batchSize} rows, {@code parallelism} batches at a
 * time) and fails every write of a batch when the batch fails. But for tagged events it inserts the batch's
 * journal rows one statement and one round trip at a time, because Slick never batches an insert that returns
 * keys, and the tag rows need the generated {@code ordering}. Every Jobflow event is tagged, so that was the
 * journal's write path.
 *
 * <p>Here a batch is one transaction of two JDBC batches: the journal rows (their generated keys read back in
 * batch order, as both drivers return them) and then their tag rows. Same tables, same columns, same rows as
 * the plugin writes; reads, deletes and replay are the plugin's own. A batch is acknowledged only after its
 * commit, and a failure rolls all of it back, so each of its writes fails and none is acknowledged.
 */
public final class GroupCommitJournalDao extends DefaultJournalDao {
  private final String insertEvent;
  private final String insertTag;
  private final String orderingColumn;

  public GroupCommitJournalDao(JdbcBackend.DatabaseDef db, JdbcProfile profile, JournalConfig journalConfig,
      Serialization serialization, ExecutionContext ec, Materializer mat) {
    super(db, profile, journalConfig, serialization, ec, mat);
    var events = journalConfig.eventJournalTableConfiguration();
    EventJournalColumns c = new EventJournalColumns(events.columnNames());
    String eventTable = qualified(events.schemaName(), events.tableName());
    this.insertEvent = "INSERT INTO " + eventTable + " (" + c.list() + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    this.orderingColumn = events.columnNames().ordering();
    var tags = journalConfig.eventTagTableConfiguration();
    EventTagTableColumnNames t = tags.columnNames();
    this.insertTag = "INSERT INTO " + qualified(tags.schemaName(), tags.tableName()) + " (" + quote(t.eventId()) + ", "
        + quote(t.tag()) + ") VALUES (?, ?)";
  }

  @Override
  @SuppressWarnings({"unchecked", "rawtypes"})
  public Future<BoxedUnit> writeJournalRows(Seq<Tuple2<JournalAkkaSerializationRow, Set<String>>> rows) {
    List<Tuple2<JournalAkkaSerializationRow, Set<String>>> batch = CollectionConverters.asJava(rows);
    DBIOAction action = SimpleJdbcAction.apply(ctx -> {
      try {
        write(ctx.connection(), batch);
      } catch (SQLException e) {
        throw new BatchFailedException(batch, e);
      }
      return BoxedUnit.UNIT;
    });
    return db().run(action);
  }

  private void write(Connection c, List<Tuple2<JournalAkkaSerializationRow, Set<String>>> batch) throws SQLException {
    boolean autoCommit = c.getAutoCommit();
    c.setAutoCommit(false);
    try {
      if (batch.stream().anyMatch(row -> row._2().nonEmpty())) {
        insertWithTags(c, batch);
      } else {
        insertEvents(c, batch);
      }
      c.commit();
    } catch (SQLException | RuntimeException e) {
      c.rollback();
      throw e;
    } finally {
      c.setAutoCommit(autoCommit);
    }
  }

  private void insertEvents(Connection c, List<Tuple2<JournalAkkaSerializationRow, Set<String>>> batch)
      throws SQLException {
    try (PreparedStatement events = c.prepareStatement(insertEvent)) {
      for (Tuple2<JournalAkkaSerializationRow, Set<String>> row : batch) {
        bind(events, row._1());
        events.addBatch();
      }
      events.executeBatch();
    }
  }

  private void insertWithTags(Connection c, List<Tuple2<JournalAkkaSerializationRow, Set<String>>> batch)
      throws SQLException {
    try (PreparedStatement events = c.prepareStatement(insertEvent, new String[] {orderingColumn});
         PreparedStatement tags = c.prepareStatement(insertTag)) {
      for (Tuple2<JournalAkkaSerializationRow, Set<String>> row : batch) {
        bind(events, row._1());
        events.addBatch();
      }
      events.executeBatch();
      int index = 0;
      try (ResultSet keys = events.getGeneratedKeys()) {
        while (keys.next()) {
          if (index >= batch.size()) {
            throw new SQLException("the database returned more generated keys than the " + batch.size()
                + " journal rows inserted");
          }
          long ordering = keys.getLong(1);
          for (String tag : CollectionConverters.asJava(batch.get(index)._2())) {
            tags.setLong(1, ordering);
            tags.setString(2, tag);
            tags.addBatch();
          }
          index++;
        }
      }
      if (index != batch.size()) {
        throw new SQLException("the database returned " + index + " generated keys for " + batch.size()
            + " journal rows: cannot tag them");
      }
      tags.executeBatch();
    }
  }

  private static void bind(PreparedStatement st, JournalAkkaSerializationRow row) throws SQLException {
    st.setBoolean(1, row.deleted());
    st.setString(2, row.persistenceId());
    st.setLong(3, row.sequenceNumber());
    st.setString(4, row.writer());
    st.setLong(5, row.writeTimestamp());
    st.setString(6, row.adapterManifest());
    st.setBytes(7, row.eventPayload());
    st.setInt(8, row.eventSerId());
    st.setString(9, row.eventSerManifest());
    setOptionalBytes(st, 10, row.metaPayload());
    setOptionalInt(st, 11, row.metaSerId());
    setOptionalString(st, 12, row.metaSerManifest());
  }

  private static void setOptionalBytes(PreparedStatement st, int index, Option<byte[]> value) throws SQLException {
    if (value.isDefined()) {
      st.setBytes(index, value.get());
    } else {
      st.setNull(index, Types.VARBINARY);
    }
  }

  private static void setOptionalInt(PreparedStatement st, int index, Option<Object> value) throws SQLException {
    if (value.isDefined()) {
      st.setInt(index, (Integer) value.get());
    } else {
      st.setNull(index, Types.INTEGER);
    }
  }

  private static void setOptionalString(PreparedStatement st, int index, Option<String> value) throws SQLException {
    if (value.isDefined()) {
      st.setString(index, value.get());
    } else {
      st.setNull(index, Types.VARCHAR);
    }
  }

  /** A batch that was rolled back: every write in it fails with this. */
  static final class BatchFailedException extends RuntimeException {
    BatchFailedException(List<Tuple2<JournalAkkaSerializationRow, Set<String>>> batch, SQLException cause) {
      super("journal batch of " + batch.size() + " events from "
          + batch.stream().map(row -> row._1().persistenceId()).distinct().count() + " entities rolled back: "
          + cause.getMessage(), cause);
    }
  }

  /** The journal's columns in the order {@link #bind} fills them. */
  private record EventJournalColumns(EventJournalTableColumnNames names) {
    String list() {
      return String.join(", ", List.of(names.deleted(), names.persistenceId(), names.sequenceNumber(), names.writer(),
              names.writeTimestamp(), names.adapterManifest(), names.eventPayload(), names.eventSerId(),
              names.eventSerManifest(), names.metaPayload(), names.metaSerId(), names.metaSerManifest())
          .stream().map(GroupCommitJournalDao::quote).toList());
    }
  }

  /** Quoted as Slick quotes them, so the configured names mean the same tables on H2 and PostgreSQL. */
  private static String qualified(Option<String> schema, String table) {
    return schema.isDefined() && !schema.get().isBlank() ? quote(schema.get()) + "." + quote(table) : quote(table);
  }

  private static String quote(String identifier) {
    return "\"" + identifier.replace("\"", "\"\"") + "\"";
  }
}
