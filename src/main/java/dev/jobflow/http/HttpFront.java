package dev.jobflow.http;

import akka.Done;
import akka.actor.typed.ActorSystem;
import akka.http.javadsl.Http;
import akka.http.javadsl.ServerBinding;
import akka.http.javadsl.ServerBuilder;
import akka.http.javadsl.server.Route;
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

  /** Binds over TLS when {@code tls} is present, plain HTTP otherwise. Port 0 picks a free port. */
  public static CompletionStage<HttpFront> bind(ActorSystem<?> system, String iface, int port, Route route,
      Optional<ReloadingTls> tls) {
    ServerBuilder builder = Http.get(system).newServerAt(iface, port);
    if (tls.isPresent()) {
      builder = builder.enableHttps(tls.get().connectionContext());
    }
    return builder.bind(route).thenApply(binding -> new HttpFront(binding, tls.isPresent()));
  }

  public static CompletionStage<HttpFront> http(ActorSystem<?> system, String iface, int port, Route route) {
    return bind(system, iface, port, route, Optional.empty());
  }

  public static CompletionStage<HttpFront> https(ActorSystem<?> system, String iface, int port, Route route,
      ReloadingTls tls) {
    return bind(system, iface, port, route, Optional.of(tls));
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
