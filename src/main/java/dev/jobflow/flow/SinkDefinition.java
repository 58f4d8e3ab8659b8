package dev.jobflow.flow;

import dev.jobflow.api.NotifySink;
import java.util.List;
import java.util.Map;

/**
 * A notification endpoint of a flow, as recorded with its definition: the journal alone says where a flow's events
 * were to go, also for a notifier that starts reading after the flow did.
 *
 * @param events the event names wanted ({@link NotifySink#EVENTS}); empty: all
 * @param tokenSecret the Secret in the flow's namespace holding the bearer token, null for none (the token itself is
 *     never recorded)
 * @param tokenKey the key of that Secret's data
 */
public record SinkDefinition(String url, List<String> events, Map<String, String> headers, String tokenSecret,
                             String tokenKey) implements JsonSerializable {
  /** The key a bearer token Secret is read at when the sink names none. */
  public static final String DEFAULT_TOKEN_KEY = "token";

  public SinkDefinition {
    events = events == null ? List.of() : List.copyOf(events);
    headers = headers == null || headers.isEmpty() ? Map.of()
        : java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(headers));
    if (tokenSecret != null && tokenKey == null) {
      tokenKey = DEFAULT_TOKEN_KEY;
    }
  }

  static SinkDefinition from(NotifySink sink) {
    var ref = sink.getBearerTokenSecretRef();
    return new SinkDefinition(sink.getUrl(), sink.getEvents(), sink.getHeaders(), ref == null ? null : ref.getName(),
        ref == null ? null : ref.getKey());
  }

  /** True when the sink wants events of that name. */
  public boolean wants(String event) {
    return events.isEmpty() || events.contains(event);
  }
}
