package dev.jobflow.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedded journal's file, written one commit at a time as the journal does, stays near its data's size. */
class EmbeddedJournalCompactionTest {
  static final int COMMITS = 10_000;

  @TempDir
  Path dir;

  @Test
  void compactingWhileOpenShrinksTheFileAndKeepsEveryRow() throws Exception {
    JournalSettings settings = JournalSettings.load().withDataDir(dir);
    try (Connection c = DriverManager.getConnection(settings.jdbcUrl(), settings.user(), settings.password())) {
      c.createStatement().execute("create table ev(pid varchar(255), seq bigint, payload varbinary(1000),"
          + " primary key(pid, seq))");
      EmbeddedJournalCompaction compaction = EmbeddedJournalCompaction.open(settings);
      assertNotNull(compaction, "the embedded store is reachable");
      Path file = dir.resolve("journal.mv.db");
      try {
        assertFalse(compaction.pass().shrank(), "nothing to do in a new file");
        PreparedStatement insert = c.prepareStatement("insert into ev values (?, ?, ?)");
        for (int i = 0; i < COMMITS; i++) { // auto-commit: a chunk per row, as a journal without write delay does
          insert.setString(1, "JobFlow|flow-" + (i % 50));
          insert.setLong(2, i);
          insert.setBytes(3, new byte[300]);
          insert.executeUpdate();
        }
        long grown = Files.size(file);
        EmbeddedJournalCompaction.Pass pass = compaction.pass();
        assertTrue(pass.shrank(), "a file written a commit at a time is mostly dead chunks: " + pass);
        long compacted = Files.size(file);
        assertTrue(compacted < grown / 3, "the file went from " + (grown >> 10) + " KiB to " + (compacted >> 10)
            + " KiB for " + COMMITS + " rows of 300 bytes");
        assertFalse(compaction.pass().shrank(), "the next pass waits for the file to grow again");
      } finally {
        compaction.close();
      }
      try (ResultSet rows = c.createStatement().executeQuery("select count(*), sum(seq) from ev")) {
        rows.next();
        assertEquals(COMMITS, rows.getInt(1));
        assertEquals((long) COMMITS * (COMMITS - 1) / 2, rows.getLong(2));
      }
    }
  }

  @Test
  void onlyTheEmbeddedJournalIsCompactedByTheController() {
    assertNull(EmbeddedJournalCompaction.start(JournalSettings.load().withDataDir(dir)
        .withUrl("jdbc:postgresql://127.0.0.1:5432/test")));
    assertEquals(Duration.ofSeconds(10), JournalSettings.load().embeddedCompactionInterval());
  }
}
