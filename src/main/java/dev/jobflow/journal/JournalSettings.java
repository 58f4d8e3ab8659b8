package dev.jobflow.journal;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The journal's settings ({@code jobflow.journal} plus CLI flags), and the Akka {@link Config} that
 * points akka-persistence-jdbc at that database. The controller, {@code jobflow dev} and
 * {@code jobflow audit} all start their actor system with {@link #prepare()} ({@code jobflow audit}: with
 * {@link #akkaConfig()}, creating nothing). While the controller has the embedded H2 file open, other processes
 * read it through {@link JournalServer}.
 */
public final class JournalSettings {
  private static final String SHARED_DB = "akka-persistence-jdbc.shared-databases.slick";
  private static final Pattern PASSWORD_IN_URL = Pattern.compile("(?i)(password=)[^&;]*");

  private static final String SECTION = "jobflow.journal";

  /** The whole config: its {@code jobflow.journal} section is the source of every value below. */
  private final Config base;
  private final String url;
  private final String user;
  private final String password;
  private final Path dataDir;
  private final boolean createSchema;
  private final Duration connectionTimeout;
  private final Duration socketTimeout;
  private final int maxConnections;
  private final PersistFailureBackoff persistFailureBackoff;
  private final Duration healthTimeout;
  private final boolean groupCommit;
  private final Duration embeddedCompactionInterval;

  private JournalSettings(Config base) {
    Config j = base.getConfig(SECTION);
    this.base = base;
    this.url = j.getString("url").trim();
    this.user = j.getString("user");
    this.password = j.getString("password");
    this.dataDir = Path.of(j.getString("data-dir"));
    this.createSchema = j.getBoolean("create-schema");
    this.connectionTimeout = j.getDuration("connection-timeout");
    this.socketTimeout = j.getDuration("socket-timeout");
    this.maxConnections = j.getInt("max-connections");
    this.persistFailureBackoff = PersistFailureBackoff.fromConfig(j.getConfig("persist-failure-backoff"));
    this.healthTimeout = j.getDuration("health-timeout");
    this.groupCommit = j.getBoolean("group-commit");
    this.embeddedCompactionInterval = j.getDuration("embedded-compaction-interval");
    if (!this.url.isEmpty()) {
      JournalDialect.of(this.url); // refuse unsupported URLs now, not when the first flow writes
    }
    if (maxConnections < 1) {
      throw new IllegalArgumentException("jobflow.journal.max-connections must be at least 1, was " + maxConnections);
    }
  }

  /** Settings from {@code ConfigFactory.load()}: the jar's conf/application.conf, -Dconfig.file, env. */
  public static JournalSettings load() {
    return fromConfig(ConfigFactory.load());
  }

  /** Settings from the {@code jobflow.journal} section of a resolved config (kept as the base of {@link #akkaConfig()}). */
  public static JournalSettings fromConfig(Config config) {
    return new JournalSettings(config);
  }

  // A flag given on the command line (or by a test) overrides its key of the config: the settings and the Akka
  // config made from them then agree on every value.

  public JournalSettings withUrl(String newUrl) {
    return with("url", newUrl);
  }

  public JournalSettings withUser(String newUser) {
    return with("user", newUser);
  }

  public JournalSettings withPassword(String newPassword) {
    return with("password", newPassword);
  }

  public JournalSettings withDataDir(Path newDataDir) {
    return with("data-dir", newDataDir.toString());
  }

  public JournalSettings withCreateSchema(boolean create) {
    return with("create-schema", create);
  }

  public JournalSettings withGroupCommit(boolean on) {
    return with("group-commit", on);
  }

  private JournalSettings with(String key, Object value) {
    return new JournalSettings(base.withValue(SECTION + "." + key, ConfigValueFactory.fromAnyRef(value)));
  }

  /** The configured URL, or the H2 file {@code <data-dir>/journal} when none is set. */
  public String jdbcUrl() {
    if (!url.isEmpty()) {
      return url;
    }
    // DB_CLOSE_ON_EXIT=FALSE: H2's own shutdown hook would close the file while Akka still flushes writes;
    // the pool closes it when the actor system terminates. WRITE_DELAY=0: a commit is in the file when it returns;
    // H2's default writes it up to a second later, and a controller killed then lost events it had acknowledged.
    // (Without the delay H2 no longer compacts the file while it is open: docs/persistence.md.)
    return "jdbc:h2:file:" + h2File() + ";DB_CLOSE_ON_EXIT=FALSE;WRITE_DELAY=0";
  }

  /** True when no URL is configured and the journal is the embedded H2 file under the data dir. */
  public boolean isEmbedded() {
    return url.isEmpty();
  }

  public JournalDialect dialect() {
    return JournalDialect.of(jdbcUrl());
  }

  /** The user to connect as: the configured one, else H2's customary {@code sa} (PostgreSQL: the driver's default). */
  public String user() {
    if (user.isEmpty() && dialect() == JournalDialect.H2) {
      return "sa";
    }
    return user;
  }

  String password() {
    return password;
  }

  public Path dataDir() {
    return dataDir;
  }

  public boolean createSchema() {
    return createSchema;
  }

  public Duration connectionTimeout() {
    return connectionTimeout;
  }

  public Duration socketTimeout() {
    return socketTimeout;
  }

  public int maxConnections() {
    return maxConnections;
  }

  /** The backoff for {@code EventSourcedBehavior}'s persist failures ({@code jobflow.journal.persist-failure-backoff}). */
  public PersistFailureBackoff persistFailureBackoff() {
    return persistFailureBackoff;
  }

  public Duration healthTimeout() {
    return healthTimeout;
  }

  /** True when batches of events are written by {@link GroupCommitJournalDao}, false: by the plugin's own DAO. */
  public boolean groupCommit() {
    return groupCommit;
  }

  /** How often the embedded H2 file is checked for compaction; zero: never ({@link EmbeddedJournalCompaction}). */
  public Duration embeddedCompactionInterval() {
    return embeddedCompactionInterval;
  }

  /** The URL with any password in it masked, for messages and logs. */
  public String displayUrl() {
    return redact(jdbcUrl());
  }

  static String redact(String jdbcUrl) {
    return PASSWORD_IN_URL.matcher(jdbcUrl).replaceAll("$1***");
  }

  /** The full Akka config: akka-persistence-jdbc pointed at this database, over the base config. */
  public Config akkaConfig() {
    JournalDialect dialect = dialect();
    Map<String, Object> db = new LinkedHashMap<>();
    db.put("url", jdbcUrl());
    db.put("driver", dialect.driver());
    if (!user().isEmpty()) {
      db.put("user", user());
    }
    if (!password.isEmpty()) {
      db.put("password", password);
    }
    // Slick warns (and can deadlock) when its threads outnumber the pool's connections.
    db.put("numThreads", maxConnections);
    db.put("maxConnections", maxConnections);
    db.put("minConnections", Math.min(2, maxConnections));
    db.put("connectionTimeout", connectionTimeout.toMillis());
    if (dialect == JournalDialect.POSTGRESQL) {
      // Without a socket timeout a read on a silently dropped connection waits forever and pins a pooled
      // connection; the connect timeout bounds each reconnection attempt while the database is away.
      Map<String, Object> props = new LinkedHashMap<>();
      props.put("socketTimeout", String.valueOf(Math.max(1, socketTimeout.toSeconds())));
      props.put("connectTimeout", String.valueOf(Math.max(1, connectionTimeout.toSeconds())));
      props.put("tcpKeepAlive", "true");
      props.put("ApplicationName", "jobflow");
      db.put("properties", props);
    }
    Map<String, Object> slick = Map.of("profile", dialect.slickProfile(), "db", db);
    Config overlay = ConfigFactory.empty()
        .withValue("akka.persistence.journal.plugin", ConfigValueFactory.fromAnyRef("jdbc-journal"))
        .withValue("akka.persistence.snapshot-store.plugin", ConfigValueFactory.fromAnyRef("jdbc-snapshot-store"))
        .withValue(SHARED_DB, ConfigValueFactory.fromMap(slick));
    if (groupCommit) {
      overlay = overlay.withValue("jdbc-journal.dao", ConfigValueFactory.fromAnyRef(GroupCommitJournalDao.class.getName()));
    }
    return overlay.withFallback(base).resolve();
  }

  /**
   * Gets the database ready (the data dir for H2; the schema, when {@code create-schema} is on) and
   * returns {@link #akkaConfig()} to start the actor system with.
   */
  public Config prepare() {
    if (createSchema) {
      JournalSchema.apply(this);
    } else if (isEmbedded()) {
      JournalSchema.createDataDir(this);
    }
    return akkaConfig();
  }

  Path h2File() {
    return dataDir.toAbsolutePath().normalize().resolve("journal");
  }

  @Override
  public String toString() {
    return "journal " + displayUrl() + (user().isEmpty() ? "" : " as " + user());
  }
}
