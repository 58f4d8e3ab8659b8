package dev.jobflow.controller;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The real Alertmanager (Debian's {@code prometheus-alertmanager}), started on loopback with a config of the test's
 * choosing, clustering off. Missing, it skips the test locally (saying how to get it) and fails it in CI
 * ({@code CI=true}), where {@code .ci/run} installs it.
 */
final class Alertmanager implements AutoCloseable {
  static final Path BINARY = Path.of("/usr/bin/prometheus-alertmanager");

  private final Process process;
  private final int port;
  private final Path log;
  private final HttpClient http = HttpClient.newHttpClient();

  private Alertmanager(Process process, int port, Path log) {
    this.process = process;
    this.port = port;
    this.log = log;
  }

  static void require() {
    boolean present = Files.isExecutable(BINARY);
    if (!present && "true".equalsIgnoreCase(System.getenv("CI"))) {
      fail(BINARY + " is not installed: CI must have it (.ci/run installs the Debian package prometheus-alertmanager)");
    }
    assumeTrue(present, BINARY + " not found: apt-get install prometheus-alertmanager to run the Alertmanager test");
  }

  /** Starts Alertmanager with {@code config} (YAML) in {@code dir} and waits until it is ready. */
  static Alertmanager start(Path dir, String config) throws Exception {
    require();
    Files.createDirectories(dir);
    Path configFile = Files.writeString(dir.resolve("alertmanager.yml"), config);
    Path log = dir.resolve("alertmanager.log");
    int port = freePort();
    Process process = new ProcessBuilder(BINARY.toString(), "--config.file=" + configFile,
        "--storage.path=" + dir.resolve("data"), "--web.listen-address=127.0.0.1:" + port,
        "--cluster.listen-address=", "--log.level=debug")
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    Alertmanager am = new Alertmanager(process, port, log);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!am.ready()) {
      if (!process.isAlive() || System.nanoTime() > deadline) {
        String out = Files.exists(log) ? Files.readString(log) : "";
        am.close();
        fail("Alertmanager did not become ready:\n" + out);
      }
      Thread.sleep(100); // polling its readiness endpoint, not waiting for something to not happen
    }
    return am;
  }

  private boolean ready() {
    try {
      return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/-/ready"))
          .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Adds alerts through Alertmanager's API ({@code POST /api/v2/alerts}, a JSON list of alerts). */
  void post(String alertsJson) throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
            + "/api/v2/alerts")).header("Content-Type", "application/json").timeout(Duration.ofSeconds(10))
        .POST(HttpRequest.BodyPublishers.ofString(alertsJson)).build(), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      fail("Alertmanager refused the alerts: " + r.statusCode() + " " + r.body());
    }
  }

  /** Its log lines so far. */
  List<String> log() throws IOException {
    return Files.readAllLines(log);
  }

  /** Copies its log where it outlives the test's temporary directory (to read after a failure). */
  void keepLog(Path to) {
    try {
      Files.createDirectories(to.toAbsolutePath().getParent());
      Files.copy(log, to, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      // the log is a help for reading failures, not part of the test
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
