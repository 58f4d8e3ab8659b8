package dev.jobflow.journal;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * The journal's tables, shipped as SQL ({@code deploy/postgres/schema.sql} is a copy of the PostgreSQL one)
 * and applied idempotently: on start (when {@code create-schema} is on) and by {@code jobflow journal init}.
 */
public final class JournalSchema {
  /** Serialises concurrent initialisers (two controllers starting at once) on PostgreSQL. */
  private static final long SCHEMA_LOCK_KEY = 0x6A6F62666C6F77L; // "jobflow"

  private JournalSchema() {}

  /** The schema script of a dialect, as shipped. */
  public static String sql(JournalDialect dialect) {
    try (InputStream in = JournalSchema.class.getResourceAsStream(dialect.schemaResource())) {
      if (in == null) {
        throw new IllegalStateException("journal schema resource " + dialect.schemaResource() + " is missing from the jar");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The script's statements: comments dropped, split at each {@code ;} that ends a line. */
  public static List<String> statements(JournalDialect dialect) {
    List<String> statements = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (String line : sql(dialect).split("\n")) {
      String trimmed = line.strip();
      if (trimmed.isEmpty() || trimmed.startsWith("--")) {
        continue;
      }
      current.append(line).append('\n');
      if (trimmed.endsWith(";")) {
        String statement = current.toString().strip();
        statements.add(statement.substring(0, statement.length() - 1));
        current.setLength(0);
      }
    }
    if (!current.toString().isBlank()) {
      statements.add(current.toString().strip());
    }
    return statements;
  }

  /**
   * Creates whatever of the journal's tables and indexes is missing, in one transaction, and returns the
   * number of statements run. Existing tables and their events are left alone.
   */
  public static int apply(JournalSettings settings) {
    if (settings.isEmbedded()) {
      createDataDir(settings);
    }
    JournalDialect dialect = settings.dialect();
    List<String> statements = statements(dialect);
    try (Connection c = connect(settings)) {
      c.setAutoCommit(false);
      try (Statement st = c.createStatement()) {
        if (dialect == JournalDialect.POSTGRESQL) {
          st.execute("SELECT pg_advisory_xact_lock(" + SCHEMA_LOCK_KEY + ")");
          createCurrentSchema(settings, st);
        }
        for (String sql : statements) {
          st.execute(sql);
        }
        c.commit();
      } catch (SQLException e) {
        c.rollback();
        throw e;
      }
      return statements.size();
    } catch (SQLException e) {
      throw new JournalUnavailableException("cannot create the journal schema in " + settings.displayUrl()
          + ": " + e.getMessage(), e);
    }
  }

  /** A plain JDBC connection (no pool) with the journal's user, password and timeouts. */
  public static Connection connect(JournalSettings settings) throws SQLException {
    Properties props = new Properties();
    if (!settings.user().isEmpty()) {
      props.setProperty("user", settings.user());
    }
    if (!settings.password().isEmpty()) {
      props.setProperty("password", settings.password());
    }
    if (settings.dialect() == JournalDialect.POSTGRESQL) {
      props.setProperty("connectTimeout", String.valueOf(Math.max(1, settings.connectionTimeout().toSeconds())));
      props.setProperty("socketTimeout", String.valueOf(Math.max(1, settings.socketTimeout().toSeconds())));
    }
    return DriverManager.getConnection(settings.jdbcUrl(), props);
  }

  static void createDataDir(JournalSettings settings) {
    try {
      Files.createDirectories(settings.dataDir());
    } catch (IOException e) {
      throw new JournalUnavailableException("cannot create the journal's data directory " + settings.dataDir()
          + " (jobflow.journal.data-dir / JOBFLOW_DATA_DIR): " + e, e);
    }
  }

  /** {@code ?currentSchema=NAME} names where the tables go; create that schema too, so init is one step. */
  private static void createCurrentSchema(JournalSettings settings, Statement st) throws SQLException {
    Properties parsed = org.postgresql.Driver.parseURL(settings.jdbcUrl(), new Properties());
    String schemas = parsed == null ? null : parsed.getProperty("currentSchema");
    if (schemas == null || schemas.isBlank()) {
      return;
    }
    String first = schemas.split(",")[0].strip();
    if (!first.equals("public") && !first.startsWith("$")) {
      st.execute("CREATE SCHEMA IF NOT EXISTS \"" + first.replace("\"", "\"\"") + "\"");
    }
  }
}
