package dev.jobflow.cli;

import dev.jobflow.api.GoDuration;
import io.fabric8.kubernetes.api.model.NamedContext;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Collectors;
import picocli.CommandLine.Option;

/**
 * Which cluster and namespace a command talks to, as kubectl users expect: the current kubeconfig
 * context and its namespace unless {@code --kubeconfig}, {@code --context} or {@code -n} say otherwise.
 * Every call is bounded by {@code --request-timeout}, so an unreachable cluster is an error, not a hang.
 */
final class ClusterOptions implements AutoCloseable {
  @Option(names = "--kubeconfig", paramLabel = "FILE",
      description = "Kubeconfig file (default: $KUBECONFIG, then ~/.kube/config, then the in-cluster service account).")
  Path kubeconfig;

  @Option(names = "--context", paramLabel = "NAME", description = "Kubeconfig context to use (default: its current context).")
  String context;

  @Option(names = {"-n", "--namespace"}, paramLabel = "NS",
      description = "Namespace (default: the context's namespace, else default).")
  String namespace;

  @Option(names = "--request-timeout", paramLabel = "DURATION", defaultValue = "10s",
      description = "Longest wait for one answer of the API server (Go duration; default: ${DEFAULT-VALUE}).")
  String requestTimeout;

  private Config config;
  private KubernetesClient client;

  /** The fabric8 configuration these options select; a mistake in them is a usage error. */
  Config config() {
    if (config != null) {
      return config;
    }
    Duration timeout;
    try {
      timeout = GoDuration.parse(requestTimeout);
    } catch (IllegalArgumentException e) {
      throw new CommandFailure(ExitCodes.ERROR, "--request-timeout: " + e.getMessage());
    }
    if (timeout.isZero() || timeout.isNegative()) {
      throw new CommandFailure(ExitCodes.ERROR, "--request-timeout must be positive, not " + requestTimeout);
    }
    Config c;
    if (kubeconfig != null && !Files.isReadable(kubeconfig)) {
      throw new CommandFailure(ExitCodes.ERROR, "--kubeconfig " + kubeconfig + ": no such readable file");
    }
    try {
      c = kubeconfig != null ? Config.fromKubeconfig(context, kubeconfig.toFile()) : Config.autoConfigure(context);
    } catch (RuntimeException e) {
      throw new CommandFailure(ExitCodes.ERROR, (kubeconfig != null ? "--kubeconfig " + kubeconfig : "the kubeconfig")
          + " is not a usable kubeconfig: " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()), e);
    }
    if (context != null && (c.getCurrentContext() == null || !context.equals(c.getCurrentContext().getName()))) {
      String known = c.getContexts() == null || c.getContexts().isEmpty() ? "none"
          : c.getContexts().stream().map(NamedContext::getName).sorted().collect(Collectors.joining(", "));
      throw new CommandFailure(ExitCodes.ERROR, "--context " + context + ": no such context in the kubeconfig (contexts: "
          + known + ")");
    }
    int millis = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
    c.setRequestTimeout(millis);
    c.setConnectionTimeout(Math.min(millis, 10_000));
    // One quick retry for a blip; the default (10 with exponential backoff) takes minutes to give up.
    c.setRequestRetryBackoffLimit(1);
    c.setRequestRetryBackoffInterval(200);
    config = c;
    return c;
  }

  /** {@code --request-timeout}, once {@link #config()} has checked it. */
  Duration requestTimeout() {
    return Duration.ofMillis(config().getRequestTimeout());
  }

  KubernetesClient client() {
    if (client == null) {
      client = new KubernetesClientBuilder().withConfig(config()).build();
    }
    return client;
  }

  /** {@code -n}, else the kubeconfig context's namespace, else {@code default}. */
  String namespace() {
    if (namespace != null) {
      return namespace;
    }
    String fromConfig = config().getNamespace();
    return fromConfig == null || fromConfig.isBlank() ? "default" : fromConfig;
  }

  /** The API server's URL and where it came from, for messages. */
  String server() {
    try {
      Config c = config();
      String from = c.getFile() != null ? "kubeconfig " + c.getFile()
          + (c.getCurrentContext() == null ? "" : ", context " + c.getCurrentContext().getName())
          : "no kubeconfig found: $KUBECONFIG unset and no ~/.kube/config";
      return c.getMasterUrl() + " (" + from + ")";
    } catch (RuntimeException e) {
      return "(unknown server)";
    }
  }

  @Override
  public void close() {
    if (client != null) {
      client.close();
      client = null;
    }
  }
}
