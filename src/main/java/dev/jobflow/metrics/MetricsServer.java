package dev.jobflow.metrics;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import java.net.URI;
import java.util.concurrent.TimeUnit;
import kamon.Kamon;
import kamon.module.Module;
import kamon.prometheus.PrometheusReporter;
import kamon.util.Filter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.concurrent.Await;
import scala.concurrent.duration.Duration;

/**
 * Starts Kamon with its Prometheus reporter and serves the scrape on {@code http://host:port/metrics}
 * ({@code jobflow.metrics.*}: port 9095 by default, {@code JOBFLOW_METRICS_PORT}, {@code --metrics-port}; 0 picks a
 * free port). Kamon is process-wide, so at most one server runs at a time; {@link #close()} stops Kamon, freeing
 * the port, and a new server can be started afterwards.
 *
 * <p>The reporter is registered programmatically with its own embedded server switched off, and a
 * {@link ScrapeEndpoint} serves its data instead (see there for why).
 */
public final class MetricsServer implements AutoCloseable {
  public static final int DEFAULT_PORT = 9095;
  public static final String PATH = "/metrics";

  private static final Logger log = LoggerFactory.getLogger(MetricsServer.class);
  private static MetricsServer running;

  private final ScrapeEndpoint endpoint;
  private final Module.Registration registration;
  private final String host;

  private MetricsServer(ScrapeEndpoint endpoint, Module.Registration registration, String host) {
    this.endpoint = endpoint;
    this.registration = registration;
    this.host = host;
  }

  /** Starts on {@code jobflow.metrics.host} and {@code jobflow.metrics.port} of {@code config}. */
  public static MetricsServer start(Config config) {
    return start(config, config.getString("jobflow.metrics.host"), config.getInt("jobflow.metrics.port"));
  }

  /**
   * Starts Kamon from {@code config} (its {@code kamon.*} section; see {@code conf/application.conf}) and serves the
   * scrape on {@code host:port}.
   *
   * @throws java.io.UncheckedIOException when the port cannot be bound
   * @throws IllegalStateException when a server is already running in this process
   */
  public static synchronized MetricsServer start(Config config, String host, int port) {
    if (running != null) {
      throw new IllegalStateException("a metrics server is already running on port " + running.port()
          + " in this process (Kamon is process-wide)");
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("metrics port must be 0..65535, got " + port);
    }
    Config kamonConfig = config
        // The reporter's own server cannot report its port or refuse to start; ScrapeEndpoint replaces it.
        .withValue("kamon.prometheus.start-embedded-http-server", ConfigValueFactory.fromAnyRef(false))
        .withValue("kamon.modules.prometheus-reporter.enabled", ConfigValueFactory.fromAnyRef(false))
        .withFallback(ConfigFactory.defaultReference());
    Kamon.initWithoutAttaching(kamonConfig);
    PrometheusReporter reporter = new PrometheusReporter(PrometheusReporter.DefaultConfigPath(), Kamon.config());
    ScrapeEndpoint endpoint;
    try {
      endpoint = new ScrapeEndpoint(host, port, PATH, reporter, Kamon.config());
    } catch (RuntimeException e) {
      stopKamon();
      throw e;
    }
    // Only Jobflow's own metrics: Kamon's internal ones (trace sampler decisions...) are noise on a dashboard.
    Module.Registration registration = Kamon.addReporter("jobflow-prometheus", "Jobflow's Prometheus scrape",
        reporter, Filter.fromGlob("jobflow_*"));
    JobflowMetrics.global().registerKnownSeries();
    running = new MetricsServer(endpoint, registration, host);
    log.info("Serving metrics on http://{}:{}{}", host, endpoint.port(), PATH);
    return running;
  }

  /** The port actually bound (differs from the requested one when that was 0). */
  public int port() {
    return endpoint.port();
  }

  /** Where Prometheus scrapes this server; the wildcard host is given as loopback. */
  public URI uri() {
    String h = host.equals("0.0.0.0") || host.equals("::") ? "127.0.0.1" : host;
    return URI.create("http://" + (h.contains(":") ? "[" + h + "]" : h) + ":" + port() + PATH);
  }

  @Override
  public void close() {
    synchronized (MetricsServer.class) {
      if (running != this) {
        return;
      }
      running = null;
      endpoint.stop();
      registration.cancel();
      stopKamon();
    }
  }

  private static void stopKamon() {
    try {
      Await.result(Kamon.stop(), Duration.create(10, TimeUnit.SECONDS));
    } catch (Exception e) {
      log.warn("Kamon did not stop cleanly: {}", e.toString());
    }
  }
}
