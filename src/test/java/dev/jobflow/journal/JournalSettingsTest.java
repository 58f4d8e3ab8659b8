package dev.jobflow.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JournalSettingsTest {
  private static final String DB = "akka-persistence-jdbc.shared-databases.slick.db.";

  /** conf/application.conf as shipped, with the given environment variables. */
  private static Config shipped(String resource, Map<String, String> env) {
    // ${?JOBFLOW_X} finds a root-level JOBFLOW_X in the config before it looks at the real environment.
    return ConfigFactory.parseResources(resource)
        .withFallback(ConfigFactory.parseMap(env))
        .withFallback(ConfigFactory.defaultReference())
        .resolve();
  }

  @Test
  void onlyTheJournalsOwnConfigSelectsTheJdbcPlugins() {
    Config plain = shipped("application.conf", Map.of());
    assertEquals("", plain.getString("akka.persistence.journal.plugin"),
        "an actor system started without JournalSettings must not write to an unprepared ./data");
    Config akka = JournalSettings.fromConfig(plain).akkaConfig();
    assertEquals("jdbc-journal", akka.getString("akka.persistence.journal.plugin"));
  }

  @Test
  void groupCommitIsTheDefaultWritePathAndCanBeSwitchedOff() {
    Config plain = shipped("application.conf", Map.of());
    assertEquals(GroupCommitJournalDao.class.getName(),
        JournalSettings.fromConfig(plain).akkaConfig().getString("jdbc-journal.dao"));
    JournalSettings off = JournalSettings.fromConfig(shipped("application.conf", Map.of("JOBFLOW_JOURNAL_GROUP_COMMIT", "off")));
    assertFalse(off.groupCommit());
    assertEquals("akka.persistence.jdbc.journal.dao.DefaultJournalDao", off.akkaConfig().getString("jdbc-journal.dao"),
        "off: the plugin's own DAO");
  }

  @Test
  void defaultsToAnH2FileUnderTheDataDir() {
    JournalSettings s = JournalSettings.fromConfig(shipped("application.conf", Map.of()));
    assertTrue(s.isEmbedded());
    assertEquals(JournalDialect.H2, s.dialect());
    assertEquals(Path.of("./data"), s.dataDir());
    assertTrue(s.createSchema());
    String expectedFile = Path.of("./data").toAbsolutePath().normalize().resolve("journal").toString();
    assertEquals("jdbc:h2:file:" + expectedFile + ";DB_CLOSE_ON_EXIT=FALSE;WRITE_DELAY=0", s.jdbcUrl());

    Config akka = s.akkaConfig();
    assertEquals("jdbc-journal", akka.getString("akka.persistence.journal.plugin"));
    assertEquals("jdbc-snapshot-store", akka.getString("akka.persistence.snapshot-store.plugin"));
    for (String plugin : new String[] {"jdbc-journal", "jdbc-snapshot-store", "jdbc-read-journal"}) {
      assertEquals("slick", akka.getString(plugin + ".use-shared-db"), plugin);
    }
    assertEquals("slick.jdbc.H2Profile$", akka.getString("akka-persistence-jdbc.shared-databases.slick.profile"));
    assertEquals(s.jdbcUrl(), akka.getString(DB + "url"));
    assertEquals("org.h2.Driver", akka.getString(DB + "driver"));
    assertEquals("sa", akka.getString(DB + "user"));
    assertEquals("HikariCP", akka.getString(DB + "connectionPool"));
    assertEquals(5_000, akka.getDuration(DB + "connectionTimeout").toMillis());
  }

  @Test
  void everyOperatorSettingHasAnEnvironmentVariable() {
    JournalSettings s = JournalSettings.fromConfig(shipped("application.conf", Map.ofEntries(
        Map.entry("JOBFLOW_JOURNAL_URL", "jdbc:postgresql://db.prod:5432/jobflow"),
        Map.entry("JOBFLOW_JOURNAL_USER", "flows"),
        Map.entry("JOBFLOW_JOURNAL_PASSWORD", "s3cret"),
        Map.entry("JOBFLOW_DATA_DIR", "/var/lib/jobflow"),
        Map.entry("JOBFLOW_JOURNAL_CREATE_SCHEMA", "false"),
        Map.entry("JOBFLOW_JOURNAL_MAX_CONNECTIONS", "16"),
        Map.entry("JOBFLOW_JOURNAL_CONNECTION_TIMEOUT", "2s"),
        Map.entry("JOBFLOW_JOURNAL_SOCKET_TIMEOUT", "45s"),
        Map.entry("JOBFLOW_JOURNAL_BACKOFF_MIN", "500ms"),
        Map.entry("JOBFLOW_JOURNAL_BACKOFF_MAX", "1m"),
        Map.entry("JOBFLOW_JOURNAL_BACKOFF_RANDOM_FACTOR", "0.5"),
        Map.entry("JOBFLOW_JOURNAL_HEALTH_TIMEOUT", "7s"))));
    assertEquals(JournalDialect.POSTGRESQL, s.dialect());
    assertEquals("jdbc:postgresql://db.prod:5432/jobflow", s.jdbcUrl());
    assertEquals("flows", s.user());
    assertEquals(Path.of("/var/lib/jobflow"), s.dataDir());
    assertFalse(s.createSchema());
    assertEquals(16, s.maxConnections());
    assertEquals(new PersistFailureBackoff(Duration.ofMillis(500), Duration.ofMinutes(1), 0.5),
        s.persistFailureBackoff());
    assertEquals(Duration.ofSeconds(7), s.healthTimeout());
    assertEquals(Duration.ofSeconds(2), s.connectionTimeout());
    assertEquals(Duration.ofSeconds(45), s.socketTimeout());

    Config akka = s.akkaConfig();
    assertEquals("slick.jdbc.PostgresProfile$", akka.getString("akka-persistence-jdbc.shared-databases.slick.profile"));
    assertEquals("org.postgresql.Driver", akka.getString(DB + "driver"));
    assertEquals("flows", akka.getString(DB + "user"));
    assertEquals("s3cret", akka.getString(DB + "password"));
    assertEquals(16, akka.getInt(DB + "maxConnections"));
    assertEquals(16, akka.getInt(DB + "numThreads"));
    assertEquals(2_000, akka.getDuration(DB + "connectionTimeout").toMillis());
    assertEquals("45", akka.getString(DB + "properties.socketTimeout"));
    assertEquals("2", akka.getString(DB + "properties.connectTimeout"));
    assertFalse(s.toString().contains("s3cret"), s.toString());
  }

  @Test
  void flagsOverrideConfigAndThePostgresOverlayPointsAtPostgresql() {
    JournalSettings overlay = JournalSettings.fromConfig(shipped("postgres.conf", Map.of()));
    assertEquals(JournalDialect.POSTGRESQL, overlay.dialect());
    assertEquals("jobflow", overlay.user());

    JournalSettings fromEnv = JournalSettings.fromConfig(shipped("postgres.conf",
        Map.of("JOBFLOW_JOURNAL_URL", "jdbc:postgresql://pg:6543/audit")));
    assertEquals("jdbc:postgresql://pg:6543/audit", fromEnv.jdbcUrl());

    JournalSettings flagged = fromEnv.withUrl("jdbc:h2:file:/tmp/j").withUser("me").withCreateSchema(false);
    assertEquals(JournalDialect.H2, flagged.dialect());
    assertEquals("jdbc:h2:file:/tmp/j", flagged.jdbcUrl());
    assertEquals("me", flagged.user());
    assertFalse(flagged.createSchema());
  }

  @Test
  void refusesUnsupportedUrlsNamingThemWithoutTheirPassword() {
    JournalSettings s = JournalSettings.fromConfig(shipped("application.conf", Map.of()));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> s.withUrl("jdbc:mysql://db:3306/j?user=x&password=hunter2"));
    assertTrue(e.getMessage().contains("jdbc:mysql://db:3306/j?user=x&password=***"), e.getMessage());
    assertFalse(e.getMessage().contains("hunter2"), e.getMessage());
    assertTrue(e.getMessage().contains("jdbc:postgresql://"), "says what is supported: " + e.getMessage());
  }

  @Test
  void persistFailureBackoffIsReadAndChecked() {
    JournalSettings s = JournalSettings.fromConfig(shipped("application.conf", Map.of()));
    assertEquals(new PersistFailureBackoff(Duration.ofSeconds(1), Duration.ofSeconds(30), 0.2), s.persistFailureBackoff());
    assertTrue(s.persistFailureBackoff().strategy() != null);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new PersistFailureBackoff(Duration.ofSeconds(10), Duration.ofSeconds(1), 0.2));
    assertTrue(e.getMessage().contains("persist-failure-backoff.max"), e.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> new PersistFailureBackoff(Duration.ZERO, Duration.ofSeconds(1), 0.2));
    assertThrows(IllegalArgumentException.class,
        () -> new PersistFailureBackoff(Duration.ofSeconds(1), Duration.ofSeconds(2), 1.5));
  }
}
