package dev.jobflow.admission;

import com.typesafe.config.Config;
import dev.jobflow.http.HttpFront;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Where and how the webhook listens ({@code jobflow.webhook} in application.conf).
 *
 * @param maxRequestBytes larger bodies are answered 413
 * @param requestTimeout a body not received in full by then is answered 408
 * @param shutdownDeadline how long requests in flight may finish after SIGTERM
 * @param connections how long a connection may take to send a request's headers, and stay idle
 */
public record AdmissionSettings(String iface, int port, Path certFile, Path keyFile, long maxRequestBytes,
    Duration requestTimeout, Duration shutdownDeadline, HttpFront.ConnectionLimits connections) {

  /** Defaults: headers within 10 s of connecting, the next request's within 60 s. */
  public static final HttpFront.ConnectionLimits DEFAULT_CONNECTIONS =
      new HttpFront.ConnectionLimits(Duration.ofSeconds(10), Duration.ofSeconds(60));

  public AdmissionSettings(String iface, int port, Path certFile, Path keyFile, long maxRequestBytes,
      Duration requestTimeout, Duration shutdownDeadline) {
    this(iface, port, certFile, keyFile, maxRequestBytes, requestTimeout, shutdownDeadline, DEFAULT_CONNECTIONS);
  }

  /** The API server caps what it sends at 3 MiB (etcd's object limit). */
  public static final long DEFAULT_MAX_REQUEST_BYTES = 3L * 1024 * 1024;

  public static AdmissionSettings fromConfig(Config config) {
    Config c = config.getConfig("jobflow.webhook");
    return new AdmissionSettings(c.getString("interface"), c.getInt("port"), Path.of(c.getString("tls-cert")),
        Path.of(c.getString("tls-key")), c.getBytes("max-request-bytes"), c.getDuration("request-timeout"),
        c.getDuration("shutdown-deadline"),
        new HttpFront.ConnectionLimits(c.getDuration("header-timeout"), c.getDuration("idle-timeout")));
  }

  /** Defaults for everything but the address and the certificate. */
  public static AdmissionSettings of(String iface, int port, Path certFile, Path keyFile) {
    return new AdmissionSettings(iface, port, certFile, keyFile, DEFAULT_MAX_REQUEST_BYTES, Duration.ofSeconds(10),
        Duration.ofSeconds(10));
  }

  public AdmissionSettings withPort(int newPort) {
    return new AdmissionSettings(iface, newPort, certFile, keyFile, maxRequestBytes, requestTimeout, shutdownDeadline,
        connections);
  }

  public AdmissionSettings withInterface(String newIface) {
    return new AdmissionSettings(newIface, port, certFile, keyFile, maxRequestBytes, requestTimeout, shutdownDeadline,
        connections);
  }

  public AdmissionSettings withTls(Path newCertFile, Path newKeyFile) {
    return new AdmissionSettings(iface, port, newCertFile, newKeyFile, maxRequestBytes, requestTimeout,
        shutdownDeadline, connections);
  }
}
