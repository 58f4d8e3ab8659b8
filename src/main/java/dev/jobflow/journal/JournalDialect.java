package dev.jobflow.journal;

import java.util.Locale;

/** The databases the journal runs on, chosen by the JDBC URL's prefix. */
public enum JournalDialect {
  H2("jdbc:h2:", "org.h2.Driver", "slick.jdbc.H2Profile$", "h2-schema.sql"),
  POSTGRESQL("jdbc:postgresql:", "org.postgresql.Driver", "slick.jdbc.PostgresProfile$", "postgres-schema.sql");

  private final String urlPrefix;
  private final String driver;
  private final String slickProfile;
  private final String schemaResource;

  JournalDialect(String urlPrefix, String driver, String slickProfile, String schemaResource) {
    this.urlPrefix = urlPrefix;
    this.driver = driver;
    this.slickProfile = slickProfile;
    this.schemaResource = schemaResource;
  }

  /** The dialect of a JDBC URL; anything but H2 and PostgreSQL is refused with the URL named. */
  public static JournalDialect of(String jdbcUrl) {
    String lower = jdbcUrl.toLowerCase(Locale.ROOT);
    for (JournalDialect d : values()) {
      if (lower.startsWith(d.urlPrefix)) {
        return d;
      }
    }
    throw new IllegalArgumentException("journal url " + JournalSettings.redact(jdbcUrl)
        + " is not supported: use jdbc:postgresql://HOST:PORT/DB or jdbc:h2:file:PATH");
  }

  public String driver() {
    return driver;
  }

  public String slickProfile() {
    return slickProfile;
  }

  /** Classpath resource (next to this class) holding the idempotent CREATE statements. */
  public String schemaResource() {
    return schemaResource;
  }
}
