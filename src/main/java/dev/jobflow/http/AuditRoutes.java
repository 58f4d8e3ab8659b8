package dev.jobflow.http;

import static akka.http.javadsl.server.Directives.completeWithFuture;
import static akka.http.javadsl.server.Directives.concat;
import static akka.http.javadsl.server.Directives.get;
import static akka.http.javadsl.server.Directives.optionalHeaderValueByName;
import static akka.http.javadsl.server.Directives.parameterOptional;
import static akka.http.javadsl.server.Directives.path;
import static akka.http.javadsl.server.Directives.pathPrefix;
import static akka.http.javadsl.server.PathMatchers.segment;

import akka.actor.typed.ActorSystem;
import akka.http.javadsl.model.ContentTypes;
import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.model.StatusCode;
import akka.http.javadsl.model.StatusCodes;
import akka.http.javadsl.model.headers.RawHeader;
import akka.http.javadsl.server.Route;
import akka.stream.javadsl.Sink;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jobflow.audit.AuditJson;
import dev.jobflow.audit.FlowHistory;
import dev.jobflow.audit.TimelineEntry;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * The audit API on the controller's HTTP front, the same documents as {@code jobflow audit -o json}:
 * <ul>
 *   <li>{@code GET /api/v1/namespaces/{ns}/jobflows/{name}/history[?uid=UID]}: every flow of that name, oldest
 *   first, each with its events; 404 when the journal knows no such flow;
 *   <li>{@code GET /api/v1/history[?since=TIME][&namespace=NS][&limit=N]}: events of all flows in the order they
 *   were written; at most {@code limit} (default 10000), {@code "truncated": true} when there were more.
 * </ul>
 * Every request needs a bearer token allowed to {@code get jobflows} (see {@link ApiAuthorizer}): 401 without
 * an accepted token, 403 when not allowed.
 */
public final class AuditRoutes {
  private static final int DEFAULT_LIMIT = 10_000;
  private static final int MAX_LIMIT = 100_000;

  private AuditRoutes() {}

  public static Route create(ActorSystem<?> system, FlowHistory history, ApiAuthorizer authorizer) {
    return pathPrefix("api", () -> pathPrefix("v1", () -> concat(
        path(segment("namespaces").slash(segment()).slash("jobflows").slash(segment()).slash("history"),
            (ns, name) -> get(() -> parameterOptional("uid", uid -> optionalHeaderValueByName("Authorization",
                auth -> completeWithFuture(authorized(authorizer, auth, ns,
                    () -> flowHistory(history, ns, name, uid))))))),
        path("history", () -> get(() -> parameterOptional("since", since -> parameterOptional("namespace",
            ns -> parameterOptional("limit", limit -> optionalHeaderValueByName("Authorization",
                auth -> completeWithFuture(authorized(authorizer, auth, null,
                    () -> allHistory(system, history, since, ns, limit)))))))))
    )));
  }

  private static CompletionStage<HttpResponse> flowHistory(FlowHistory history, String ns, String name,
                                                           Optional<String> uid) {
    return history.history(ns, name, uid.orElse(null)).thenApply(flows -> flows.isEmpty()
        ? error(StatusCodes.NOT_FOUND, "no flow " + ns + "/" + name + uid.map(u -> " with uid " + u).orElse("")
            + " in the journal")
        : json(StatusCodes.OK, AuditJson.history(ns, name, flows)));
  }

  private static CompletionStage<HttpResponse> allHistory(ActorSystem<?> system, FlowHistory history,
      Optional<String> since, Optional<String> namespace, Optional<String> limitParam) {
    Instant from;
    int limit;
    try {
      from = since.map(s -> FlowHistory.parseTime(s, Instant.now())).orElse(null);
      limit = limitParam.map(Integer::parseInt).orElse(DEFAULT_LIMIT);
      if (limit < 1 || limit > MAX_LIMIT) {
        throw new IllegalArgumentException("limit must be between 1 and " + MAX_LIMIT + ", was " + limit);
      }
    } catch (IllegalArgumentException e) {
      return CompletableFuture.completedFuture(error(StatusCodes.BAD_REQUEST, e.getMessage()));
    }
    return history.all(from, namespace.orElse(null), false).take(limit + 1L).runWith(Sink.seq(), system)
        .thenApply(events -> {
          List<TimelineEntry> kept = events.size() > limit ? events.subList(0, limit) : events;
          ObjectNode doc = AuditJson.events(kept);
          if (events.size() > limit) {
            doc.put("truncated", true);
          }
          return json(StatusCodes.OK, doc);
        });
  }

  private static CompletionStage<HttpResponse> authorized(ApiAuthorizer authorizer, Optional<String> auth,
      String namespace, Supplier<CompletionStage<HttpResponse>> action) {
    return authorized(authorizer.check(auth.orElse(null), namespace), action);
  }

  /**
   * Runs {@code action} when the verdict allows; otherwise answers 401 (with {@code WWW-Authenticate}) or 403
   * naming what is missing, and 503 when the API server could not be asked.
   */
  public static CompletionStage<HttpResponse> authorized(CompletionStage<ApiAuthorizer.Verdict> check,
      Supplier<CompletionStage<HttpResponse>> action) {
    return check.thenCompose(verdict -> switch (verdict.outcome()) {
      case ALLOWED -> action.get();
      case UNAUTHENTICATED -> CompletableFuture.completedFuture(error(StatusCodes.UNAUTHORIZED, verdict.message())
          .addHeader(RawHeader.create("WWW-Authenticate", "Bearer")));
      case FORBIDDEN -> CompletableFuture.completedFuture(error(StatusCodes.FORBIDDEN, verdict.message()));
    }).exceptionally(e -> {
      Throwable cause = e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
      return error(StatusCodes.SERVICE_UNAVAILABLE, "cannot answer now: " + cause.getMessage());
    });
  }

  public static HttpResponse json(StatusCode status, ObjectNode doc) {
    return HttpResponse.create().withStatus(status).withEntity(ContentTypes.APPLICATION_JSON, AuditJson.write(doc));
  }

  /** {@code {"code":N,"message":"..."}}, the error document of every API route. */
  public static HttpResponse error(StatusCode status, String message) {
    ObjectNode doc = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode()
        .put("code", status.intValue()).put("message", message);
    return json(status, doc);
  }
}
