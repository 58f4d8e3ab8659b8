package dev.jobflow.metrics;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigValueFactory;
import picocli.CommandLine.Option;

/**
 * The metrics endpoint's command-line options, for any subcommand that serves metrics ({@code jobflow controller},
 * {@code jobflow webhook}): add {@code @Mixin MetricsOptions metrics;} and start with
 * {@code MetricsServer.start(metrics.applyTo(config))}. Flags override {@code jobflow.metrics.*}, which reads
 * {@code JOBFLOW_METRICS_PORT} / {@code JOBFLOW_METRICS_HOST}.
 */
public final class MetricsOptions {
  @Option(names = "--metrics-port", paramLabel = "PORT",
      description = "Port of the Prometheus endpoint /metrics (default 9095, env JOBFLOW_METRICS_PORT; 0: any free port).")
  Integer port;

  @Option(names = "--metrics-host", paramLabel = "HOST",
      description = "Address the metrics endpoint listens on (default 0.0.0.0, env JOBFLOW_METRICS_HOST).")
  String host;

  /** {@code config} with the flags given on the command line applied. */
  public Config applyTo(Config config) {
    Config result = config;
    if (port != null) {
      result = result.withValue("jobflow.metrics.port", ConfigValueFactory.fromAnyRef(port));
    }
    if (host != null) {
      result = result.withValue("jobflow.metrics.host", ConfigValueFactory.fromAnyRef(host));
    }
    return result;
  }
}
