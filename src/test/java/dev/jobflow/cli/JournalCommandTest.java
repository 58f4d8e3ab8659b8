package dev.jobflow.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jobflow.journal.PostgresTestDatabase;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class JournalCommandTest {
  @TempDir
  Path tempDir;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    CommandLine cli = new CommandLine(new JobflowCommand());
    cli.setExecutionExceptionHandler(new JobflowCommand.ErrorHandler());
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    return cli.execute(args);
  }

  @Test
  void initCreatesAnH2JournalAndIsIdempotent() throws Exception {
    String url = "jdbc:h2:file:" + tempDir.resolve("j/journal");
    assertEquals(ExitCodes.OK, run("journal", "init", "--journal-url", url), err.toString());
    assertEquals(ExitCodes.OK, run("journal", "init", "--journal-url", url), err.toString());
    assertTrue(out.toString().contains("journal schema ready in " + url), out.toString());
    try (Connection c = DriverManager.getConnection(url, "sa", "");
         Statement st = c.createStatement();
         ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM \"event_journal\"")) {
      rs.next();
      assertEquals(0, rs.getInt(1));
    }
  }

  @Test
  void initCreatesTheJournalTablesInTheUrlsPostgresqlSchema() throws Exception {
    try (PostgresTestDatabase pg = PostgresTestDatabase.create()) {
      assertEquals(ExitCodes.OK,
          run("journal", "init", "--journal-url", pg.url(), "--journal-user", PostgresTestDatabase.USER), err.toString());
      try (Connection c = pg.connect(); Statement st = c.createStatement();
           ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM event_tag")) {
        rs.next();
        assertEquals(0, rs.getInt(1));
      }
    }
  }

  @Test
  void printSqlShowsTheShippedSchemaWithoutConnecting() throws Exception {
    assertEquals(ExitCodes.OK, run("journal", "init", "--print-sql", "--journal-url", "jdbc:postgresql://nowhere:1/x"));
    Path shipped = Path.of(System.getProperty("jobflow.project.dir", ".")).resolve("deploy/postgres/schema.sql");
    assertEquals(Files.readString(shipped), out.toString());
  }

  @Test
  void anUnreachableDatabaseIsOneLineNamingTheUrl() throws Exception {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = s.getLocalPort();
    }
    String url = "jdbc:postgresql://127.0.0.1:" + closedPort + "/jobflow";
    assertEquals(ExitCodes.ERROR, run("journal", "init", "--journal-url", url));
    String message = err.toString().strip();
    assertFalse(message.contains("\n"), "one line: " + message);
    assertTrue(message.startsWith("jobflow: cannot create the journal schema in " + url + ": "), message);
  }

  @Test
  void anUnsupportedUrlSaysWhatIsSupported() {
    assertEquals(ExitCodes.ERROR, run("journal", "init", "--journal-url", "jdbc:mysql://db/j"));
    String message = err.toString().strip();
    assertTrue(message.contains("jdbc:mysql://db/j is not supported"), message);
    assertTrue(message.contains("jdbc:postgresql://"), message);
  }
}
