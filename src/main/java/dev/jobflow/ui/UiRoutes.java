package dev.jobflow.ui;

import static akka.http.javadsl.server.Directives.complete;
import static akka.http.javadsl.server.Directives.completeWithFuture;
import static akka.http.javadsl.server.Directives.concat;
import static akka.http.javadsl.server.Directives.extractRequest;
import static akka.http.javadsl.server.Directives.get;
import static akka.http.javadsl.server.Directives.getFromResource;
import static akka.http.javadsl.server.Directives.getFromResourceDirectory;
import static akka.http.javadsl.server.Directives.optionalHeaderValueByName;
import static akka.http.javadsl.server.Directives.parameterOptional;
import static akka.http.javadsl.server.Directives.path;
import static akka.http.javadsl.server.Directives.pathEnd;
import static akka.http.javadsl.server.Directives.pathPrefix;
import static akka.http.javadsl.server.Directives.pathSingleSlash;
import static akka.http.javadsl.server.Directives.post;
import static akka.http.javadsl.server.Directives.redirect;
import static akka.http.javadsl.server.Directives.respondWithHeaders;
import static akka.http.javadsl.server.PathMatchers.segment;

import akka.Done;
import akka.actor.CoordinatedShutdown;
import akka.actor.typed.ActorSystem;
import akka.stream.KillSwitches;
import akka.stream.SharedKillSwitch;
import akka.http.javadsl.model.ContentType;
import akka.http.javadsl.model.ContentTypes;
import akka.http.javadsl.model.HttpCharsets;
import akka.http.javadsl.model.HttpEntities;
import akka.http.javadsl.model.HttpHeader;
import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.model.MediaTypes;
import akka.http.javadsl.model.StatusCodes;
import akka.http.javadsl.model.Uri;
import akka.http.javadsl.model.headers.RawHeader;
import akka.http.javadsl.server.Route;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jobflow.api.JobFlow;
import dev.jobflow.audit.AuditJson;
import dev.jobflow.audit.FlowHistory;
import dev.jobflow.audit.TimelineEntry;
import dev.jobflow.client.ChangeResult;
import dev.jobflow.client.FlowChanges;
import dev.jobflow.client.LifecycleChange;
import dev.jobflow.http.ApiAuthorizer.Access;
import dev.jobflow.http.ApiAuthorizer.Outcome;
import dev.jobflow.http.ApiAuthorizer.Verdict;
import dev.jobflow.http.AuditRoutes;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * The web view under {@code /ui/}: the page and its scripts (public: they hold no data), and {@code /ui/api/...},
 * which answers only callers the audit API would answer ({@code get jobflows} in the namespace, checked by
 * TokenReview and SubjectAccessReview; {@code patch jobflows} for actions; {@code get pods/log} for logs).
 * Status comes from the controller's own state ({@link LiveFlows} and its JobFlow informer), never from a poll
 * of the API server.
 */
public final class UiRoutes {
  static final String ASSETS = "dev/jobflow/ui/assets";
  private static final Duration STREAM_MAX_AGE = Duration.ofMinutes(10);
  private static final List<HttpHeader> PAGE_HEADERS = List.of(
      RawHeader.create("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; worker-src 'self'; "
          + "frame-ancestors 'none'; base-uri 'none'; form-action 'none'"),
      RawHeader.create("X-Content-Type-Options", "nosniff"),
      RawHeader.create("Referrer-Policy", "no-referrer"),
      RawHeader.create("Cache-Control", "no-cache"));

  private static final ContentType JAVASCRIPT = ContentTypes.create(MediaTypes.APPLICATION_JAVASCRIPT, HttpCharsets.UTF_8);

  private final ActorSystem<?> system;
  private final LiveFlows live;
  private final Supplier<List<JobFlow>> flows;
  private final FlowHistory history;
  private final UiAccess access;
  private final PodLogs logs;
  private final io.fabric8.kubernetes.client.KubernetesClient client;
  private final Executor io;
  private final SharedKillSwitch ending = KillSwitches.shared("ui-streams");

