package dev.jobflow.trigger;

import static akka.http.javadsl.server.Directives.completeWithFuture;
import static akka.http.javadsl.server.Directives.extractMaterializer;
import static akka.http.javadsl.server.Directives.extractRequestEntity;
import static akka.http.javadsl.server.Directives.optionalHeaderValueByName;
import static akka.http.javadsl.server.Directives.path;
import static akka.http.javadsl.server.Directives.pathPrefix;
import static akka.http.javadsl.server.Directives.post;
import static akka.http.javadsl.server.PathMatchers.segment;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Scheduler;
import akka.actor.typed.javadsl.AskPattern;
import akka.http.javadsl.model.ContentTypes;
import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.model.RequestEntity;
import akka.http.javadsl.model.StatusCode;
import akka.http.javadsl.model.StatusCodes;
import akka.http.javadsl.model.headers.RawHeader;
import akka.http.javadsl.server.Route;
import akka.stream.Materializer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jobflow.api.TriggerSource;
import dev.jobflow.http.ApiAuthorizer;
import dev.jobflow.http.BoundedBody;
import dev.jobflow.trigger.TriggerCommand.FireReply;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /api/v1/namespaces/{ns}/triggers/{name}}: checks in this order and answers with the first that fails —
 * 404 unknown trigger; 401 no bearer token; 403 a token other than the Secret's (compared in constant time, never
 * logged); 413 over the size limit; 400 a body that is not the source's payload (the field path and the problem);
 * 409 a trigger whose spec is invalid. Then each firing is filtered, and the matching ones go to the trigger's entity:
 * 202 when a flow was created, 200 when each was a duplicate (naming the existing flow) or filtered, 429 with
 * {@code Retry-After} when the rate limit refused one. The body lists every firing's outcome.
 */
