package dev.jobflow.journal;

import akka.actor.typed.ActorSystem;
import akka.actor.typed.DispatcherSelector;
import akka.actor.typed.javadsl.Adapter;
import akka.persistence.jdbc.db.SlickExtension;
import akka.persistence.jdbc.db.SlickExtensionImpl;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import slick.jdbc.JdbcBackend;

/**
 * Whether the journal can be written now: a connection from the journal's own pool (the one every flow
 * writes through) answers {@code isValid} within {@code jobflow.journal.health-timeout}. Used by {@code /readyz}.
 */
public final class JournalHealth {
  private static final Logger log = LoggerFactory.getLogger(JournalHealth.class);

  private final JdbcBackend.DatabaseDef database;
  private final Executor blocking;
  private final Duration timeout;
  private final String displayUrl;
  private final Object lock = new Object();
  private CompletableFuture<Boolean> probeInFlight = CompletableFuture.completedFuture(true);
  private Boolean lastResult;

  public JournalHealth(ActorSystem<?> system) {
    var config = system.settings().config();
    if (!config.hasPath("akka-persistence-jdbc.shared-databases.slick.db.url")) {
      throw new IllegalStateException("JournalHealth needs an actor system started with JournalSettings.prepare()"
          + " (or akkaConfig()): this one has no journal database configured");
    }
    SlickExtensionImpl slick = (SlickExtensionImpl) SlickExtension.get(Adapter.toClassic(system));
    this.database = slick.database(config.getConfig("jdbc-journal")).database();
    this.blocking = system.dispatchers().lookup(DispatcherSelector.blocking());
    this.timeout = config.getDuration("jobflow.journal.health-timeout");
    this.displayUrl = JournalSettings.redact(
        config.getString("akka-persistence-jdbc.shared-databases.slick.db.url"));
  }

  /**
   * Completes with true when the journal answered, false when it did not within the timeout. Never fails.
   * Probes that pile up behind an unreachable database share one connection attempt.
   */
  public CompletionStage<Boolean> check() {
    CompletableFuture<Boolean> probe;
    synchronized (lock) {
      if (probeInFlight.isDone()) {
        probeInFlight = CompletableFuture.supplyAsync(this::probe, blocking);
      }
      probe = probeInFlight;
    }
    return probe.copy().completeOnTimeout(false, timeout.toMillis(), TimeUnit.MILLISECONDS)
        .thenApply(this::logTransition);
  }

  private boolean probe() {
    try (Connection c = database.source().createConnection()) {
      return c.isValid((int) Math.max(1, timeout.toSeconds()));
    } catch (SQLException | RuntimeException e) {
      log.debug("journal {} health probe failed", displayUrl, e);
      return false;
    }
  }

  private boolean logTransition(boolean healthy) {
    synchronized (lock) {
      if (lastResult == null || lastResult != healthy) {
        if (healthy) {
          log.info("journal {} is reachable", displayUrl);
        } else {
          log.warn("journal {} is unreachable: flows cannot persist until it is back", displayUrl);
        }
      }
      lastResult = healthy;
    }
    return healthy;
  }
}
