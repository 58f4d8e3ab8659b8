package dev.jobflow.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.Buffer;
import io.fabric8.mockwebserver.http.Headers;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP face of the emulator. fabric8's MockWebServer can only answer a request with one whole
 * body or a WebSocket, but kubectl watches over a chunked HTTP stream; so this server answers
 * discovery, OpenAPI and watches ({@link WatchStream}) itself and hands every other request to the
 * {@link EmulatorStore}, always labelled {@code application/json}.
 */
final class ApiServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ApiServer.class);

  private final Vertx vertx;
  private final EmulatorStore store;
  private final Tables tables;
  private final WatchStream watches;
  private final java.util.function.BiFunction<String, String, java.nio.file.Path> logs;
  private final AccessReviews reviews;
  private final Faults faults;
  private HttpServer server;

  /** A header the emulator's own client sends: its requests are never served a fault. */
  static final String EXEMPT_FROM_FAULTS = "X-Jobflow-Emulator-Own";

  /** {@code logs} maps (namespace, job) to the job's log file, or null when Jobs write none. */
  ApiServer(Vertx vertx, EmulatorStore store, java.util.function.BiFunction<String, String, java.nio.file.Path> logs,
            AccessReviews reviews, Faults faults) {
    this.vertx = vertx;
    this.faults = faults;
    this.store = store;
    this.logs = logs;
    this.reviews = reviews;
    this.tables = new Tables(store);
    this.watches = new WatchStream(vertx, store, tables);
  }

  int start(String host, int port) {
    server = vertx.createHttpServer(new HttpServerOptions().setHost(host).setPort(port)
        .setWebSocketSubProtocols(List.of("v4.channel.k8s.io", "v1.channel.k8s.io"))
        .setHandle100ContinueAutomatically(true)
        // One frame per watch event, as the API server writes them: Vert.x's default splits events over 64 KiB into
        // frames, and fabric8 7.4's Vert.x client asks for one frame at a time after its first message, so a watch
        // stalled at the first large status it got (fabric8io/kubernetes-client#7347) and its events piled up here.
        .setMaxWebSocketFrameSize(MAX_EVENT_BYTES).setMaxWebSocketMessageSize(MAX_EVENT_BYTES));
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
    if (path.equals(FaultRoute.PATH)) {
      FaultRoute.handle(req, faults);
      return;
    }
    Optional<Faults.Rule> fault = req.getHeader(EXEMPT_FROM_FAULTS) != null ? Optional.empty()
        : faults.take(Faults.Call.of(req.method().name(), path, isWatch(req)), Faults.WATCH_KINDS);
    if (fault.isPresent() && fault.get().kind() == Faults.Kind.DELAY) {
      req.pause();
      vertx.setTimer(Math.max(1, fault.get().delay().toMillis()), id -> {
        req.resume();
        serve(req, Optional.empty());
      });
      return;
    }
    serve(req, fault);
  }

  private static boolean isWatch(HttpServerRequest req) {
    try {
      return new QueryParameters(req).watch();
    } catch (QueryParameters.Invalid e) {
      return false;
    }
  }

  private void serve(HttpServerRequest req, Optional<Faults.Rule> fault) {
    String path = req.path();
    if (fault.isPresent() && fault.get().kind() == Faults.Kind.ERROR) {
      FaultRoute.refuse(req, fault.get());
      return;
    }
    if (req.method() == io.vertx.core.http.HttpMethod.GET) {
      QueryParameters query = new QueryParameters(req);
      try {
        if (query.watch()) {
          watches.serve(req, query, fault.orElse(null));
          return;
        }
      } catch (QueryParameters.Invalid e) {
        json(req.response(), 400, EmulatorStore.body(ApiStatus.failure(400, "BadRequest", e.getMessage())));
        return;
      }
      if (path.equals("/api") || path.equals("/apis") || path.equals("/version") || path.startsWith("/openapi/")
          || store.typeOf(path) == null) {
        // Discovery reads the stored CRDs: off the event loop.
        vertx.<Optional<String>>executeBlocking(() -> store.discovery.answer(path), false).onComplete(ar -> {
          if (ar.succeeded() && ar.result().isPresent()) {
            json(req.response(), 200, ar.result().get());
          } else {
            respond(req, new byte[0]); // a GET has no body, and it was not kept
          }
        });
        return;
      }
    }
    handleResource(req);
  }

  private void handleResource(HttpServerRequest req) {
    req.body().onSuccess(buf -> respond(req, buf == null ? new byte[0] : buf.getBytes()))
        .onFailure(e -> json(req.response(), 400, EmulatorStore.body(
            ApiStatus.failure(400, "BadRequest", "cannot read the request body: " + e.getMessage()))));
  }

  private void respond(HttpServerRequest req, byte[] bytes) {
    vertx.<MockResponse>executeBlocking(() -> dispatch(req, bytes), false).onComplete(ar -> {
      MockResponse r = ar.succeeded() ? ar.result()
          : ApiStatus.failure(500, "InternalError", "emulator error: " + ar.cause());
      if (ar.failed()) {
        log.warn("{} {} failed", req.method(), req.uri(), ar.cause());
      }
      String type = r.getHeaders().get("Content-Type");
      if (type != null && type.startsWith("text/")) {
        req.response().setStatusCode(r.code()).putHeader("Content-Type", type).end(EmulatorStore.body(r));
      } else {
        json(req.response(), r.code(), EmulatorStore.body(r));
      }
    });
  }

  /** The largest watch event or WebSocket message: well above the largest object etcd stores (1.5 MiB). */
  static final int MAX_EVENT_BYTES = 64 << 20;

  private static final java.util.regex.Pattern SUBRESOURCE = java.util.regex.Pattern.compile(
      "/apis?/.*/namespaces/([^/]+)/([^/]+)/([^/]+)/([^/]+)");

  private MockResponse dispatch(HttpServerRequest req, byte[] body) {
    String path = req.path();
    java.util.regex.Matcher sub = SUBRESOURCE.matcher(path);
    if (sub.matches() && !sub.group(4).equals("status")) {
      if (sub.group(2).equals("pods") && sub.group(4).equals("log") && req.method().name().equals("GET")) {
        return podLog(sub.group(1), sub.group(3));
      }
      return ApiStatus.failure(404, "NotFound", "the emulator does not serve the " + sub.group(4)
          + " subresource of " + sub.group(2));
    }
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
        QueryParameters query = new QueryParameters(req);
        Predicate<JsonNode> labels;
        Predicate<JsonNode> fields;
        long limit;
        ListContinue from;
        try {
          query.resourceVersion();
          query.timeoutSeconds(0);
          labels = Selectors.labels(query.labelSelector());
          fields = Selectors.fields(query.fieldSelector());
          limit = query.limit();
          from = query.continueFrom();
        } catch (IllegalArgumentException e) {
          return ApiStatus.failure(400, "BadRequest", e.getMessage());
        }
        if (name == null && type != null) {
          Predicate<JsonNode> selected = labels == Selectors.ANY && fields == Selectors.ANY ? null : labels.and(fields);
          return new MockResponse().setResponseCode(200)
              .setBody(listBody(type, store.page(path, selected, limit, from), accept(req)));
        }
        r = store.handleGet(path);
        if (r.code() == 200 && name == null) {
          r.setBody(filterList(EmulatorStore.read(EmulatorStore.body(r)), labels, fields));
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
        if (ct != null && ct.startsWith(ProtobufBody.CONTENT_TYPE)) {
          try {
            body = ProtobufBody.toJson(body);
            ct = "application/json";
          } catch (ProtobufBody.Unsupported e) {
            return ApiStatus.failure(415, "UnsupportedMediaType", e.getMessage());
          }
        }
        if (ct != null) {
          headers.add("Content-Type", ct);
        }
        AccessReviews.Identity who;
        try {
          who = reviews.identify(req.getHeader("Authorization"), req.getHeader("Impersonate-User"),
              req.headers().getAll("Impersonate-Group"));
        } catch (SecurityException e) {
          return ApiStatus.failure(403, "Forbidden", e.getMessage());
        }
        // Admission webhooks see the requester in userInfo, as with a real API server.
        headers.add(AccessReviews.Identity.USER_HEADER, who.user());
        headers.add(AccessReviews.Identity.GROUPS_HEADER, String.join(",", who.groups()));
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

  /** {@code kubectl logs POD}: the process executor's log of the Pod's Job (every attempt). */
  private MockResponse podLog(String namespace, String pod) {
    MockResponse r = store.handleGet("/api/v1/namespaces/" + namespace + "/pods/" + pod);
    if (r.code() != 200) {
      return ApiStatus.failure(404, "NotFound", "pods \"" + pod + "\" not found");
    }
    String job = EmulatorStore.read(EmulatorStore.body(r)).path("metadata").path("labels").path("job-name").asText("");
    java.nio.file.Path file = logs.apply(namespace, job);
    try {
      if (job.isEmpty() || file == null || !java.nio.file.Files.exists(file)) {
        return ApiStatus.failure(400, "BadRequest", "pod " + pod + " has no log: only the process executor writes logs");
      }
      return new MockResponse().setResponseCode(200).setHeader("Content-Type", "text/plain")
          .setBody(java.nio.file.Files.readString(file));
    } catch (java.io.IOException e) {
      return ApiStatus.failure(500, "InternalError", "cannot read " + file + ": " + e.getMessage());
    }
  }

  /** A page of a list as the API server writes it: {@code <Kind>List}, or a Table for kubectl. */
  private String listBody(ResourceType type, EmulatorStore.ListPage page, String accept) {
    String rv = String.valueOf(page.resourceVersion());
    String next = page.next() == null ? null : page.next().encode();
    if (tables.wanted(accept)) {
      ObjectNode table = tables.of(type, page.items().stream().map(EmulatorStore::read).toList(), rv);
      if (next != null) {
        ((ObjectNode) table.path("metadata")).put("continue", next);
      }
      return table.toString();
    }
    StringBuilder out = new StringBuilder(64 + page.items().stream().mapToInt(String::length).sum());
    out.append("{\"kind\":\"").append(type.kind()).append("List\",\"apiVersion\":\"").append(type.apiVersion())
        .append("\",\"metadata\":{\"resourceVersion\":\"").append(rv).append('"');
    if (next != null) {
      out.append(",\"continue\":\"").append(next).append('"');
    }
    out.append("},\"items\":[").append(String.join(",", page.items())).append("]}");
    return out.toString();
  }

  /** A list of a resource the emulator has no type for (fabric8 answers those paths), filtered by the selectors. */
  private static String filterList(JsonNode list, Predicate<JsonNode> labels, Predicate<JsonNode> fields) {
    ArrayNode kept = ((ObjectNode) list).putArray("kept");
    for (JsonNode item : list.path("items")) {
      if (labels.test(item) && fields.test(item)) {
        kept.add(item);
      }
    }
    ObjectNode out = (ObjectNode) list;
    out.remove("kept");
    out.set("items", kept);
    ((ObjectNode) out.path("metadata")).remove("selfLink");
    return EmulatorStore.write(out);
  }

  static String accept(HttpServerRequest req) {
    String a = req.getHeader("Accept");
    return a == null ? "" : a;
  }

  static void json(HttpServerResponse resp, int code, String body) {
    resp.setStatusCode(code).putHeader("Content-Type", "application/json").end(body);
  }
}
