package dev.jobflow.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.mockwebserver.crud.AttributeSet;
import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.Buffer;
import io.fabric8.mockwebserver.http.Headers;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.ServerWebSocket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP face of the emulator. fabric8's MockWebServer can only answer a request with one whole
 * body or a WebSocket, but kubectl watches over a chunked HTTP stream; so this server answers
 * discovery, OpenAPI and watches itself (chunked for kubectl, WebSocket for fabric8) and hands
 * every other request to the {@link EmulatorStore}, always labelled {@code application/json}.
 */
final class ApiServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ApiServer.class);

  private final Vertx vertx;
  private final EmulatorStore store;
  private final Tables tables;
  private final AccessReviews reviews;
  private HttpServer server;

  ApiServer(Vertx vertx, EmulatorStore store, AccessReviews reviews) {
    this.vertx = vertx;
    this.store = store;
    this.reviews = reviews;
    this.tables = new Tables(store);
  }

  int start(String host, int port) {
    server = vertx.createHttpServer(new HttpServerOptions().setHost(host).setPort(port)
        .setWebSocketSubProtocols(List.of("v4.channel.k8s.io", "v1.channel.k8s.io"))
        .setHandle100ContinueAutomatically(true));
    server.requestHandler(this::handle);
    try {
      return server.listen().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS).actualPort();
    } catch (Exception e) {
      throw new IllegalStateException("cannot listen on " + host + ":" + port + ": "
          + (e.getCause() == null ? e.getMessage() : e.getCause().getMessage()), e);
    }
  }

  @Override
  public void close() {
    if (server != null) {
      try {
        server.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      } catch (Exception e) {
        log.debug("closing the API server", e);
      }
    }
  }

  private void handle(HttpServerRequest req) {
    String path = req.path();
    if (path.equals("/healthz") || path.equals("/readyz") || path.equals("/livez")) {
      req.response().putHeader("Content-Type", "text/plain").end("ok");
      return;
    }
    if (req.method() == io.vertx.core.http.HttpMethod.GET) {
      Optional<String> doc = store.discovery.answer(path);
      if (doc.isPresent()) {
        json(req.response(), 200, doc.get());
        return;
      }
      String watch = req.getParam("watch");
      if ("true".equals(watch) || "1".equals(watch)) {
        watch(req);
        return;
      }
    }
    req.body().onSuccess(buf -> {
      byte[] bytes = buf == null ? new byte[0] : buf.getBytes();
      vertx.<MockResponse>executeBlocking(() -> dispatch(req, bytes), false).onComplete(ar -> {
        MockResponse r = ar.succeeded() ? ar.result()
            : ApiStatus.failure(500, "InternalError", "emulator error: " + ar.cause());
        if (ar.failed()) {
          log.warn("{} {} failed", req.method(), req.uri(), ar.cause());
        }
        json(req.response(), r.code(), EmulatorStore.body(r));
      });
    });
  }

  private MockResponse dispatch(HttpServerRequest req, byte[] body) {
    String path = req.path();
    ResourceType type = store.typeOf(path);
    if (req.getParam("dryRun") != null) {
      return ApiStatus.failure(400, "BadRequest", "the emulator does not support dryRun");
    }
    if (req.method() == io.vertx.core.http.HttpMethod.POST) {
      Optional<MockResponse> review = reviews.answer(path, body);
      if (review.isPresent()) {
        return review.get();
      }
    }
    String name = EmulatorStore.attr(store.getKey(path), "name");
    MockResponse r;
    switch (req.method().name()) {
      case "GET" -> {
        r = store.handleGet(path);
        if (r.code() == 200 && name == null) {
          r.setBody(filterList(type, EmulatorStore.read(EmulatorStore.body(r)),
              req.getParam("labelSelector"), req.getParam("fieldSelector"), accept(req)));
        } else if (r.code() == 200 && tables.wanted(accept(req))) {
          r.setBody(tables.of(type, List.of(EmulatorStore.read(EmulatorStore.body(r))), "").toString());
        }
      }
      case "DELETE" -> {
        String policy = req.getParam("propagationPolicy");
        if (body.length > 0) {
          JsonNode options = EmulatorStore.read(new String(body, StandardCharsets.UTF_8));
          if (options.hasNonNull("propagationPolicy")) {
            policy = options.get("propagationPolicy").asText();
          } else if (options.path("orphanDependents").asBoolean(false)) {
            policy = "Orphan";
          }
        }
        r = name == null ? store.handleDelete(req.uri()) : store.delete(path, policy);
        if (r.code() == 200 && name == null) {
          r.setBody("{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Success\"}");
        }
      }
      case "POST", "PUT", "PATCH" -> {
        Headers.Builder headers = Headers.builder();
        String ct = req.getHeader("Content-Type");
        if (ct != null) {
          headers.add("Content-Type", ct);
        }
        r = store.dispatch(new RecordedRequest("HTTP/1.1", HttpMethod.valueOf(req.method().name()), path,
            headers.build(), new Buffer(body)));
      }
      default -> r = ApiStatus.failure(405, "MethodNotAllowed", req.method() + " is not supported");
    }
    if (r == null) {
      return ApiStatus.failure(405, "MethodNotAllowed", req.method() + " is not supported");
    }
    if (r.code() == 404 && EmulatorStore.body(r).isEmpty()) {
      return ApiStatus.notFound(type, name);
    }
    return r.code() >= 400 ? withReason(r, req.method().name(), type, body) : r;
  }

  /**
   * fabric8 labels every failure "Invalid", which kubectl prints as 'The JobFlow "" is invalid';
   * give it the reason and message a real API server would.
   */
  private static MockResponse withReason(MockResponse r, String method, ResourceType type, byte[] requestBody) {
    JsonNode status;
    try {
      status = EmulatorStore.read(EmulatorStore.body(r));
    } catch (IllegalArgumentException e) {
      return ApiStatus.failure(r.code(), ApiStatus.reasonFor(r.code()), EmulatorStore.body(r));
    }
    if (!"Invalid".equals(status.path("reason").asText()) || r.code() == 422) {
      return r;
    }
    String message = status.path("message").asText();
    if (r.code() == 409 && method.equals("POST") && type != null) {
      String name = "";
      try {
        name = EmulatorStore.read(new String(requestBody, StandardCharsets.UTF_8)).path("metadata").path("name").asText();
      } catch (IllegalArgumentException ignored) {
        // keep the empty name
      }
      return ApiStatus.failure(409, "AlreadyExists", type.qualifiedName() + " \"" + name + "\" already exists");
    }
    return ApiStatus.failure(r.code(), ApiStatus.reasonFor(r.code()), message);
  }

  private String filterList(ResourceType type, JsonNode list, String labelSelector, String fieldSelector,
                            String accept) {
    Predicate<JsonNode> labels = Selectors.labels(labelSelector);
    Predicate<JsonNode> fields = Selectors.fields(fieldSelector);
    ArrayNode kept = ((ObjectNode) list).putArray("kept");
    for (JsonNode item : list.path("items")) {
      if (labels.test(item) && fields.test(item)) {
        kept.add(item);
      }
    }
    ObjectNode out = (ObjectNode) list;
    out.remove("kept");
    out.set("items", kept);
    String rv = list.path("metadata").path("resourceVersion").asText();
    if (type != null) {
      if (tables.wanted(accept)) {
        java.util.List<JsonNode> rows = new java.util.ArrayList<>();
        kept.forEach(rows::add);
        return tables.of(type, rows, rv).toString();
      }
      out.put("kind", type.kind() + "List").put("apiVersion", type.apiVersion());
    }
    ((ObjectNode) out.path("metadata")).remove("selfLink");
    return EmulatorStore.write(out);
  }

  // ---- watches ----------------------------------------------------------------------------

  private void watch(HttpServerRequest req) {
    String path = req.path();
    AttributeSet key = store.getKey(path);
    ResourceType type = store.typeOf(path);
    String plural = EmulatorStore.attr(key, "plural");
    if (plural == null) {
      json(req.response(), 404, EmulatorStore.body(ApiStatus.notFound(null, null)));
      return;
    }
    String name = EmulatorStore.attr(key, "name");
    String fieldSelector = req.getParam("fieldSelector");
    if (name == null && fieldSelector != null) {
      for (String f : fieldSelector.split(",")) {
        if (f.startsWith("metadata.name=")) {
          name = f.substring("metadata.name=".length()).replaceFirst("^=", "");
        }
      }
    }
    Predicate<JsonNode> labels;
    Predicate<JsonNode> fields;
    try {
      labels = Selectors.labels(req.getParam("labelSelector"));
      fields = Selectors.fields(fieldSelector);
    } catch (IllegalArgumentException e) {
      json(req.response(), 400, EmulatorStore.body(ApiStatus.failure(400, "BadRequest", e.getMessage())));
      return;
    }
    String group = EmulatorStore.attr(key, "api") == null ? "" : EmulatorStore.attr(key, "api");
    WatchHub.Filter filter = new WatchHub.Filter(group, plural, EmulatorStore.attr(key, "namespace"), name,
        labels, fields);
    boolean asTable = type != null && tables.wanted(accept(req));
    String rvParam = req.getParam("resourceVersion");
    long timeout = parseLong(req.getParam("timeoutSeconds"), 1800);
    Context context = vertx.getOrCreateContext();
    boolean websocket = "websocket".equalsIgnoreCase(req.getHeader("Upgrade"));

    AtomicReference<WatchHub.Subscription> subscription = new AtomicReference<>();
    AtomicBoolean closed = new AtomicBoolean();
    AtomicReference<Consumer<String>> writer = new AtomicReference<>();
    AtomicReference<Runnable> ender = new AtomicReference<>();
    Runnable stop = () -> {
      if (closed.compareAndSet(false, true)) {
        WatchHub.Subscription s = subscription.get();
        if (s != null) {
          s.close();
        }
        context.runOnContext(v -> ender.get().run());
      }
    };
    if (websocket) {
      req.toWebSocket().onFailure(e -> log.debug("watch upgrade failed", e)).onSuccess(ws -> {
        writer.set(ws::writeTextMessage);
        ender.set(() -> {
          if (!ws.isClosed()) {
            ws.close();
          }
        });
        ws.closeHandler(v -> stop.run());
        ws.exceptionHandler(e -> stop.run());
        startWatch(filter, type, asTable, rvParam, timeout, context, writer, subscription, closed, stop);
      });
    } else {
      HttpServerResponse resp = req.response();
      resp.setChunked(true).setStatusCode(200).putHeader("Content-Type", "application/json")
          .putHeader("Cache-Control", "no-cache, private");
      resp.write("");
      writer.set(line -> {
        if (!resp.ended() && !resp.closed()) {
          resp.write(line + "\n");
        }
      });
      ender.set(() -> {
        if (!resp.ended() && !resp.closed()) {
          resp.end();
        }
      });
      resp.closeHandler(v -> stop.run());
      req.connection().closeHandler(v -> stop.run());
      startWatch(filter, type, asTable, rvParam, timeout, context, writer, subscription, closed, stop);
    }
  }

  private void startWatch(WatchHub.Filter filter, ResourceType type, boolean asTable, String rvParam, long timeout,
                          Context context, AtomicReference<Consumer<String>> writer,
                          AtomicReference<WatchHub.Subscription> subscription, AtomicBoolean closed, Runnable stop) {
    Consumer<String> sink = event -> context.runOnContext(v -> {
      if (!closed.get()) {
        writer.get().accept(asTable ? tables.event(type, event) : event);
      }
    });
    vertx.executeBlocking(() -> {
      long from;
      if (rvParam == null || rvParam.isEmpty() || rvParam.equals("0")) {
        // No resourceVersion: the current state first, as synthetic ADDED events.
        JsonNode list = EmulatorStore.read(EmulatorStore.body(store.handleGet(listPath(filter, type))));
        from = Long.parseLong(list.path("metadata").path("resourceVersion").asText("0"));
        for (JsonNode item : list.path("items")) {
          String ns = item.path("metadata").path("namespace").asText(null);
          if (filter.matches(filter.group(), filter.plural(), ns, item)) {
            sink.accept(WatchHub.event("ADDED", item));
          }
        }
      } else {
        from = parseLong(rvParam, 0);
      }
      try {
        subscription.set(store.hub.subscribe(filter, from, sink));
        subscription.get().onDrop(stop);
      } catch (WatchHub.Expired e) {
        sink.accept(WatchHub.event("ERROR", EmulatorStore.read(EmulatorStore.body(
            ApiStatus.failure(410, "Expired", e.getMessage())))));
        context.runOnContext(v -> stop.run());
        return null;
      }
      if (closed.get()) {
        subscription.get().close();
      }
      return null;
    }, true).onFailure(e -> {
      log.warn("watch failed", e);
      stop.run();
    });
    vertx.setTimer(TimeUnit.SECONDS.toMillis(Math.max(1, timeout)), id -> stop.run());
  }

  private static String listPath(WatchHub.Filter f, ResourceType type) {
    String gv = type != null ? type.groupVersionPath()
        : f.group().isEmpty() ? "/api/v1" : "/apis/" + f.group() + "/v1";
    return gv + (f.namespace() == null ? "" : "/namespaces/" + f.namespace()) + "/" + f.plural();
  }

  private static String accept(HttpServerRequest req) {
    String a = req.getHeader("Accept");
    return a == null ? "" : a;
  }

  private static long parseLong(String s, long fallback) {
    try {
      return s == null ? fallback : Long.parseLong(s);
    } catch (NumberFormatException e) {
      return fallback;
    }
  }

  private static void json(HttpServerResponse resp, int code, String body) {
    resp.setStatusCode(code).putHeader("Content-Type", "application/json").end(body);
  }
}
