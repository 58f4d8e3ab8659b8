package dev.jobflow.http;

import akka.Done;
import akka.NotUsed;
import akka.actor.typed.ActorSystem;
import akka.http.javadsl.Http;
import akka.http.javadsl.ServerBinding;
import akka.http.javadsl.ServerBuilder;
import akka.http.javadsl.model.HttpRequest;
import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.server.Route;
import akka.stream.javadsl.Flow;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * One listening socket serving a {@link Route}, over plain HTTP or over TLS from {@link ReloadingTls}.
 * The webhook binds its routes here over HTTPS; the controller binds health and API routes over HTTP;
 * routes compose with {@code Directives.concat} before they are bound.
 */
public final class HttpFront {
  private final ServerBinding binding;
  private final boolean https;

  private HttpFront(ServerBinding binding, boolean https) {
    this.binding = binding;
    this.https = https;
  }

  /**
   * Bounds on a connection that akka-http's settings do not give: its {@code request-timeout} starts only once a
   * request's headers are in, and its {@code idle-timeout} is reset by every byte, so a client sending one header
   * byte a minute would hold a connection for ever.
   *
   * @param headerTimeout the first request's headers (TLS handshake included) must be in by then after the
   *     connection opened, or it is closed
   * @param idleTimeout the next request's headers must be in by then after the previous request's, or the
   *     connection is closed (a client that keeps it alive and idle reconnects)
   */
  public record ConnectionLimits(Duration headerTimeout, Duration idleTimeout) {
    Flow<HttpRequest, HttpResponse, NotUsed> around(Flow<HttpRequest, HttpResponse, NotUsed> handler) {
      // Each request is emitted by the server's parser once its headers are complete: timing the requests times
      // the headers, whatever arrives byte by byte in between.
      return Flow.of(HttpRequest.class).initialTimeout(headerTimeout).idleTimeout(idleTimeout).via(handler);
    }
  }

  /** Binds over TLS when {@code tls} is present, plain HTTP otherwise. Port 0 picks a free port. */
  public static CompletionStage<HttpFront> bind(ActorSystem<?> system, String iface, int port, Route route,
      Optional<ReloadingTls> tls) {
    return bind(system, iface, port, route, tls, Optional.empty());
  }

  /** As {@link #bind(ActorSystem, String, int, Route, Optional)}, each connection within {@code limits}. */
  public static CompletionStage<HttpFront> bind(ActorSystem<?> system, String iface, int port, Route route,
      Optional<ReloadingTls> tls, Optional<ConnectionLimits> limits) {
    ServerBuilder builder = Http.get(system).newServerAt(iface, port);
    if (tls.isPresent()) {
      builder = builder.enableHttps(tls.get().connectionContext());
    }
    CompletionStage<ServerBinding> bound = limits.isPresent()
        ? builder.bindFlow(limits.get().around(route.flow(system)))
        : builder.bind(route);
    return bound.thenApply(binding -> new HttpFront(binding, tls.isPresent()));
  }

  public static CompletionStage<HttpFront> http(ActorSystem<?> system, String iface, int port, Route route) {
    return bind(system, iface, port, route, Optional.empty());
  }

  public static CompletionStage<HttpFront> https(ActorSystem<?> system, String iface, int port, Route route,
      ReloadingTls tls) {
    return bind(system, iface, port, route, Optional.of(tls));
  }

  public static CompletionStage<HttpFront> https(ActorSystem<?> system, String iface, int port, Route route,
      ReloadingTls tls, ConnectionLimits limits) {
    return bind(system, iface, port, route, Optional.of(tls), Optional.of(limits));
  }

  public InetSocketAddress address() {
    return binding.localAddress();
  }

  /** The bound port: the real one when bound to port 0. */
  public int port() {
    return binding.localAddress().getPort();
  }

  public boolean isHttps() {
    return https;
  }

  /** Stops accepting, lets requests in flight finish for up to {@code deadline}, then closes connections. */
  public CompletionStage<Done> stop(Duration deadline) {
    return binding.terminate(deadline).thenApply(terminated -> Done.getInstance());
  }

  /** Stops this front in the actor system's coordinated shutdown (SIGTERM, or {@code system.terminate()}). */
  public HttpFront stopOnShutdown(ActorSystem<?> system, Duration deadline) {
    binding.addToCoordinatedShutdown(deadline, system);
    return this;
  }

  @Override
  public String toString() {
    return (https ? "https://" : "http://") + address().getHostString() + ":" + port();
  }
}
