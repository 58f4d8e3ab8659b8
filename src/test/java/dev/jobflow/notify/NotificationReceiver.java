package dev.jobflow.notify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

/**
 * A CloudEvents receiver for tests (the JDK's HTTP server on a free loopback port): keeps every request it accepted,
 * and answers {@code failStatus} to the next {@code failures} requests when told to.
 */
public final class NotificationReceiver implements AutoCloseable {
  /** One accepted request: its CloudEvent and the headers that mattered. */
  public record Received(JsonNode event, String contentType, String authorization, String team) {
    public String id() {
      return event.get("id").asText();
    }

    public String type() {
      return event.get("type").asText();
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpServer server;
  private final List<Received> received = new ArrayList<>();
  private final AtomicInteger failures = new AtomicInteger();
  private final AtomicInteger refused = new AtomicInteger();
  private volatile int failStatus = 503;

  public NotificationReceiver() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", exchange -> {
      byte[] body = exchange.getRequestBody().readAllBytes();
      int status;
      if (failures.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
        status = failStatus;
        refused.incrementAndGet();
      } else {
        status = 202;
        synchronized (received) {
          received.add(new Received(JSON.readTree(body), exchange.getRequestHeaders().getFirst("Content-Type"),
              exchange.getRequestHeaders().getFirst("Authorization"),
              exchange.getRequestHeaders().getFirst("X-Team")));
        }
      }
      exchange.sendResponseHeaders(status, -1);
      exchange.close();
    });
    server.start();
  }

  public String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/events";
  }

  /** The next {@code n} requests are answered {@code status} (and not kept). */
  public void failNext(int n, int status) {
    failStatus = status;
    failures.set(n);
  }

  /** How many requests were answered with a failure. */
  public int refused() {
    return refused.get();
  }

  public List<Received> received() {
    synchronized (received) {
      return List.copyOf(received);
    }
  }

  /** How many times each id arrived, in first-arrival order. */
  public Map<String, Long> countsById() {
    return received().stream().collect(Collectors.groupingBy(Received::id, LinkedHashMap::new,
        Collectors.counting()));
  }

  /** The CloudEvent types of the distinct ids received, in first-arrival order. */
  public List<String> distinctTypes() {
    Map<String, String> byId = new LinkedHashMap<>();
    for (Received r : received()) {
      byId.putIfAbsent(r.id(), r.type());
    }
    return List.copyOf(byId.values());
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
