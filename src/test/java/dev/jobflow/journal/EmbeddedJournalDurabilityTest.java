package dev.jobflow.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the embedded journal has acknowledged survives a {@code kill -9} of its process: a commit is in the file when
 * it returns. H2's default writes commits a moment later (its write delay), and a controller killed in that moment
 * lost its last events (a 100,000-instance flow came back without the 181 Jobs it had just recorded).
 */
class EmbeddedJournalDurabilityTest {
  @TempDir
  Path dir;

  /** The child process: commits rows one at a time through the journal's URL and says so after each commit. */
  public static final class Writer {
    public static void main(String[] args) throws Exception {
      String url = JournalSettings.load().withDataDir(Path.of(args[0])).jdbcUrl();
      try (Connection c = DriverManager.getConnection(url, "sa", "")) {
        c.createStatement().execute("CREATE TABLE IF NOT EXISTS acked (n INT PRIMARY KEY)");
        for (int n = 1; ; n++) {
          c.createStatement().execute("INSERT INTO acked VALUES (" + n + ")");
          System.out.println("committed " + n);
          System.out.flush();
        }
      }
    }
  }

  @Test
  void everyCommitTheJournalAcknowledgedIsThereAfterTheProcessIsKilled() throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process writer = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), Writer.class.getName(),
        dir.toString()).redirectErrorStream(true).start();
    int acknowledged = 0;
    try (BufferedReader out = new BufferedReader(new InputStreamReader(writer.getInputStream(),
        StandardCharsets.UTF_8))) {
      String line;
      while ((line = out.readLine()) != null) {
        if (line.startsWith("committed ")) {
          acknowledged = Integer.parseInt(line.substring("committed ".length()));
          if (acknowledged >= 200) {
            writer.destroyForcibly(); // SIGKILL: no shutdown hook, no close
            break;
          }
        }
      }
    }
    assertTrue(writer.waitFor(30, TimeUnit.SECONDS));
    assertTrue(acknowledged >= 200, "the writer committed " + acknowledged + " rows");

    String url = JournalSettings.load().withDataDir(dir).jdbcUrl();
    try (Connection c = DriverManager.getConnection(url, "sa", "");
         ResultSet rs = c.createStatement().executeQuery("SELECT COUNT(*), MAX(n) FROM acked")) {
      rs.next();
      assertTrue(rs.getInt(2) >= acknowledged, "acknowledged up to " + acknowledged + ", found up to " + rs.getInt(2));
      assertEquals(rs.getInt(2), rs.getInt(1), "no gaps");
    }
  }
}