  private UiRoutes(ActorSystem<?> system, LiveFlows live, Supplier<List<JobFlow>> flows, FlowHistory history,
      UiAccess access, io.fabric8.kubernetes.client.KubernetesClient client, Executor io) {
    this.system = system;
    this.live = live;
    this.flows = flows;
    this.history = history;
    this.access = access;
    this.client = client;
    this.io = io;
    this.logs = new PodLogs(client, io);
    // Open event streams end before the HTTP front unbinds: browsers reconnect to the next controller.
    CoordinatedShutdown.get(system).addTask(CoordinatedShutdown.PhaseBeforeServiceUnbind(), "end-ui-streams", () -> {
      ending.shutdown();
      return CompletableFuture.completedFuture(Done.getInstance());
    });
  }

  /**
   * @param flows the controller's JobFlow informer cache
   * @param authorizer the audit API's authorizer (disabled only in dev mode)
   * @param io runs blocking API-server calls (reviews, patches, logs)
   */
  public static Route create(ActorSystem<?> system, LiveFlows live, Supplier<List<JobFlow>> flows,
      FlowHistory history, dev.jobflow.http.ApiAuthorizer authorizer,
      io.fabric8.kubernetes.client.KubernetesClient client, Executor io) {
    UiAccess access = new UiAccess(authorizer, java.time.Clock.systemUTC(), Duration.ofSeconds(30));
    return new UiRoutes(system, live, flows, history, access, client, io).route();
  }

  private Route route() {
    return pathPrefix("ui", () -> concat(
        // Relative, so the page also works behind a proxy that serves it under another prefix.
        pathEnd(() -> redirect(Uri.create("ui/"), StatusCodes.FOUND)),
        pathPrefix("api", this::api),
        respondWithHeaders(PAGE_HEADERS, () -> get(() -> concat(
            pathSingleSlash(() -> getFromResource(ASSETS + "/index.html", ContentTypes.TEXT_HTML_UTF8)),
            getFromResourceDirectory(ASSETS, UiRoutes::contentType))))));
  }

  /** Browsers run module scripts only when served as JavaScript, which akka-http's defaults do not say for .js. */
  static ContentType contentType(String file) {
    String ext = file.substring(file.lastIndexOf('.') + 1);
    return switch (ext) {
      case "js", "mjs" -> JAVASCRIPT;
      case "css" -> ContentTypes.create(MediaTypes.TEXT_CSS, HttpCharsets.UTF_8);
      case "html" -> ContentTypes.TEXT_HTML_UTF8;
      case "json" -> ContentTypes.APPLICATION_JSON;
      default -> ContentTypes.TEXT_PLAIN_UTF8;
    };
  }

  private Route api() {
    return optionalHeaderValueByName("Authorization", header -> {
      String auth = header.orElse(null);
      return concat(
          path("session", () -> get(() -> completeWithFuture(session(auth)))),
          path(segment("flows"), () -> get(() -> completeWithFuture(list(auth)))),
          path(segment("flows").slash("stream"), () -> get(() -> completeWithFuture(listStream(auth)))),
          pathPrefix(segment("namespaces").slash(segment()).slash("jobflows").slash(segment()), (ns, name) -> concat(
              pathEnd(() -> get(() -> completeWithFuture(readable(auth, ns, () -> detail(ns, name))))),
              path("stream", () -> get(() -> completeWithFuture(readable(auth, ns, () -> flowStream(ns, name))))),
              path("audit", () -> get(() -> parameterOptional("step", step ->
                  completeWithFuture(readable(auth, ns, () -> audit(ns, name, step)))))),
              path(segment("jobs").slash(segment()).slash("log"), job -> get(() -> completeWithFuture(
                  readable(auth, ns, () -> AuditRoutes.authorized(
                      access.check(auth, new Access("get", "", "pods", "log", ns)),
                      () -> logs.stream(ns, name, job)))))),
              path(segment("actions").slash(segment()), action -> post(() -> extractRequest(request -> {
                  // Only scripts of this page send JSON: a form on another site cannot (CORS preflight).
                  if (!request.entity().getContentType().mediaType().equals(MediaTypes.APPLICATION_JSON)) {
                    return complete(AuditRoutes.error(StatusCodes.UNSUPPORTED_MEDIA_TYPE,
                        "actions are POSTed with Content-Type: application/json"));
                  }
                  return completeWithFuture(AuditRoutes.authorized(
                      access.check(auth, Access.jobflows("patch", ns)), () -> act(ns, name, action)));
                }))))));
    });
  }

  private CompletionStage<HttpResponse> readable(String auth, String ns, Supplier<CompletionStage<HttpResponse>> then) {
    return AuditRoutes.authorized(access.check(auth, Access.jobflows("get", ns)), then);
  }

