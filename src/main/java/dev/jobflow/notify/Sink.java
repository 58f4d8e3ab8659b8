package dev.jobflow.notify;

import dev.jobflow.flow.SinkDefinition;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Where one notification goes: a flow's sink (its bearer token in a Secret of the flow's namespace) or one of the
 * controller's defaults (its token in a file, e.g. a mounted Secret).
 *
 * @param events the event names it wants; empty: all
 * @param tokenSecret the Secret holding the bearer token, null for none
 * @param tokenFile the file holding the bearer token, null for none
 */
public record Sink(URI url, List<String> events, Map<String, String> headers, SecretRef tokenSecret, Path tokenFile) {
  /** A key of a Secret. */
  public record SecretRef(String namespace, String name, String key) {}

  public Sink {
    events = events == null ? List.of() : List.copyOf(events);
    headers = headers == null ? Map.of() : Map.copyOf(headers);
  }

  /** A flow's sink, its Secret looked up in the flow's namespace. */
  public static Sink of(SinkDefinition sink, String namespace) {
    return new Sink(URI.create(sink.url()), sink.events(), sink.headers(),
        sink.tokenSecret() == null ? null : new SecretRef(namespace, sink.tokenSecret(), sink.tokenKey()), null);
  }

  public boolean wants(String event) {
    return events.isEmpty() || events.contains(event);
  }

  /** For logs and errors: where, never how it authenticates. */
  @Override
  public String toString() {
    return url.toString();
  }
}
