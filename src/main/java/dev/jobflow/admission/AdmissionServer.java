package dev.jobflow.admission;

import static akka.http.javadsl.server.Directives.concat;

import akka.Done;
import akka.actor.CoordinatedShutdown;
import akka.actor.typed.ActorSystem;
import akka.http.javadsl.server.Route;
import dev.jobflow.http.HealthRoutes;
import dev.jobflow.http.HttpFront;
import dev.jobflow.http.ReloadingTls;
import dev.jobflow.template.TemplateLookup;
import dev.jobflow.validation.JobFlowValidator;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The admission webhook server: {@code /validate}, {@code /mutate}, {@code /healthz} and {@code /readyz}
 * over TLS from PEM files that are reloaded when they change. Embedded by the controller, and run alone
 * by {@code jobflow webhook}. It stops with the actor system's coordinated shutdown: readiness turns
 * false, the port closes, requests in flight get {@code shutdownDeadline} to finish.
 */
public final class AdmissionServer {
  private final HttpFront front;
  private final ReloadingTls tls;
  private final AtomicBoolean ready;
  private final AdmissionSettings settings;

  private AdmissionServer(HttpFront front, ReloadingTls tls, AtomicBoolean ready, AdmissionSettings settings) {
    this.front = front;
    this.tls = tls;
    this.ready = ready;
    this.settings = settings;
  }

  /** A server that reads no templates: a flow naming one is denied (for tests of everything else). */
  public static CompletionStage<AdmissionServer> start(ActorSystem<?> system, AdmissionSettings settings) {
    return start(system, settings, new JobFlowValidator(), NO_TEMPLATES, AdmissionObserver.NONE);
  }

  /** A server that reads no templates (see {@link #NO_TEMPLATES}). */
  public static CompletionStage<AdmissionServer> start(ActorSystem<?> system, AdmissionSettings settings,
      JobFlowValidator validator, AdmissionObserver observer) {
    return start(system, settings, validator, NO_TEMPLATES, observer);
  }

  /** Templates cannot be read: every lookup fails, so flows naming one are not admitted unchecked. */
  public static final TemplateLookup NO_TEMPLATES = (namespace, name) -> {
    throw new TemplateLookup.TemplateLookupException("could not read JobFlowTemplate " + namespace + "/" + name
        + ": this webhook has no API server to read templates from", null);
  };

  /**
   * Loads the certificate and binds. The stage fails with an {@link IllegalArgumentException} naming the
   * file when the certificate or key cannot be used, or with the bind error when the port is taken.
   */
  public static CompletionStage<AdmissionServer> start(ActorSystem<?> system, AdmissionSettings settings,
      JobFlowValidator validator, TemplateLookup templates, AdmissionObserver observer) {
    ReloadingTls tls;
    try {
      tls = ReloadingTls.fromPemFiles(settings.certFile(), settings.keyFile());
    } catch (IllegalArgumentException e) {
      return CompletableFuture.failedFuture(e);
    }
    AtomicBoolean ready = new AtomicBoolean(false);
    Route route = concat(
        new AdmissionRoutes(validator, templates, observer, settings,
            system.dispatchers().lookup(akka.actor.typed.DispatcherSelector.blocking())).route(),
        HealthRoutes.create(ready::get));
    return HttpFront.https(system, settings.iface(), settings.port(), route, tls, settings.connections())
        .thenApply(front -> {
      CoordinatedShutdown.get(system).addTask(CoordinatedShutdown.PhaseBeforeServiceUnbind(), "webhook-not-ready",
          () -> {
            ready.set(false);
            return CompletableFuture.completedFuture(Done.getInstance());
          });
      front.stopOnShutdown(system, settings.shutdownDeadline());
      ready.set(true);
      return new AdmissionServer(front, tls, ready, settings);
    });
  }

  /** The bound port: the real one when started on port 0. */
  public int port() {
    return front.port();
  }

  public HttpFront front() {
    return front;
  }

  public ReloadingTls tls() {
    return tls;
  }

  public boolean isReady() {
    return ready.get();
  }

  /** Stops without shutting the actor system down (the controller stops its servers one by one). */
  public CompletionStage<Done> stop() {
    ready.set(false);
    return front.stop(settings.shutdownDeadline());
  }

  @Override
  public String toString() {
    return front.toString();
  }
}
