package dev.jobflow.journal;

import static org.junit.jupiter.api.Assertions.fail;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import java.util.UUID;
import org.junit.jupiter.api.Assumptions;

/**
 * A fresh PostgreSQL schema for one test run on the shared server (127.0.0.1:5432, database test, user
 * postgres, trust auth; override with JOBFLOW_TEST_PG_URL / JOBFLOW_TEST_PG_USER), dropped on close, so
 * parallel runs on one machine never see each other's events. With CI=true an unreachable server fails
 * the test; elsewhere the test is skipped with a message saying how to run it.
 */
public final class PostgresTestDatabase implements AutoCloseable {
  public static final String URL = envOr("JOBFLOW_TEST_PG_URL", "jdbc:postgresql://127.0.0.1:5432/test");
  public static final String USER = envOr("JOBFLOW_TEST_PG_USER", "postgres");

  private final String schema;

  private PostgresTestDatabase(String schema) {
    this.schema = schema;
  }

  /** Creates a uniquely named schema, or skips (fails under CI=true) when PostgreSQL is unreachable. */
  public static PostgresTestDatabase create() {
    requireReachable();
    String schema = "jobflow_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    try (Connection c = connectAdmin(); Statement st = c.createStatement()) {
      st.execute("CREATE SCHEMA " + schema);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create test schema " + schema + " in " + URL + ": " + e.getMessage(), e);
    }
    return new PostgresTestDatabase(schema);
  }

  /** Skips the calling test unless PostgreSQL answers; under CI=true fails instead. */
  public static void requireReachable() {
    try (Connection ignored = connectAdmin()) {
      // reachable
    } catch (SQLException e) {
      String why = "PostgreSQL at " + URL + " (user " + USER + ") is unreachable: " + e.getMessage();
      if ("true".equalsIgnoreCase(System.getenv("CI"))) {
        fail(why + " -- CI=true requires the PostgreSQL journal tests to run");
      }
      Assumptions.assumeTrue(false, why + " -- skipping; to run these tests start PostgreSQL with a database"
          + " 'test' that user 'postgres' can reach without a password (or set JOBFLOW_TEST_PG_URL), and set"
          + " CI=true to make them mandatory");
    }
  }

  public String schema() {
    return schema;
  }

  /** The JDBC URL of this schema, directly on the server. */
  public String url() {
    return urlVia(URL);
  }

  /** The JDBC URL of this schema through a proxy on 127.0.0.1:{@code port} (e.g. a {@link TcpProxy}). */
  public String urlViaPort(int port) {
    return urlVia(URL.replaceFirst("//[^/]+/", "//127.0.0.1:" + port + "/"));
  }

  private String urlVia(String base) {
    return base + (base.contains("?") ? "&" : "?") + "currentSchema=" + schema;
  }

  public int serverPort() {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("//[^/:]+:(\\d+)/").matcher(URL);
    return m.find() ? Integer.parseInt(m.group(1)) : 5432;
  }

  public String serverHost() {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("//([^/:]+)").matcher(URL);
    return m.find() ? m.group(1) : "127.0.0.1";
  }

  /** A plain connection to this schema. */
  public Connection connect() throws SQLException {
    Properties p = new Properties();
    p.setProperty("user", USER);
    return DriverManager.getConnection(url(), p);
  }

  @Override
  public void close() {
    try (Connection c = connectAdmin(); Statement st = c.createStatement()) {
      st.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    } catch (SQLException e) {
      throw new IllegalStateException("cannot drop test schema " + schema + ": " + e.getMessage(), e);
    }
  }

  private static Connection connectAdmin() throws SQLException {
    Properties p = new Properties();
    p.setProperty("user", USER);
    p.setProperty("connectTimeout", "5");
    return DriverManager.getConnection(URL, p);
  }

  private static String envOr(String name, String fallback) {
    String v = System.getenv(name);
    return v == null || v.isBlank() ? fallback : v;
  }
}
