package dev.jobflow.http;

import static akka.http.javadsl.server.Directives.complete;
import static akka.http.javadsl.server.Directives.concat;
import static akka.http.javadsl.server.Directives.get;
import static akka.http.javadsl.server.Directives.path;

import akka.http.javadsl.model.StatusCodes;
import akka.http.javadsl.server.Route;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * {@code GET /healthz} (the process serves requests: liveness) and {@code GET /readyz} (it should get
 * traffic: readiness). Readiness turns false first thing in a shutdown, so Kubernetes stops routing
 * new requests before the socket closes.
 */
public final class HealthRoutes {
  private HealthRoutes() {}

  /** Readiness that turns false only for a shutdown. */
  public static Route create(BooleanSupplier ready) {
    return withReason(() -> ready.getAsBoolean() ? null : "shutting down");
  }

  /**
   * Readiness with a reason: {@code notReady} gives null when ready, else why not (e.g. "journal unreachable"),
   * which the 503 body names so an operator probing by hand sees what to fix.
   */
  public static Route withReason(Supplier<String> notReady) {
    // Path before method: a matched method directive cancels other routes' 405s, turning them into 404s.
    return concat(
        path("healthz", () -> get(() -> complete(StatusCodes.OK, "ok\n"))),
        path("readyz", () -> get(() -> {
          String reason = notReady.get();
          return reason == null
              ? complete(StatusCodes.OK, "ready\n")
              : complete(StatusCodes.SERVICE_UNAVAILABLE, "not ready: " + reason + "\n");
        })));
  }
}
