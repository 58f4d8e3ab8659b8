package dev.jobflow.audit;

import akka.actor.typed.ActorSystem;
import akka.actor.typed.javadsl.Behaviors;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.jobflow.journal.JournalDialect;
import dev.jobflow.journal.JournalServer;
import dev.jobflow.journal.JournalSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * The journal opened for reading by {@code jobflow audit}: its own actor system with akka-persistence-jdbc's
 * read journal, connections marked read-only, no schema created. Works whether the controller runs or not
 * (a running controller shares its embedded H2 file through {@link JournalServer}).
 */
public final class AuditJournal implements AutoCloseable {
  private final ActorSystem<Void> system;
  private final FlowHistory history;

  private AuditJournal(ActorSystem<Void> system) {
    this.system = system;
    this.history = new FlowHistory(system);
  }

  /**
   * Opens the journal.
   *
   * @throws IllegalArgumentException naming the file or URL when there is no journal there
   */
  public static AuditJournal open(JournalSettings settings, Config base) {
    JournalSettings s = settings.withCreateSchema(false);
    if (s.isEmbedded()) {
      Path file = s.dataDir().toAbsolutePath().normalize().resolve("journal.mv.db");
      if (!Files.exists(file)) {
        throw new IllegalArgumentException("no journal at " + file + " (set --data-dir, or --journal-url)");
      }
      // A running controller holds the file: read through the server it runs for that.
      s = JournalServer.runningUrl(s).map(s::withUrl).orElse(s);
    }
    if (!s.isEmbedded() && s.dialect() == JournalDialect.H2 && !s.jdbcUrl().toUpperCase().contains("IFEXISTS")) {
      s = s.withUrl(s.jdbcUrl() + ";IFEXISTS=TRUE"); // reading must not create an empty database
    }
    Config overlay = ConfigFactory.parseMap(Map.of(
        "akka-persistence-jdbc.shared-databases.slick.db.readOnly", true,
        "akka-persistence-jdbc.shared-databases.slick.db.minConnections", 1,
        // A row removed by hand leaves a gap in the ordering column that the tag queries otherwise wait
        // 10 s for (in case a write is still in flight); an audit reader needs no such patience.
        "jdbc-read-journal.journal-sequence-retrieval.query-delay", "100ms",
        "jdbc-read-journal.journal-sequence-retrieval.max-tries", 5,
        "akka.loglevel", "WARNING",
        "akka.coordinated-shutdown.run-by-jvm-shutdown-hook", "off"));
    Config config = overlay.withFallback(s.akkaConfig()).withFallback(base).resolve();
    return new AuditJournal(ActorSystem.create(Behaviors.empty(), "jobflow-audit", config));
  }

  public FlowHistory history() {
    return history;
  }

  public ActorSystem<Void> system() {
    return system;
  }

  @Override
  public void close() {
    system.terminate();
    try {
      system.getWhenTerminated().toCompletableFuture().get(Duration.ofSeconds(30).toSeconds(),
          java.util.concurrent.TimeUnit.SECONDS);
    } catch (Exception e) {
      // closing is best effort: the process is about to exit
    }
  }
}
