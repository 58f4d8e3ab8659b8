package dev.jobflow.cli;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.jobflow.journal.JournalSettings;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * The journal flags every command that opens the journal shares ({@code @Mixin JournalOptions journal}):
 * each overrides {@code jobflow.journal.*} and its environment variable. The password is read from
 * {@code JOBFLOW_JOURNAL_PASSWORD} only, so it never shows in a process listing.
 */
public final class JournalOptions {

  @Option(names = "--journal-url", paramLabel = "URL",
      description = "JDBC URL of the event journal: jdbc:postgresql://HOST:PORT/DB or jdbc:h2:file:PATH "
          + "(default: an H2 file under --data-dir; env JOBFLOW_JOURNAL_URL).")
  String url;

  @Option(names = "--journal-user", paramLabel = "USER",
      description = "Database user (env JOBFLOW_JOURNAL_USER; password from JOBFLOW_JOURNAL_PASSWORD).")
  String user;

  @Option(names = "--data-dir", paramLabel = "DIR",
      description = "Directory of the embedded H2 journal (default ./data; env JOBFLOW_DATA_DIR).")
  Path dataDir;

  @Option(names = "--journal-create-schema", negatable = true, paramLabel = "BOOL",
      description = "Create missing journal tables at start (default on; env JOBFLOW_JOURNAL_CREATE_SCHEMA).")
  Boolean createSchema;

  /** The journal settings from {@code ConfigFactory.load()} with these flags applied. */
  public JournalSettings settings() {
    return settings(ConfigFactory.load());
  }

  public JournalSettings settings(Config config) {
    JournalSettings s = JournalSettings.fromConfig(config);
    if (url != null) {
      s = s.withUrl(url);
    }
    if (user != null) {
      s = s.withUser(user);
    }
    if (dataDir != null) {
      s = s.withDataDir(dataDir);
    }
    if (createSchema != null) {
      s = s.withCreateSchema(createSchema);
    }
    return s;
  }
}
