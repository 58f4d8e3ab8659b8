package dev.jobflow.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.mockwebserver.crud.AttributeSet;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP side of a watch: a chunked stream of JSON events (what kubectl reads) or a WebSocket
 * (what fabric8 opens first), fed by the {@link WatchHub}. Without a resourceVersion it starts with
 * the current objects as ADDED events; it ends after {@code timeoutSeconds}, when the client goes,
 * or when the hub drops it.
 */
final class WatchStream {
  private static final Logger log = LoggerFactory.getLogger(WatchStream.class);

  /** How many bytes of events may wait for a watch's client: a few hundred of the largest statuses. */
  static final int MAX_QUEUED_BYTES = 32 << 20;
  /** How long a watch stays open after its ERROR event ({@link #endAfterError}). */
  static final long ERROR_LINGER_MILLIS = 1_000;

  private final Vertx vertx;
  private final EmulatorStore store;
  private final Tables tables;

  WatchStream(Vertx vertx, EmulatorStore store, Tables tables) {
    this.vertx = vertx;
    this.store = store;
    this.tables = tables;
  }

  /** Serves the watch; {@code fault} (nullable) is a watch fault to play ({@link Faults.Kind}). */
  void serve(HttpServerRequest req, QueryParameters query, Faults.Rule fault) {
    String path = req.path();
    AttributeSet key = store.getKey(path);
    ResourceType type = store.typeOf(path);
    String plural = EmulatorStore.attr(key, "plural");
    if (plural == null) {
      ApiServer.json(req.response(), 404, EmulatorStore.body(ApiStatus.notFound(null, null)));
      return;
    }
    String name = EmulatorStore.attr(key, "name");
    String fieldSelector = query.fieldSelector();
    if (name == null && fieldSelector != null) {
      for (String f : fieldSelector.split(",")) {
        if (f.startsWith("metadata.name=")) {
          name = f.substring("metadata.name=".length()).replaceFirst("^=", "");
        }
      }
    }
    Predicate<JsonNode> labels;
    Predicate<JsonNode> fields;
    long rv;
    long timeout;
    try {
      labels = Selectors.labels(query.labelSelector());
      fields = Selectors.fields(fieldSelector);
      rv = query.resourceVersion();
      timeout = query.timeoutSeconds(1800);
      query.allowWatchBookmarks();
    } catch (IllegalArgumentException e) {
      ApiServer.json(req.response(), 400, EmulatorStore.body(ApiStatus.failure(400, "BadRequest", e.getMessage())));
      return;
    }
    String group = EmulatorStore.attr(key, "api") == null ? "" : EmulatorStore.attr(key, "api");
    WatchHub.Filter filter = new WatchHub.Filter(group, plural, EmulatorStore.attr(key, "namespace"), name,
        labels, fields);
    boolean asTable = type != null && tables.wanted(ApiServer.accept(req));
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
        ws.setWriteQueueMaxSize(MAX_QUEUED_BYTES);
        writer.set(event -> {
          if (unresponsive(ws, path, stop, req.connection())) {
            return;
          }
          ws.writeTextMessage(event);
        });
        ender.set(() -> {
          if (!ws.isClosed()) {
            ws.close();
          }
        });
        ws.closeHandler(v -> stop.run());
        ws.exceptionHandler(e -> stop.run());
        startWatch(filter, type, asTable, rv, timeout, context, writer, subscription, closed, stop, fault);
      });
    } else {
      HttpServerResponse resp = req.response();
      resp.setChunked(true).setStatusCode(200).putHeader("Content-Type", "application/json")
          .putHeader("Cache-Control", "no-cache, private");
      resp.write("");
      resp.setWriteQueueMaxSize(MAX_QUEUED_BYTES);
      writer.set(line -> {
        if (!resp.ended() && !resp.closed() && !unresponsive(resp, path, stop, req.connection())) {
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
      startWatch(filter, type, asTable, rv, timeout, context, writer, subscription, closed, stop, fault);
    }
  }

  /**
   * Whether a watch's client has stopped reading: its unsent events are held in direct memory, and one client
   * that stopped reading without closing its connection exhausted the emulator's (1 GiB) in a minute. Such a
   * watch is ended, as the API server ends a watcher that cannot keep up; its client watches again from the
   * last resourceVersion it saw.
   */
  private static boolean unresponsive(io.vertx.core.streams.WriteStream<?> stream, String path, Runnable stop,
                                      io.vertx.core.http.HttpConnection connection) {
    if (!stream.writeQueueFull()) {
      return false;
    }
    log.warn("ending a watch of {}: its client has not read {} bytes of events", path, MAX_QUEUED_BYTES);
    stop.run();
    connection.close(); // a close frame would wait behind what the client does not read
    return true;
  }

  private void startWatch(WatchHub.Filter filter, ResourceType type, boolean asTable, long rv, long timeout,
                          Context context, AtomicReference<Consumer<String>> writer,
                          AtomicReference<WatchHub.Subscription> subscription, AtomicBoolean closed, Runnable stop,
                          Faults.Rule fault) {
    Faults.Kind faultKind = fault == null ? null : fault.kind();
    if (faultKind == Faults.Kind.GONE_ON_RESUME && rv != 0) {
      writer.get().accept(WatchHub.event("ERROR", EmulatorStore.read(EmulatorStore.body(ApiStatus.failure(410,
          "Expired", "too old resource version: " + rv + " (fault injected)")))));
      endAfterError(stop);
      return;
    }
    if (faultKind == Faults.Kind.CLOSE_WATCH || (faultKind == Faults.Kind.SILENT_WATCH && !fault.delay().isZero())) {
      vertx.setTimer(Math.max(1, fault.delay().toMillis()), id -> stop.run());
    }
    AtomicReference<java.util.function.UnaryOperator<String>> print = new AtomicReference<>(e -> e);
    Consumer<String> sink = faultKind == Faults.Kind.SILENT_WATCH ? event -> { } : event -> context.runOnContext(v -> {
      if (!closed.get()) {
        writer.get().accept(print.get().apply(event));
      }
    });
    vertx.executeBlocking(() -> {
      if (asTable) {
        print.set(tables.eventPrinter(type)); // reads the CRD's columns: not on the event loop
      }
      long from;
      if (rv == 0) {
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
        from = rv;
      }
      try {
        subscription.set(store.hub.subscribe(filter, from, sink));
        subscription.get().onDrop(stop);
      } catch (WatchHub.Expired e) {
        sink.accept(WatchHub.event("ERROR", EmulatorStore.read(EmulatorStore.body(
            ApiStatus.failure(410, "Expired", e.getMessage())))));
        endAfterError(stop);
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

  /**
   * Ends a watch that has just been sent an ERROR event, a moment later. fabric8 7.4's Vert.x client sets its
   * WebSocket handlers only after the upgrade's future completes; a socket the server closed by then makes that
   * throw ("WebSocket is closed"), its watch never becomes ready and {@code watch()} waits forever (a test hung for
   * 10 minutes). Clients end such a watch themselves on the 410; the timer ends it should one not.
   */
  private void endAfterError(Runnable stop) {
    vertx.setTimer(ERROR_LINGER_MILLIS, id -> stop.run());
  }

  private static String listPath(WatchHub.Filter f, ResourceType type) {
    String gv = type != null ? type.groupVersionPath()
        : f.group().isEmpty() ? "/api/v1" : "/apis/" + f.group() + "/v1";
    return gv + (f.namespace() == null ? "" : "/namespaces/" + f.namespace()) + "/" + f.plural();
  }

}
