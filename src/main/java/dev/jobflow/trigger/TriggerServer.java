package dev.jobflow.trigger;

import akka.actor.typed.ActorSystem;
import dev.jobflow.http.HttpFront;
import dev.jobflow.http.ReloadingTls;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The trigger endpoint's own HTTPS port (PEM files reloaded when they change, as the webhooks'), apart from the
 * controller's plain-HTTP front and the admission port: it is the one port senders outside the cluster's control
 * plane reach, so it can be opened to them alone. Stops with the actor system's coordinated shutdown.
 */
public final class TriggerServer {
  private final HttpFront front;

  private TriggerServer(HttpFront front) {
    this.front = front;
  }

  /** Loads the certificate and binds; fails naming the file when it cannot be used, or with the bind error. */
  public static CompletionStage<TriggerServer> start(ActorSystem<?> system, TriggerSettings settings,
                                                     TriggerRoutes routes) {
    ReloadingTls tls;
    try {
      tls = ReloadingTls.fromPemFiles(settings.certFile(), settings.keyFile());
    } catch (IllegalArgumentException e) {
      return CompletableFuture.failedFuture(e);
    }
    return HttpFront.https(system, settings.iface(), settings.port(), routes.route(), tls)
        .thenApply(front -> new TriggerServer(front.stopOnShutdown(system, settings.shutdownDeadline())));
  }

  /** The bound port: the real one when started on port 0. */
  public int port() {
    return front.port();
  }

  @Override
  public String toString() {
    return front.toString();
  }
}
