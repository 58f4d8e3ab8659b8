package dev.jobflow.journal;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.h2.engine.SessionLocal;
import org.h2.jdbc.JdbcConnection;
import org.h2.mvstore.MVStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the embedded H2 journal's file near the size of its data while the controller runs. Without H2's write
 * delay ({@link JournalSettings#jdbcUrl()}: a commit must be in the file when it returns) H2 writes every commit as
 * a new chunk and no longer compacts while the database is open: a 100,000-instance flow left 5.6 GiB for 82 MiB of
 * data. So every interval, when the file has grown by half since the last pass (and by at least
 * {@value #MIN_GROWTH_MIB} MiB), this compacts it in two rounds of at most {@value #BUDGET_MILLIS} ms, which is what H2 itself does
 * when it closes a database. Writes wait meanwhile. (H2's own fill rate is no trigger: chunks within its 45 s
 * retention count as live, and a file written a commit at a time read 100 % at 120 MiB for 2 MiB of rows.)
 *
 * <p>H2 has no SQL for it: the store is reached through the embedded session, which is why only the embedded file
 * gets this (a journal reached over TCP or on PostgreSQL compacts itself). The connection it holds keeps the
 * database open until it is closed, after the pool.
 */
public final class EmbeddedJournalCompaction implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(EmbeddedJournalCompaction.class);
  /** A pass compacts only a file that has grown at least this much since the last one. */
  static final int MIN_GROWTH_MIB = 16;
  static final int BUDGET_MILLIS = 150;

  /** What one pass found and left: file sizes in bytes. */
  record Pass(long sizeBefore, long sizeAfter) {
    boolean shrank() {
      return sizeAfter < sizeBefore;
    }
  }

  private final Connection connection;
  private final MVStore store;
  private final ScheduledExecutorService timer;
  /** The file's size after the last pass (or at the start). */
  private long settledSize;

  private EmbeddedJournalCompaction(Connection connection, MVStore store, ScheduledExecutorService timer) {
    this.connection = connection;
    this.store = store;
    this.timer = timer;
    // H2 keeps a replaced chunk for 45 s before it reuses the space, so that a disk reordering writes cannot leave
    // the last good version overwritten at a power cut; a file written a commit at a time then grows by a chunk per
    // commit. H2's own compaction sets it to 0, as this does from the start: a killed process loses nothing by it
    // (the written chunks are in the OS's cache), only an unsynced disk at a power cut could.
    store.setRetentionTime(0);
    this.settledSize = store.getFileStore().size();
  }

  /**
   * Compacts the embedded journal every {@link JournalSettings#embeddedCompactionInterval()}; null for any other
   * journal, a zero interval, or an H2 whose internals are not the ones this was written against (logged).
   */
  public static EmbeddedJournalCompaction start(JournalSettings settings) {
    Duration every = settings.embeddedCompactionInterval();
    if (!settings.isEmbedded() || every.isZero()) {
      return null;
    }
    EmbeddedJournalCompaction compaction = open(settings);
    if (compaction != null) {
      compaction.timer.scheduleWithFixedDelay(compaction::passLogged, every.toMillis(), every.toMillis(),
          TimeUnit.MILLISECONDS);
    }
    return compaction;
  }

  /** Opens the store of the embedded journal without a schedule (tests call {@link #pass()}); null if impossible. */
  static EmbeddedJournalCompaction open(JournalSettings settings) {
    Connection connection = null;
    try {
      connection = DriverManager.getConnection(settings.jdbcUrl(), settings.user(), settings.password());
      MVStore store = ((SessionLocal) connection.unwrap(JdbcConnection.class).getSession()).getDatabase().getStore()
          .getMvStore();
      ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "journal-compaction");
        t.setDaemon(true);
        return t;
      });
      return new EmbeddedJournalCompaction(connection, store, timer);
    } catch (SQLException | ClassCastException | LinkageError e) {
      log.warn("the embedded journal's file will not be compacted while the controller runs ({}); it is at the next "
          + "start (docs/persistence.md)", e.toString());
      closeQuietly(connection);
      return null;
    }
  }

  /** One pass: compacts when the file grew by half since the last pass, and by {@value #MIN_GROWTH_MIB} MiB. */
  synchronized Pass pass() {
    long sizeBefore = store.getFileStore().size();
    long growth = sizeBefore - settledSize;
    if (growth >= (long) MIN_GROWTH_MIB << 20 && growth >= settledSize / 2) {
      // The first round rewrites what lies in sparse chunks, the commit stores it, the second moves the chunks
      // together and cuts the file; alone, either round left a 30 MiB file of 3.5 MiB data as it was.
      store.compactFile(BUDGET_MILLIS);
      store.commit();
      store.compactFile(BUDGET_MILLIS);
      settledSize = store.getFileStore().size();
    }
    return new Pass(sizeBefore, store.getFileStore().size());
  }

  private void passLogged() {
    try {
      Pass p = pass();
      if (p.shrank()) {
        log.debug("journal file compacted from {} MiB to {} MiB", p.sizeBefore() >> 20, p.sizeAfter() >> 20);
      }
    } catch (RuntimeException e) {
      log.info("journal file compaction failed ({}); trying again later", e.toString());
    }
  }

  @Override
  public void close() {
    timer.shutdown();
    try {
      timer.awaitTermination(5, TimeUnit.SECONDS); // a pass in progress ends within its budget
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    closeQuietly(connection);
  }

  private static void closeQuietly(Connection c) {
    if (c == null) {
      return;
    }
    try {
      c.close();
    } catch (SQLException e) {
      log.debug("closing the compaction's connection", e);
    }
  }
}
