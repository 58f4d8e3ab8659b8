package dev.jobflow.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

/** The scrape endpoint's life cycle and HTTP behaviour, over real sockets. */
class MetricsServerTest {
  static final HttpClient HTTP = HttpClient.newHttpClient();

  @Test
  void servesPrometheusTextOnAnEphemeralPortWithTheContentTypePrometheusRequires() throws Exception {
    try (MetricsServer server = MetricsFixture.start()) {
      assertNotEquals(0, server.port());
      assertEquals("/metrics", server.uri().getPath());
      JobflowMetrics.global().statusWritten();
      Scrape scrape = Scrape.until(server.uri(),
          s -> Double.valueOf(1.0).equals(s.value("jobflow_status_writes_total", Map.of())), Duration.ofSeconds(20));
      assertEquals("text/plain; version=0.0.4; charset=utf-8", scrape.contentType());

      HttpResponse<byte[]> gzipped = HTTP.send(HttpRequest.newBuilder(server.uri())
          .header("Accept-Encoding", "gzip").build(), HttpResponse.BodyHandlers.ofByteArray());
      assertEquals("gzip", gzipped.headers().firstValue("Content-Encoding").orElse(""));
      String unzipped = new String(new GZIPInputStream(new java.io.ByteArrayInputStream(gzipped.body())).readAllBytes());
      assertTrue(unzipped.contains("jobflow_status_writes_total"), unzipped);

      URI elsewhere = server.uri().resolve("/other");
      assertEquals(404, HTTP.send(HttpRequest.newBuilder(elsewhere).build(), HttpResponse.BodyHandlers.discarding())
          .statusCode());
      assertEquals(405, HTTP.send(HttpRequest.newBuilder(server.uri()).POST(HttpRequest.BodyPublishers.noBody())
          .build(), HttpResponse.BodyHandlers.discarding()).statusCode());
    }
  }

  @Test
  void closingFreesThePortAndANewServerExportsAgain() throws Exception {
    int port;
    try (MetricsServer first = MetricsFixture.start()) {
      port = first.port();
      assertThrows(IllegalStateException.class, MetricsFixture::start, "Kamon is process-wide: one server at a time");
    }
    assertRefused(URI.create("http://127.0.0.1:" + port + "/metrics"));
    try (ServerSocket probe = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
      assertEquals(port, probe.getLocalPort(), "the port is free again");
    }
    try (MetricsServer second = MetricsFixture.start()) {
      JobflowMetrics.global().informerRelisted("jobflows");
      Scrape scrape = Scrape.until(second.uri(), s -> Double.valueOf(1.0)
          .equals(s.value("jobflow_informer_relists_total", Map.of("resource", "jobflows"))), Duration.ofSeconds(20));
      assertEquals(0.0, scrape.value("jobflow_informer_relists_total", Map.of("resource", "jobs")));
    }
  }

  @Test
  void aTakenPortFailsWithAMessageNamingItAndHowToChooseAnother() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      var config = ConfigFactory.parseString("jobflow.metrics.port = " + taken.getLocalPort())
          .withFallback(MetricsFixture.testConfig());
      UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> MetricsServer.start(config));
      assertTrue(e.getMessage().contains("127.0.0.1:" + taken.getLocalPort()), e.getMessage());
      assertTrue(e.getMessage().contains("--metrics-port"), e.getMessage());
    }
    try (MetricsServer afterFailure = MetricsFixture.start()) {
      assertNotEquals(0, afterFailure.port(), "a failed start leaves nothing behind");
    }
  }

  @Test
  void rejectsAnImpossiblePort() {
    var config = ConfigFactory.parseString("jobflow.metrics.port = 70000").withFallback(MetricsFixture.testConfig());
    assertThrows(IllegalArgumentException.class, () -> MetricsServer.start(config));
  }

  @Test
  void theShippedDefaultsArePort9095OnAllInterfaces() {
    var defaults = ConfigFactory.load();
    assertEquals(MetricsServer.DEFAULT_PORT, defaults.getInt("jobflow.metrics.port"));
    assertEquals("0.0.0.0", defaults.getString("jobflow.metrics.host"));
    assertEquals(JobflowMetrics.DEFAULT_MAX_NAMESPACES, defaults.getInt("jobflow.metrics.max-namespaces"));
  }

  private static void assertRefused(URI uri) throws InterruptedException {
    try {
      HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(),
          HttpResponse.BodyHandlers.discarding());
      throw new AssertionError(uri + " still answers after close");
    } catch (IOException expected) {
      // connection refused: nothing listens any more
    }
  }
}
