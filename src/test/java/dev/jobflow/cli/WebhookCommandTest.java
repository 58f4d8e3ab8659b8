package dev.jobflow.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jobflow.http.TestCertificates;
import dev.jobflow.http.TestCertificates.Issued;
import dev.jobflow.http.TestCertificates.KeyFormat;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code jobflow webhook} as its own process: serves over TLS, and stops gracefully on SIGTERM. */
class WebhookCommandTest {
  private static final Pattern SERVING = Pattern.compile("jobflow webhook: serving https://[^:]+:(\\d+) ");

  @Test
  void servesUntilSigtermThenDrainsAndExits(@TempDir Path dir) throws Exception {
    Issued cert = TestCertificates.ec("webhook.test");
    Path[] files = cert.writeTo(dir, KeyFormat.TRADITIONAL);
    Process process = jobflow(dir, "webhook", "--port", "0", "--metrics-port", "0", "--address", "127.0.0.1",
        "--tls-cert", files[0].toString(), "--tls-key", files[1].toString());
    try {
      String first = awaitLine(process, dir.resolve("stdout.txt"));
      assertTrue(first != null, "no output; stderr: " + Files.readString(dir.resolve("stderr.txt")));
      Matcher serving = SERVING.matcher(first);
      assertTrue(serving.find(), first);
      int port = Integer.parseInt(serving.group(1));

      HttpClient client = cert.httpClient();
      HttpResponse<String> ready = client.send(HttpRequest.newBuilder(URI.create("https://localhost:" + port + "/readyz"))
          .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(200, ready.statusCode());
      HttpResponse<String> bad = client.send(HttpRequest.newBuilder(URI.create("https://localhost:" + port + "/validate"))
          .timeout(Duration.ofSeconds(10)).POST(HttpRequest.BodyPublishers.ofString("{}")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(400, bad.statusCode());
      Matcher metricsPort = Pattern.compile("metrics on :(\\d+)/metrics").matcher(first);
      assertTrue(metricsPort.find(), first);
      URI metrics = URI.create("http://127.0.0.1:" + metricsPort.group(1) + "/metrics");
      // Kamon publishes on its tick: wait for the bad request to show as an admission error (every series is
      // there from the start at 0, so wait for the count, not for the series).
      Predicate<String> counted = text -> text.lines().anyMatch(l -> l.startsWith("jobflow_admission_requests_total")
          && l.contains("verdict=\"error\"") && !l.endsWith(" 0.0"));
      AtomicReference<String> scrape = new AtomicReference<>("");
      // Kamon's tick is 10 s (conf/application.conf) and a loaded machine delays it: allow several ticks.
      Awaitility.await("the bad request counted as an admission error").atMost(Duration.ofSeconds(90))
          .pollInterval(Duration.ofMillis(500)).until(() -> counted.test(scrape.updateAndGet(last -> get(metrics))));
      assertTrue(counted.test(scrape.get()), scrape.get());

      process.destroy(); // SIGTERM
      assertTrue(process.waitFor(60, TimeUnit.SECONDS), "still running 60 s after SIGTERM");
      List<String> rest = Files.readAllLines(dir.resolve("stdout.txt"));
      assertTrue(rest.stream().anyMatch(l -> l.startsWith("jobflow webhook: stopping")), rest.toString());
      assertEquals("jobflow webhook: stopped", rest.get(rest.size() - 1), rest.toString());
      // 143 = 128 + SIGTERM: the JVM ran its shutdown hooks (coordinated shutdown) and exited.
      assertEquals(143, process.exitValue());
    } finally {
      process.destroyForcibly();
    }
  }

  @Test
  void unusableCertificateFilesAreOneLineErrors(@TempDir Path dir) throws Exception {
    Path missing = dir.resolve("absent.crt");
    Process process = jobflow(dir, "webhook", "--port", "0", "--metrics-port", "0", "--address", "127.0.0.1",
        "--tls-cert", missing.toString(), "--tls-key", dir.resolve("absent.key").toString());
    assertTrue(process.waitFor(60, TimeUnit.SECONDS));
    assertEquals(ExitCodes.ERROR, process.exitValue());
    List<String> errors = Files.readAllLines(dir.resolve("stderr.txt")).stream()
        .filter(l -> l.startsWith("jobflow:")).toList();
    assertEquals(1, errors.size(), errors.toString());
    assertTrue(errors.get(0).contains("cannot read TLS") && errors.get(0).contains(missing.toString()), errors.get(0));
  }

  /** The CLI in its own JVM, on the test class path; stderr goes to {@code dir/stderr.txt}. */
  static Process jobflow(Path dir, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
        "-cp", System.getProperty("java.class.path"), JobflowCommand.class.getName()));
    command.addAll(List.of(args));
    return new ProcessBuilder(command).redirectError(dir.resolve("stderr.txt").toFile())
        .redirectOutput(dir.resolve("stdout.txt").toFile()).start();
  }

  static String get(URI uri) {
    try {
      return HttpClient.newHttpClient().send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
              HttpResponse.BodyHandlers.ofString())
          .body();
    } catch (Exception e) {
      return "";
    }
  }

  /** The first line the process prints, once it is complete. */
  static String awaitLine(Process process, Path stdout) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline && process.isAlive()) {
      String text = Files.exists(stdout) ? Files.readString(stdout) : "";
      int nl = text.indexOf('\n');
      if (nl >= 0) {
        return text.substring(0, nl);
      }
      Thread.sleep(100);
    }
    return null;
  }
}
