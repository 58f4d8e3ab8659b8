package dev.jobflow.cli;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.jobflow.admission.AdmissionSettings;
import dev.jobflow.controller.Controller;
import dev.jobflow.controller.ControllerSettings;
import dev.jobflow.metrics.MetricsOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code jobflow controller}: runs the flows of a cluster. */
@Command(name = "controller",
    header = "Run the controller against a Kubernetes cluster.",
    footerHeading = "%nExamples:%n",
    footer = {"  jobflow controller --kubeconfig ~/.kube/config", "  jobflow controller --namespace data,ml --no-webhook"}, mixinStandardHelpOptions = true,
    description = {"Run the Jobflow controller against a Kubernetes API server: informers, flow entities, ",
        "status, Events, the admission webhooks, /healthz and /readyz, and /metrics.",
        "Every flag also reads an environment variable (shown in brackets)."})
public final class ControllerCommand implements Callable<Integer> {

  @Option(names = "--kubeconfig", paramLabel = "FILE",
      description = "Kubeconfig to use (default: $KUBECONFIG, ~/.kube/config, or the in-cluster service account).")
  Path kubeconfig;

  @Option(names = "--namespace", paramLabel = "NS", split = ",",
      description = "Watch only these namespaces (repeatable or comma-separated; default all) [JOBFLOW_NAMESPACES].")
  List<String> namespaces = new ArrayList<>();

  @Mixin
  JournalOptions journal;

  @Mixin
  MetricsOptions metrics;

  @Option(names = "--http-port", description = "Port of /healthz, /readyz and the API (default 8080) [JOBFLOW_HTTP_PORT].")
  Integer httpPort;

  @Option(names = "--webhook-port", description = "HTTPS port of the admission webhooks (default 8443) [JOBFLOW_WEBHOOK_PORT].")
  Integer webhookPort;

  @Option(names = "--tls-cert", paramLabel = "FILE", description = "Webhook certificate, PEM [JOBFLOW_WEBHOOK_TLS_CERT].")
  Path tlsCert;

  @Option(names = "--tls-key", paramLabel = "FILE", description = "Webhook private key, PEM [JOBFLOW_WEBHOOK_TLS_KEY].")
  Path tlsKey;

  @Option(names = "--no-webhook", description = "Do not serve the admission webhooks (they run as their own Deployment) [JOBFLOW_NO_WEBHOOK=true].")
  boolean noWebhook;

  @Option(names = "--cluster-host", paramLabel = "HOST",
      description = "Address other controller replicas reach this one at (default 127.0.0.1) [JOBFLOW_CLUSTER_HOST].")
  String clusterHost;

  @Option(names = "--cluster-port", description = "Remoting port between replicas (default 0: any) [JOBFLOW_CLUSTER_PORT].")
  Integer clusterPort;

  @Option(names = "--cluster-seed-nodes", paramLabel = "HOST:PORT", split = ",",
      description = "Replicas to join (default none: a cluster of one); needs PostgreSQL [JOBFLOW_CLUSTER_SEED_NODES].")
  List<String> clusterSeedNodes = new ArrayList<>();

  @Override
  public Integer call() throws Exception {
    Config config = clusterFlags().withFallback(metrics.applyTo(ConfigFactory.load()));
    ControllerSettings settings = ControllerSettings.fromConfig(config,
        new ControllerSettings.Cluster(kubeConfig(), namespaces()), journal.settings(config), webhook(config));
    if (httpPort != null) {
      settings = settings.withHttp(new ControllerSettings.Http(settings.http().host(), httpPort,
          settings.http().authorization()));
    }
    Controller controller = Controller.start(settings, config);
    System.out.println("jobflow controller: running (http " + controller.httpPort()
        + (controller.webhookPort() > 0 ? ", webhook " + controller.webhookPort() : "")
        + (controller.metricsPort() > 0 ? ", metrics " + controller.metricsPort() : "") + ")");
    System.out.flush();
    controller.whenTerminated().join();
    return ExitCodes.OK;
  }

  /** The cluster flags as the {@code jobflow.cluster} settings they override. */
  private Config clusterFlags() {
    java.util.Map<String, Object> flags = new java.util.HashMap<>();
    if (clusterHost != null) {
      flags.put("jobflow.cluster.host", clusterHost);
    }
    if (clusterPort != null) {
      flags.put("jobflow.cluster.port", clusterPort);
    }
    if (!clusterSeedNodes.isEmpty()) {
      flags.put("jobflow.cluster.seed-nodes", String.join(",", clusterSeedNodes));
    }
    return ConfigFactory.parseMap(flags);
  }

  private io.fabric8.kubernetes.client.Config kubeConfig() throws Exception {
    if (kubeconfig == null) {
      return null;
    }
    if (!Files.isReadable(kubeconfig)) {
      throw new IllegalArgumentException("--kubeconfig " + kubeconfig + ": no such readable file");
    }
    return io.fabric8.kubernetes.client.Config.fromKubeconfig(Files.readString(kubeconfig));
  }

  private List<String> namespaces() {
    if (!namespaces.isEmpty()) {
      return namespaces;
    }
    String env = System.getenv("JOBFLOW_NAMESPACES");
    return env == null || env.isBlank() ? List.of()
        : Arrays.stream(env.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
  }

  private AdmissionSettings webhook(Config config) {
    if (noWebhook || "true".equalsIgnoreCase(System.getenv("JOBFLOW_NO_WEBHOOK"))) {
      return null;
    }
    AdmissionSettings s = AdmissionSettings.fromConfig(config);
    return s.withPort(webhookPort != null ? webhookPort : s.port())
        .withTls(tlsCert != null ? tlsCert : s.certFile(), tlsKey != null ? tlsKey : s.keyFile());
  }
}