  private CompletionStage<HttpResponse> session(String auth) {
    if (!access.enabled()) {
      return ok(UiJson.MAPPER.createObjectNode().put("authorization", false));
    }
    return access.visible(auth, namespaces()).thenCompose(p -> {
      if (p.verdict().outcome() == Outcome.UNAUTHENTICATED) {
        return AuditRoutes.authorized(CompletableFuture.completedFuture(p.verdict()), () -> null);
      }
      ObjectNode doc = UiJson.MAPPER.createObjectNode().put("authorization", true).put("user", p.verdict().user());
      if (p.visible() != null) {
        doc.put("everywhere", p.visible().everywhere());
        ArrayNode ns = doc.putArray("namespaces");
        p.visible().namespaces().forEach(ns::add);
      }
      return ok(doc);
    });
  }

  private CompletionStage<HttpResponse> withVisible(String auth,
      java.util.function.Function<UiAccess.Visible, CompletionStage<HttpResponse>> then) {
    return access.visible(auth, namespaces()).thenCompose(p ->
        AuditRoutes.authorized(CompletableFuture.completedFuture(p.verdict()), () -> then.apply(p.visible())));
  }

  private Set<String> namespaces() {
    Set<String> out = new HashSet<>();
    for (JobFlow f : flows.get()) {
      out.add(f.getMetadata().getNamespace());
    }
    return out;
  }

  private CompletionStage<HttpResponse> list(String auth) {
    return withVisible(auth, visible -> ok(rows(visible, live.summaries())));
  }

  private ObjectNode rows(UiAccess.Visible visible, Map<String, LiveFlows.Flow> summaries) {
    ObjectNode doc = UiJson.MAPPER.createObjectNode();
    ArrayNode rows = doc.putArray("flows");
    for (JobFlow f : flows.get()) {
      if (visible.includes(f.getMetadata().getNamespace())) {
        rows.add(UiJson.row(f, summaries.get(f.getMetadata().getUid())));
      }
    }
    return doc;
  }

  private CompletionStage<HttpResponse> listStream(String auth) {
    return withVisible(auth, visible -> {
      AutoCloseable[] subscription = new AutoCloseable[1];
      EventStream stream = EventStream.open(system, ending, STREAM_MAX_AGE, () -> close(subscription[0]));
      subscription[0] = live.subscribe(change -> {
        if (!visible.includes(change.id().namespace())) {
          return;
        }
        ObjectNode row = UiJson.MAPPER.createObjectNode().put("namespace", change.id().namespace())
            .put("name", change.id().name()).put("uid", change.id().uid()).put("version", change.version());
        if (change.removed()) {
          stream.send("removed", UiJson.write(row));
        } else {
          UiJson.summary(row, change.summary());
          stream.send("flow", UiJson.write(row));
        }
      }, summaries -> stream.send("snapshot", UiJson.write(rows(visible, summaries))));
      return CompletableFuture.completedFuture(stream.response());
    });
  }

  private Optional<JobFlow> find(String ns, String name) {
    for (JobFlow f : flows.get()) {
      if (ns.equals(f.getMetadata().getNamespace()) && name.equals(f.getMetadata().getName())) {
        return Optional.of(f);
      }
    }
    return Optional.empty();
  }

  private CompletionStage<HttpResponse> detail(String ns, String name) {
    Optional<JobFlow> found = find(ns, name);
    if (found.isEmpty()) {
      return notFound(ns, name);
    }
    JobFlow flow = found.get();
    Optional<LiveFlows.Flow> now = live.flow(flow.getMetadata().getUid());
    ObjectNode doc = UiJson.row(flow, now.orElse(null));
    doc.put("suspend", flow.getSpec().isSuspended());
    if (flow.getSpec().getShutdown() != null) {
      doc.put("shutdown", flow.getSpec().getShutdown().name());
    }
    doc.set("graph", UiJson.graph(flow));
    doc.set("steps", now.map(l -> UiJson.steps(l.steps())).orElseGet(() -> UiJson.steps(flow)));
    return ok(doc);
  }

