package dev.jobflow.cli;

import akka.Done;
import akka.actor.CoordinatedShutdown;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.javadsl.Behaviors;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.jobflow.admission.AdmissionMetrics;
import dev.jobflow.admission.AdmissionServer;
import dev.jobflow.admission.AdmissionSettings;
import dev.jobflow.metrics.JobflowMetrics;
import dev.jobflow.metrics.MetricsOptions;
import dev.jobflow.metrics.MetricsServer;
import dev.jobflow.template.ClusterTemplates;
import dev.jobflow.validation.JobFlowValidator;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code jobflow webhook}: the admission webhooks alone, as their own Deployment runs them, so creating
 * a JobFlow never depends on the controller being up. Runs until SIGTERM, then drains and exits.
 */
@Command(name = "webhook",
    header = "Serve the admission webhooks alone.",
    footerHeading = "%nExamples:%n",
    footer = {"  jobflow webhook --port 8443 --tls-cert tls.crt --tls-key tls.key"},
    mixinStandardHelpOptions = true,
    description = {"Serves the Jobflow admission webhooks over TLS: POST /validate, POST /mutate, GET /healthz, "
        + "GET /readyz, for JobFlows, JobFlowTemplates and CronJobFlows.",
        "Reads the JobFlowTemplates that flows name from the API server (get jobflowtemplates).",
        "The certificate and key are PEM files (as cert-manager mounts them) and are reloaded when they change.",
        "Stops gracefully on SIGTERM: not ready, then no new connections, then requests in flight finish."})
public final class WebhookCommand implements Callable<Integer> {

  @Option(names = "--port", description = "HTTPS port; 0 picks a free one (default: jobflow.webhook.port, 8443).")
  Integer port;

  @Option(names = "--address", description = "Interface to listen on (default: jobflow.webhook.interface, 0.0.0.0).")
  String address;

  @Option(names = "--tls-cert", paramLabel = "FILE",
      description = "PEM certificate chain, e.g. tls.crt (default: jobflow.webhook.tls-cert).")
  Path tlsCert;

  @Option(names = "--tls-key", paramLabel = "FILE",
      description = "PEM private key: PKCS#8, PKCS#1 RSA or EC, e.g. tls.key (default: jobflow.webhook.tls-key).")
  Path tlsKey;

  @Option(names = "--kubeconfig", paramLabel = "FILE",
      description = "Where JobFlowTemplates are read, to check the flows that name one (default: $KUBECONFIG, "
          + "~/.kube/config, or the in-cluster service account).")
  Path kubeconfig;

  @Mixin
  MetricsOptions metricsOptions;

  @Option(names = "--no-metrics", description = "Serve no /metrics endpoint.")
  boolean noMetrics;

  @Override
  public Integer call() throws Exception {
    Config config = metricsOptions.applyTo(ConfigFactory.load());
    AdmissionSettings defaults = AdmissionSettings.fromConfig(config);
    AdmissionSettings settings = defaults
        .withPort(port != null ? port : defaults.port())
        .withInterface(address != null ? address : defaults.iface())
        .withTls(tlsCert != null ? tlsCert : defaults.certFile(), tlsKey != null ? tlsKey : defaults.keyFile());

    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "jobflow-webhook", config);
    JobflowMetrics metrics = JobflowMetrics.fromConfig(config);
    MetricsServer metricsServer = noMetrics ? null : MetricsServer.start(config);
    if (metricsServer != null) {
      metrics.registerKnownSeries();
      system.getWhenTerminated().thenRun(metricsServer::close);
    }
    // The client connects on first use: a webhook that never sees a templateRef never calls the API server.
    KubernetesClient client = new KubernetesClientBuilder().withConfig(kubeConfig()).build();
    system.getWhenTerminated().thenRun(client::close);
    AdmissionServer server;
    try {
      server = AdmissionServer.start(system, settings,
          new JobFlowValidator(dev.jobflow.flow.EngineSettings.fanOutLimits(config)), new ClusterTemplates(client),
              new AdmissionMetrics(metrics))
          .toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      system.terminate();
      Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
      throw new IllegalStateException("webhook cannot start on " + settings.iface() + ":" + settings.port() + ": "
          + cause.getMessage(), cause);
    }
    CoordinatedShutdown shutdown = CoordinatedShutdown.get(system);
    shutdown.addTask(CoordinatedShutdown.PhaseBeforeServiceUnbind(), "webhook-announce-stop", () -> {
      System.out.println("jobflow webhook: stopping (" + shutdown.getShutdownReason()
          .map(Object::toString).orElse("shutdown") + "), draining requests for up to "
          + settings.shutdownDeadline().toSeconds() + "s");
      return CompletableFuture.completedFuture(Done.getInstance());
    });
    shutdown.addTask(CoordinatedShutdown.PhaseServiceStop(), "webhook-announce-stopped", () -> {
      System.out.println("jobflow webhook: stopped");
      return CompletableFuture.completedFuture(Done.getInstance());
    });
    System.out.println("jobflow webhook: serving " + server + " (POST /validate, POST /mutate, GET /healthz, "
        + "GET /readyz" + (metricsServer == null ? "" : "; metrics on :" + metricsServer.port() + "/metrics")
        + ") with certificate " + server.tls().certificate().getSubjectX500Principal().getName());
    System.out.flush();
    system.getWhenTerminated().toCompletableFuture().join();
    return ExitCodes.OK;
  }

  private io.fabric8.kubernetes.client.Config kubeConfig() throws java.io.IOException {
    if (kubeconfig == null) {
      return io.fabric8.kubernetes.client.Config.autoConfigure(null);
    }
    if (!java.nio.file.Files.isReadable(kubeconfig)) {
      throw new IllegalArgumentException("--kubeconfig " + kubeconfig + ": no such readable file");
    }
    return io.fabric8.kubernetes.client.Config.fromKubeconfig(java.nio.file.Files.readString(kubeconfig));
  }
}