public final class TriggerRoutes {
  private static final Logger log = LoggerFactory.getLogger(TriggerRoutes.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final TriggerDirectory directory;
  private final TokenSource tokens;
  private final ActorRef<TriggerRouter.Command> router;
  private final Scheduler scheduler;
  private final TriggerEndpointObserver observer;
  private final TriggerSettings settings;

  public TriggerRoutes(TriggerDirectory directory, TokenSource tokens, ActorRef<TriggerRouter.Command> router,
                       Scheduler scheduler, TriggerEndpointObserver observer, TriggerSettings settings) {
    this.directory = directory;
    this.tokens = tokens;
    this.router = router;
    this.scheduler = scheduler;
    this.observer = observer;
    this.settings = settings;
  }

  /** The path a trigger is served at. */
  public static String endpoint(String namespace, String name) {
    return "/api/v1/namespaces/" + namespace + "/triggers/" + name;
  }

  public Route route() {
    return pathPrefix("api", () -> pathPrefix("v1", () ->
        path(segment("namespaces").slash(segment()).slash("triggers").slash(segment()), (ns, name) ->
            post(() -> optionalHeaderValueByName("Authorization", auth ->
                extractRequestEntity(entity -> extractMaterializer(materializer ->
                    completeWithFuture(handle(ns, name, auth, entity, materializer)
                        .exceptionally(e -> failed(ns, name, e))))))))));
  }

  private CompletionStage<HttpResponse> handle(String ns, String name, Optional<String> auth, RequestEntity entity,
                                               Materializer materializer) {
    Optional<TriggerDefinition> found = directory.find(ns, name);
    if (found.isEmpty()) {
      observer.rejected(ns, "", "UnknownTrigger");
      entity.discardBytes(materializer);
      return done(answer(StatusCodes.NOT_FOUND, message("no JobFlowTrigger " + ns + "/" + name)));
    }
    TriggerDefinition def = found.get();
    String token = ApiAuthorizer.bearer(auth.orElse(null));
    if (token == null) {
      observer.rejected(ns, name, "Unauthenticated");
      entity.discardBytes(materializer);
      return done(answer(StatusCodes.UNAUTHORIZED, message("an Authorization: Bearer <token> header is required"))
          .addHeader(RawHeader.create("WWW-Authenticate", "Bearer realm=\"jobflow-trigger\"")));
    }
    return tokens.token(ns, def.secretName(), def.secretKey()).thenCompose(expected -> {
      if (expected.isEmpty() || !sameToken(expected.get(), token)) {
        if (expected.isEmpty()) {
          log.warn("trigger {}/{}: Secret {} has no key {}; every request is refused", ns, name, def.secretName(),
              def.secretKey());
        }
        observer.rejected(ns, name, "Forbidden");
        entity.discardBytes(materializer);
        return done(answer(StatusCodes.FORBIDDEN, message("the bearer token is not the one of trigger " + ns + "/"
            + name)));
      }
      return BoundedBody.read(entity, settings.maxRequestBytes(), settings.requestTimeout(), materializer)
          .thenCompose(body -> body.overLimit() ? done(tooLarge(ns, name)) : fire(def, body.bytes()));
    });
  }

  private CompletionStage<HttpResponse> fire(TriggerDefinition def, byte[] body) {
    List<Alert> alerts;
    try {
      JsonNode json = JSON.readTree(body);
      alerts = def.source() == TriggerSource.alertmanager ? AlertmanagerPayload.alerts(json)
          : List.of(Alert.document(json == null ? JSON.nullNode() : json));
    } catch (java.io.IOException e) {
      return done(badRequest(def, "the body is not JSON: " + firstLine(e.getMessage())));
    } catch (BadPayloadException e) {
      return done(badRequest(def, e.getMessage()));
    }
    if (def.invalid() != null) {
      observer.rejected(def.namespace(), def.name(), "InvalidTrigger");
      return done(answer(StatusCodes.CONFLICT, message("the trigger's spec is invalid: " + def.invalid())));
    }
    observer.received(def.namespace(), def.name(), alerts.size());
    List<TriggerRules.Outcome> outcomes = new ArrayList<>();
    for (int i = 0; i < alerts.size(); i++) {
      TriggerRules.Outcome o = TriggerRules.evaluate(def, alerts.get(i));
      if (o instanceof TriggerRules.Unreadable u) {
        String where = def.source() == TriggerSource.alertmanager ? "alerts[" + i + "]: " : "";
        return done(badRequest(def, where + u.message()));
      }
      outcomes.add(o);
    }
    List<CompletableFuture<FireReply>> replies = new ArrayList<>();
    for (int i = 0; i < alerts.size(); i++) {
      if (outcomes.get(i) instanceof TriggerRules.Matched m) {
        String alertName = alerts.get(i).name();
        replies.add(AskPattern.<TriggerRouter.Command, FireReply>ask(router,
            replyTo -> new TriggerRouter.Deliver(def.uid(), new TriggerCommand.Fire(m.fingerprint(), alertName,
                m.parameters(), replyTo)), settings.requestTimeout(), scheduler).toCompletableFuture());
      } else {
        replies.add(CompletableFuture.completedFuture(null));
      }
    }
    return CompletableFuture.allOf(replies.toArray(CompletableFuture[]::new))
        .thenApply(all -> respond(def, alerts, outcomes, replies.stream().map(CompletableFuture::join).toList()));
  }

  private HttpResponse respond(TriggerDefinition def, List<Alert> alerts, List<TriggerRules.Outcome> outcomes,
                               List<FireReply> replies) {
    ObjectNode root = JSON.createObjectNode().put("trigger", def.namespace() + "/" + def.name());
    ArrayNode flows = root.putArray("flows");
    ArrayNode results = root.putArray("results");
    Response r = new Response();
    for (int i = 0; i < alerts.size(); i++) {
      ObjectNode result = results.addObject();
      if (alerts.get(i).name() != null) {
        result.put("alert", alerts.get(i).name());
      }
      if (outcomes.get(i) instanceof TriggerRules.Filtered f) {
        observer.filtered(def.namespace(), def.name(), f.filter());
        result.put("outcome", "filtered").put("filter", f.filter()).put("message", f.message());
        continue;
      }
      result.put("fingerprint", ((TriggerRules.Matched) outcomes.get(i)).fingerprint());
      r.add(def, replies.get(i), result, flows);
    }
    if (flows.size() == 1) {
      root.put("flow", flows.get(0).asText());
    }
    HttpResponse response = answer(r.status(), root);
    return r.retryAfter == null ? response
        : response.addHeader(RawHeader.create("Retry-After", Long.toString(r.retryAfterSeconds())));
  }

  /** Folds the entity's replies into one status: 429 > 503 > 422 > 202 > 200. */
  private final class Response {
    boolean created;
    boolean failed;
    boolean unavailable;
    Duration retryAfter;

    void add(TriggerDefinition def, FireReply reply, ObjectNode result, ArrayNode flows) {
      String ns = def.namespace();
      if (reply instanceof TriggerCommand.Created c) {
        observer.created(ns, def.name());
        created = true;
        flows.add(c.flowName());
        result.put("outcome", "created").put("flow", c.flowName());
      } else if (reply instanceof TriggerCommand.Duplicate d) {
        observer.deduplicated(ns, def.name());
        flows.add(d.flowName());
        result.put("outcome", "duplicate").put("flow", d.flowName());
      } else if (reply instanceof TriggerCommand.RateLimited l) {
        observer.rejected(ns, def.name(), "RateLimited");
        retryAfter = retryAfter == null || l.retryAfter().compareTo(retryAfter) > 0 ? l.retryAfter() : retryAfter;
        result.put("outcome", "rateLimited").put("retryAfterSeconds", seconds(l.retryAfter()));
      } else if (reply instanceof TriggerCommand.Failed f) {
        observer.rejected(ns, def.name(), "FlowRefused");
        failed = true;
        result.put("outcome", "failed").put("flow", f.flowName()).put("reason", f.reason())
            .put("message", f.message());
      } else {
        observer.rejected(ns, def.name(), "Unavailable");
        unavailable = true;
        result.put("outcome", "unavailable").put("message", ((TriggerCommand.Unavailable) reply).message());
      }
    }

    StatusCode status() {
      return retryAfter != null ? StatusCodes.TOO_MANY_REQUESTS : unavailable ? StatusCodes.SERVICE_UNAVAILABLE
          : failed ? StatusCodes.UNPROCESSABLE_ENTITY : created ? StatusCodes.ACCEPTED : StatusCodes.OK;
    }

    long retryAfterSeconds() {
      return seconds(retryAfter);
    }
  }

  private static long seconds(Duration d) {
    return Math.max(1, (d.toMillis() + 999) / 1000);
  }

  private HttpResponse tooLarge(String ns, String name) {
    observer.rejected(ns, name, "TooLarge");
    return answer(StatusCodes.PAYLOAD_TOO_LARGE, message("the body is over the " + settings.maxRequestBytes()
        + "-byte limit"));
  }

  private HttpResponse badRequest(TriggerDefinition def, String problem) {
    observer.rejected(def.namespace(), def.name(), "BadPayload");
    return answer(StatusCodes.BAD_REQUEST, message(problem));
  }

  private HttpResponse failed(String ns, String name, Throwable failure) {
    Throwable cause = failure;
    while (cause instanceof CompletionException && cause.getCause() != null) {
      cause = cause.getCause();
    }
    if (cause instanceof akka.http.scaladsl.model.EntityStreamSizeException) {
      return tooLarge(ns, name);
    }
    if (cause instanceof TimeoutException) {
      observer.rejected(ns, name, "Timeout");
      return answer(StatusCodes.SERVICE_UNAVAILABLE, message("no answer within " + settings.requestTimeout()
          + ": " + cause.getMessage()));
    }
    log.warn("trigger {}/{}: request failed", ns, name, cause);
    observer.rejected(ns, name, "Error");
    return answer(StatusCodes.SERVICE_UNAVAILABLE, message("the trigger could not be served: " + cause));
  }

  /** Constant time whatever the tokens: both are hashed first, so not even the length leaks. */
  static boolean sameToken(byte[] expected, String presented) {
    try {
      MessageDigest a = MessageDigest.getInstance("SHA-256");
      MessageDigest b = MessageDigest.getInstance("SHA-256");
      return MessageDigest.isEqual(a.digest(trim(expected)), b.digest(presented.getBytes(StandardCharsets.UTF_8)));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  /** A Secret written with {@code echo token > file} ends in a newline that is not part of the token. */
  private static byte[] trim(byte[] token) {
    int end = token.length;
    while (end > 0 && (token[end - 1] == '\n' || token[end - 1] == '\r')) {
      end--;
    }
    return java.util.Arrays.copyOf(token, end);
  }

  private static String firstLine(String text) {
    int nl = text == null ? -1 : text.indexOf('\n');
    return nl < 0 ? String.valueOf(text) : text.substring(0, nl);
  }

  private static ObjectNode message(String text) {
    return JSON.createObjectNode().put("message", text);
  }

  private static HttpResponse answer(StatusCode status, ObjectNode body) {
    return HttpResponse.create().withStatus(status).withEntity(ContentTypes.APPLICATION_JSON, body.toString());
  }

  private static CompletionStage<HttpResponse> done(HttpResponse response) {
    return CompletableFuture.completedFuture(response);
  }
}