  private CompletionStage<HttpResponse> flowStream(String ns, String name) {
    Optional<JobFlow> found = find(ns, name);
    if (found.isEmpty()) {
      return notFound(ns, name);
    }
    JobFlow flow = found.get();
    AutoCloseable[] subscription = new AutoCloseable[1];
    EventStream stream = EventStream.open(system, ending, STREAM_MAX_AGE, () -> close(subscription[0]));
    subscription[0] = live.subscribe(flow.getMetadata().getUid(), change -> {
      if (change.removed()) {
        stream.send("removed", UiJson.write(UiJson.MAPPER.createObjectNode().put("version", change.version())));
        return;
      }
      ObjectNode doc = UiJson.MAPPER.createObjectNode().put("version", change.version())
          .put("complete", change.complete());
      UiJson.summary(doc, change.summary());
      doc.set("steps", UiJson.steps(change.steps()));
      stream.send("update", UiJson.write(doc));
    }, start -> {
      ObjectNode doc = UiJson.row(flow, start.orElse(null));
      doc.put("complete", true);
      doc.set("steps", start.map(l -> UiJson.steps(l.steps())).orElseGet(() -> UiJson.steps(flow)));
      stream.send("snapshot", UiJson.write(doc));
    });
    return CompletableFuture.completedFuture(stream.response());
  }

  /** Every flow of that name from the journal, each with its hash-chain verdict; only one step's events if asked. */
  private CompletionStage<HttpResponse> audit(String ns, String name, Optional<String> step) {
    return history.history(ns, name, null).thenCompose(timelines -> {
      List<FlowHistory.FlowTimeline> kept = new ArrayList<>();
      for (FlowHistory.FlowTimeline t : timelines) {
        List<TimelineEntry> events = step.isEmpty() ? t.events()
            : t.events().stream().filter(e -> step.get().equals(e.step())).toList();
        kept.add(new FlowHistory.FlowTimeline(t.run(), events));
      }
      ObjectNode doc = AuditJson.history(ns, name, kept);
      CompletionStage<ObjectNode> all = CompletableFuture.completedFuture(doc);
      for (int i = 0; i < timelines.size(); i++) {
        ObjectNode flowNode = (ObjectNode) doc.withArray("flows").get(i);
        String pid = timelines.get(i).run().persistenceId();
        all = all.thenCompose(d -> history.verify(pid).thenApply(report -> {
          flowNode.set("chain", AuditJson.report(report));
          return d;
        }));
      }
      return all.thenApply(d -> AuditRoutes.json(StatusCodes.OK, d));
    });
  }

  /** The lifecycle changes of {@code dev.jobflow.client}, as the CLI makes them: refused when the flow's state does not allow them. */
  private CompletionStage<HttpResponse> act(String ns, String name, String actionName) {
    Optional<LifecycleChange> action = Arrays.stream(LifecycleChange.values()).filter(c -> c.verb().equals(actionName))
        .findFirst();
    if (action.isEmpty()) {
      return CompletableFuture.completedFuture(AuditRoutes.error(StatusCodes.NOT_FOUND,
          "no action \"" + actionName + "\": suspend, resume, stop or terminate"));
    }
    return CompletableFuture.supplyAsync(() -> {
      try {
        ChangeResult result = new FlowChanges(client).apply(ns, name, action.get());
        return switch (result.outcome()) {
          case CHANGED, UNCHANGED -> ok(UiJson.MAPPER.createObjectNode().put("action", actionName)
              .put("message", result.message())).toCompletableFuture().join();
          case REFUSED -> AuditRoutes.error(StatusCodes.CONFLICT, result.message());
          case NOT_FOUND -> AuditRoutes.error(StatusCodes.NOT_FOUND, result.message());
        };
      } catch (KubernetesClientException e) {
        int code = e.getCode() >= 400 ? e.getCode() : 502;
        String why = e.getStatus() != null && e.getStatus().getMessage() != null ? e.getStatus().getMessage() : e.getMessage();
        return AuditRoutes.error(StatusCodes.get(code), "cannot " + actionName + " " + ns + "/" + name + ": " + why);
      }
    }, io);
  }

  private static CompletionStage<HttpResponse> notFound(String ns, String name) {
    return CompletableFuture.completedFuture(AuditRoutes.error(StatusCodes.NOT_FOUND,
        "no JobFlow " + ns + "/" + name + " in the cluster (its history may still be in the audit tab)"));
  }

  private static CompletionStage<HttpResponse> ok(ObjectNode doc) {
    return CompletableFuture.completedFuture(HttpResponse.create()
        .withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, UiJson.write(doc))));
  }

  private static void close(AutoCloseable c) {
    try {
      if (c != null) {
        c.close();
      }
    } catch (Exception e) {
      throw new CompletionException(e);
    }
  }
}
