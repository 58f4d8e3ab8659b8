package dev.jobflow.trigger;

import com.typesafe.config.Config;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Where the trigger endpoint listens ({@code jobflow.trigger} in application.conf): HTTPS only, its own port and
 * certificate, so a NetworkPolicy can open it to Alertmanager without opening the admission webhooks.
 *
 * @param maxRequestBytes larger bodies are answered 413
 * @param requestTimeout a body not received in full by then is answered 408; also how long a firing may wait for
 *     its entity
 */
public record TriggerSettings(String iface, int port, Path certFile, Path keyFile, long maxRequestBytes,
                              Duration requestTimeout, Duration shutdownDeadline) {
  public static final long DEFAULT_MAX_REQUEST_BYTES = 1024 * 1024;

  public static TriggerSettings fromConfig(Config config) {
    Config c = config.getConfig("jobflow.trigger");
    return new TriggerSettings(c.getString("interface"), c.getInt("port"), Path.of(c.getString("tls-cert")),
        Path.of(c.getString("tls-key")), c.getBytes("max-request-bytes"), c.getDuration("request-timeout"),
        c.getDuration("shutdown-deadline"));
  }

  /** Defaults for everything but the address and the certificate. */
  public static TriggerSettings of(String iface, int port, Path certFile, Path keyFile) {
    return new TriggerSettings(iface, port, certFile, keyFile, DEFAULT_MAX_REQUEST_BYTES, Duration.ofSeconds(10),
        Duration.ofSeconds(10));
  }

  public TriggerSettings withMaxRequestBytes(long bytes) {
    return new TriggerSettings(iface, port, certFile, keyFile, bytes, requestTimeout, shutdownDeadline);
  }
}
