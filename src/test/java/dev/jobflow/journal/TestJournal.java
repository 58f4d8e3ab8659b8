package dev.jobflow.journal;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * A throwaway journal for one test: an H2 file in the test's temp dir, or a fresh PostgreSQL schema
 * (dropped on close). {@link #akkaConfig()} is what the product's {@link JournalSettings#prepare()} gives,
 * plus the test entity's serialization binding and faster polling for live queries.
 */
public final class TestJournal implements AutoCloseable {
  static final String TEST_CONFIG = """
      akka.loglevel = WARNING
      akka.actor.serialization-bindings { "dev.jobflow.journal.JournalTestSerializable" = jackson-cbor }
      jdbc-read-journal.refresh-interval = 100ms
      jdbc-read-journal.journal-sequence-retrieval.query-delay = 100ms
      jobflow.journal.persist-failure-backoff { min = 200ms, max = 2s, random-factor = 0.2 }
      """;

  private final JournalSettings settings;
  private final PostgresTestDatabase postgres;

  private TestJournal(JournalSettings settings, PostgresTestDatabase postgres) {
    this.settings = settings;
    this.postgres = postgres;
  }

  /** A journal of the given dialect; PostgreSQL skips (or fails under CI=true) when the server is unreachable. */
  public static TestJournal open(JournalDialect dialect, Path tempDir) {
    return open(dialect, tempDir, "");
  }

  /** As {@link #open(JournalDialect, Path)}, with extra HOCON over the test config. */
  public static TestJournal open(JournalDialect dialect, Path tempDir, String extraConfig) {
    JournalSettings base = JournalSettings.fromConfig(baseConfig(extraConfig));
    if (dialect == JournalDialect.H2) {
      return new TestJournal(base.withUrl("").withDataDir(tempDir.resolve("data")), null);
    }
    PostgresTestDatabase pg = PostgresTestDatabase.create();
    return new TestJournal(base.withUrl(pg.url()).withUser(PostgresTestDatabase.USER).withPassword(""), pg);
  }

  /** PostgreSQL reached through a proxy on {@code proxyPort}; the schema is created directly on the server. */
  public static TestJournal postgresVia(PostgresTestDatabase pg, int proxyPort, String extraConfig) {
    JournalSettings base = JournalSettings.fromConfig(baseConfig(extraConfig));
    return new TestJournal(
        base.withUrl(pg.urlViaPort(proxyPort)).withUser(PostgresTestDatabase.USER).withPassword(""), null);
  }

  static Config baseConfig(String extraConfig) {
    return ConfigFactory.parseString(extraConfig)
        .withFallback(ConfigFactory.parseString(TEST_CONFIG))
        .withFallback(ConfigFactory.load())
        .resolve();
  }

  public JournalSettings settings() {
    return settings;
  }

  /** Creates the schema (as the controller does at start) and returns the actor system's config. */
  public Config akkaConfig() {
    return settings.prepare();
  }

  /** A plain JDBC connection to the journal's database, to look at its tables. */
  public Connection connect() throws SQLException {
    return JournalSchema.connect(settings);
  }

  /** Table names as written in SQL for this dialect (H2's schema quotes lower-case names). */
  public String table(String name) {
    return settings.dialect() == JournalDialect.H2 ? "\"" + name + "\"" : name;
  }

  public String column(String name) {
    return table(name);
  }

  @Override
  public void close() {
    if (postgres != null) {
      postgres.close();
    }
  }
}
