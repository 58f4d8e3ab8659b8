package dev.jobflow.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class JournalSchemaTest {
  @TempDir
  Path tempDir;

  @Test
  void theShippedPostgresqlSchemaIsTheOneTheProductApplies() throws Exception {
    Path projectDir = Path.of(System.getProperty("jobflow.project.dir", "."));
    String shipped = Files.readString(projectDir.resolve("deploy/postgres/schema.sql"));
    assertEquals(JournalSchema.sql(JournalDialect.POSTGRESQL), shipped,
        "deploy/postgres/schema.sql differs from src/main/resources/dev/jobflow/journal/postgres-schema.sql:"
            + " copy the resource over it (or print it with `jobflow journal init --print-sql`)");
  }

  @Test
  void scriptsSplitIntoTheirStatements() {
    for (JournalDialect d : JournalDialect.values()) {
      List<String> statements = JournalSchema.statements(d);
      assertEquals(6, statements.size(), d + ": " + statements);
      assertTrue(statements.stream().allMatch(s -> s.startsWith("CREATE ") && s.contains(" IF NOT EXISTS ")),
          d + " statements must all be idempotent: " + statements);
    }
  }

  @ParameterizedTest
  @EnumSource(JournalDialect.class)
  void applyingTwiceKeepsTheTablesAndTheirRows(JournalDialect dialect) throws Exception {
    try (TestJournal journal = TestJournal.open(dialect, tempDir)) {
      assertEquals(6, JournalSchema.apply(journal.settings()));
      try (Connection c = journal.connect(); PreparedStatement st = c.prepareStatement("INSERT INTO "
          + journal.table("snapshot") + " VALUES ('p', 1, 0, 1, 'm', ?, NULL, NULL, NULL)")) {
        st.setBytes(1, new byte[] {1});
        st.executeUpdate();
      }
      assertEquals(6, JournalSchema.apply(journal.settings()));
      try (Connection c = journal.connect(); Statement st = c.createStatement();
           ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM " + journal.table("snapshot"))) {
        rs.next();
        assertEquals(1, rs.getInt(1));
      }
      try (Connection c = journal.connect()) {
        Set<String> tables = new TreeSet<>();
        try (ResultSet rs = c.getMetaData().getTables(null, c.getSchema(), "%", new String[] {"TABLE"})) {
          while (rs.next()) {
            tables.add(rs.getString("TABLE_NAME"));
          }
        }
        assertEquals(Set.of("event_journal", "event_tag", "snapshot", "jobflow_notify_offset"), tables);
      }
    }
  }

  @Test
  void createsThePostgresqlSchemaNamedByCurrentSchema() throws Exception {
    PostgresTestDatabase.requireReachable();
    try (PostgresTestDatabase pg = PostgresTestDatabase.create()) {
      String fresh = pg.schema() + "_new";
      JournalSettings settings = TestJournal.open(JournalDialect.H2, tempDir).settings()
          .withUrl(PostgresTestDatabase.URL + "?currentSchema=" + fresh).withUser(PostgresTestDatabase.USER);
      try {
        JournalSchema.apply(settings);
        try (Connection c = JournalSchema.connect(settings); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM event_journal")) {
          rs.next();
          assertEquals(0, rs.getInt(1));
          assertEquals(fresh, c.getSchema());
        }
      } finally {
        try (Connection c = pg.connect(); Statement st = c.createStatement()) {
          st.execute("DROP SCHEMA IF EXISTS " + fresh + " CASCADE");
        }
      }
    }
  }
}
