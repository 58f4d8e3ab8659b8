package dev.jobflow.emulator;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;

/**
 * The emulator's admin route for {@link Faults}, {@code /emulator/faults}: {@code GET} lists the rules with their
 * hits, {@code POST} adds one ({@code {"resource":"jobs","verb":"create","kind":"ERROR","code":503,"times":3}}),
 * {@code DELETE} clears them. And the answer a request gets when an {@link Faults.Kind#ERROR} rule applies.
 */
final class FaultRoute {
  static final String PATH = "/emulator/faults";

  private FaultRoute() {}

  static void handle(HttpServerRequest req, Faults faults) {
    if (req.method() == HttpMethod.GET) {
      ApiServer.json(req.response(), 200, faults.toJson());
    } else if (req.method() == HttpMethod.DELETE) {
      faults.clear();
      ApiServer.json(req.response(), 200, faults.toJson());
    } else if (req.method() == HttpMethod.POST) {
      req.body().onSuccess(buf -> {
        try {
          faults.add(Faults.Rule.fromJson(EmulatorStore.read(buf.toString())));
          ApiServer.json(req.response(), 201, faults.toJson());
        } catch (IllegalArgumentException e) {
          ApiServer.json(req.response(), 400, EmulatorStore.body(ApiStatus.failure(400, "BadRequest",
              "not a fault rule: " + e.getMessage())));
        }
      });
    } else {
      ApiServer.json(req.response(), 405, EmulatorStore.body(ApiStatus.failure(405, "MethodNotAllowed",
          req.method() + " " + PATH + " is not supported: GET, POST or DELETE")));
    }
  }

  /** The Status a real API server sends with that code, naming the fault. */
  static void refuse(HttpServerRequest req, Faults.Rule rule) {
    if (rule.retryAfter() != null) {
      req.response().putHeader("Retry-After", String.valueOf(Math.max(1, rule.retryAfter().toSeconds())));
    }
    String message = "fault injected for " + rule.verb() + " " + rule.resource() + ": " + rule.code();
    ApiServer.json(req.response(), rule.code(), EmulatorStore.body(ApiStatus.failure(rule.code(),
        ApiStatus.reasonFor(rule.code()), message)));
  }
}
