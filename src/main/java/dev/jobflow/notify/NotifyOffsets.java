package dev.jobflow.notify;

import dev.jobflow.journal.JournalSchema;
import dev.jobflow.journal.JournalSettings;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.OptionalLong;

/**
 * The notifier's place in the journal: the {@code ordering} of the last event all of whose notifications were
 * delivered, in the table {@code jobflow_notify_offset} that the journal's schema script creates. Read when the
 * notifier starts, written only after deliveries succeeded. Plain JDBC on a connection of its own: a write a second,
 * at most, next to the journal's pool.
 */
public final class NotifyOffsets implements AutoCloseable {
  /** The row of the one notifier; a name, so that other projections can share the table later. */
  static final String NAME = "notify";

  private final JournalSettings settings;
  private final Clock clock;
  private Connection connection;

  public NotifyOffsets(JournalSettings settings, Clock clock) {
    this.settings = settings;
    this.clock = clock;
  }

  /** The stored offset, empty when the notifier never ran on this journal. */
  public synchronized OptionalLong load() throws SQLException {
    try (PreparedStatement st = connection().prepareStatement(
        "SELECT \"ordering\" FROM \"jobflow_notify_offset\" WHERE \"name\" = ?")) {
      st.setString(1, NAME);
      try (ResultSet rs = st.executeQuery()) {
        return rs.next() ? OptionalLong.of(rs.getLong(1)) : OptionalLong.empty();
      }
    } catch (SQLException e) {
      reset();
      throw e;
    }
  }

  /** Stores the offset (it only moves forward: a replica that lost the lead cannot move it back). */
  public synchronized void store(long ordering) throws SQLException {
    try {
      Connection c = connection();
      try (PreparedStatement update = c.prepareStatement("UPDATE \"jobflow_notify_offset\" SET \"ordering\" = ?, "
          + "\"updated_at\" = ? WHERE \"name\" = ? AND \"ordering\" < ?")) {
        update.setLong(1, ordering);
        update.setLong(2, clock.millis());
        update.setString(3, NAME);
        update.setLong(4, ordering);
        if (update.executeUpdate() > 0 || load().isPresent()) {
          return;
        }
      }
      try (PreparedStatement insert = c.prepareStatement("INSERT INTO \"jobflow_notify_offset\" (\"name\", "
          + "\"ordering\", \"updated_at\") VALUES (?, ?, ?)")) {
        insert.setString(1, NAME);
        insert.setLong(2, ordering);
        insert.setLong(3, clock.millis());
        insert.executeUpdate();
      }
    } catch (SQLException e) {
      reset();
      throw e;
    }
  }

  private Connection connection() throws SQLException {
    if (connection == null || connection.isClosed()) {
      connection = JournalSchema.connect(settings);
      connection.setAutoCommit(true);
    }
    return connection;
  }

  private void reset() {
    close();
  }

  @Override
  public synchronized void close() {
    if (connection != null) {
      try {
        connection.close();
      } catch (SQLException ignored) {
        // a broken connection is replaced on next use
      }
      connection = null;
    }
  }
}
