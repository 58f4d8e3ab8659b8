package dev.jobflow.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.typesafe.config.Config;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.zip.GZIPOutputStream;
import kamon.prometheus.ScrapeSource;
import kamon.prometheus.embeddedhttp.EmbeddedHttpServer;

/**
 * The HTTP endpoint serving Kamon's Prometheus scrape data: a Kamon {@link EmbeddedHttpServer} like its built-in
 * "sun" one, with three differences operators and tests need. It labels the body
 * {@code text/plain; version=0.0.4} (Prometheus 3 refuses scrapes without a Content-Type unless told to fall back),
 * it reports the port it bound (so port 0 works), and it fails loudly when the port is taken (Kamon's module loader
 * only logs a warning and runs without an endpoint).
 */
final class ScrapeEndpoint extends EmbeddedHttpServer {
  static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private final HttpServer server;
  private final ExecutorService executor;

  ScrapeEndpoint(String hostname, int port, String path, ScrapeSource source, Config config) {
    super(hostname, port, source, config);
    try {
      server = HttpServer.create(new InetSocketAddress(hostname, port), 0);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot serve metrics on " + hostname + ":" + port + " (" + e.getMessage()
          + "); choose another port with --metrics-port or JOBFLOW_METRICS_PORT", e);
    }
    executor = Executors.newSingleThreadExecutor(r -> {
      Thread thread = new Thread(r, "jobflow-metrics-http");
      thread.setDaemon(true);
      return thread;
    });
    server.setExecutor(executor);
    server.createContext("/", exchange -> respond(exchange, path, source));
    server.start();
  }

  int port() {
    return server.getAddress().getPort();
  }

  @Override
  public void stop() {
    server.stop(0);
    executor.shutdownNow();
  }

  private static void respond(HttpExchange exchange, String path, ScrapeSource source) throws IOException {
    try (exchange) {
      if (!exchange.getRequestURI().getPath().equals(path)) {
        exchange.sendResponseHeaders(404, -1);
        return;
      }
      if (!exchange.getRequestMethod().equals("GET") && !exchange.getRequestMethod().equals("HEAD")) {
        exchange.getResponseHeaders().set("Allow", "GET, HEAD");
        exchange.sendResponseHeaders(405, -1);
        return;
      }
      byte[] body = source.scrapeData().getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", CONTENT_TYPE);
      if (exchange.getRequestMethod().equals("HEAD")) {
        exchange.sendResponseHeaders(200, -1);
        return;
      }
      if (acceptsGzip(exchange.getRequestHeaders().get("Accept-Encoding"))) {
        exchange.getResponseHeaders().set("Content-Encoding", "gzip");
        exchange.sendResponseHeaders(200, 0);
        try (OutputStream out = new GZIPOutputStream(exchange.getResponseBody())) {
          out.write(body);
        }
      } else {
        exchange.sendResponseHeaders(200, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(body);
        }
      }
    }
  }

  private static boolean acceptsGzip(List<String> acceptEncoding) {
    if (acceptEncoding == null) {
      return false;
    }
    for (String header : acceptEncoding) {
      for (String encoding : header.split(",")) {
        if (encoding.trim().toLowerCase().startsWith("gzip")) {
          return true;
        }
      }
    }
    return false;
  }
}
