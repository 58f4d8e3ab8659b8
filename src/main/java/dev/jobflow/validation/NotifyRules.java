package dev.jobflow.validation;

import dev.jobflow.api.NotifySink;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Notification sinks: a URL the controller can POST to, events it knows, headers it may send. What a sink says is
 * stored in the journal, so nothing secret may be written into it: credentials in the URL or an Authorization
 * header are refused in favour of {@code bearerTokenSecretRef}.
 */
final class NotifyRules {
  /** More sinks than this per flow is a fan-out system's job, not a flow's. */
  static final int MAX_SINKS = 10;
  private static final Pattern HEADER_NAME = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
  private static final Pattern SECRET_NAME = Pattern.compile("[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?");
  /** Set by the notifier itself (or by the HTTP client, which refuses them). */
  private static final Set<String> RESERVED_HEADERS = Set.of("content-type", "content-length", "host", "connection",
      "expect", "upgrade", "transfer-encoding");

  private NotifyRules() {}

  static void check(List<NotifySink> sinks, String path, List<Problem> problems) {
    if (sinks == null) {
      return;
    }
    if (sinks.size() > MAX_SINKS) {
      problems.add(new Problem(path, "at most " + MAX_SINKS + " sinks, got " + sinks.size()));
    }
    for (int i = 0; i < sinks.size(); i++) {
      String at = path + "[" + i + "]";
      NotifySink sink = sinks.get(i);
      if (sink == null) {
        problems.add(new Problem(at, "a sink needs a url"));
        continue;
      }
      checkUrl(sink.getUrl(), at + ".url", problems);
      checkEvents(sink.getEvents(), at + ".events", problems);
      checkHeaders(sink.getHeaders(), at + ".headers", problems);
      var ref = sink.getBearerTokenSecretRef();
      if (ref != null) {
        if (ref.getName() == null || !SECRET_NAME.matcher(ref.getName()).matches()) {
          problems.add(new Problem(at + ".bearerTokenSecretRef.name", "name a Secret of the flow's namespace (a "
              + "DNS-1123 subdomain), got " + (ref.getName() == null ? "none" : "'" + ref.getName() + "'")));
        }
        if (ref.getKey() != null && ref.getKey().isBlank()) {
          problems.add(new Problem(at + ".bearerTokenSecretRef.key", "must not be empty (default: token)"));
        }
      }
    }
  }

  static void checkUrl(String url, String at, List<Problem> problems) {
    if (url == null || url.isBlank()) {
      problems.add(new Problem(at, "a sink needs a url (http:// or https://)"));
      return;
    }
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      problems.add(new Problem(at, "'" + url + "' is not a URL: " + e.getReason()));
      return;
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      problems.add(new Problem(at, "must be an http:// or https:// URL, got '" + url + "'"));
    } else if (uri.getHost() == null || uri.getHost().isEmpty()) {
      problems.add(new Problem(at, "names no host: '" + url + "'"));
    } else if (uri.getRawUserInfo() != null) {
      problems.add(new Problem(at, "must not carry credentials (it is stored in the journal): use "
          + "bearerTokenSecretRef"));
    } else if (uri.getRawFragment() != null) {
      problems.add(new Problem(at, "must not have a #fragment: it is never sent"));
    }
  }

  private static void checkEvents(List<String> events, String at, List<Problem> problems) {
    if (events == null) {
      return;
    }
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < events.size(); i++) {
      String event = events.get(i);
      if (!NotifySink.EVENTS.contains(event)) {
        problems.add(new Problem(at + "[" + i + "]", "unknown event '" + event + "'; known: "
            + String.join(", ", NotifySink.EVENTS)));
      } else if (!seen.add(event)) {
        problems.add(new Problem(at + "[" + i + "]", "'" + event + "' is listed twice"));
      }
    }
  }

  private static void checkHeaders(Map<String, String> headers, String at, List<Problem> problems) {
    if (headers == null) {
      return;
    }
    headers.forEach((name, value) -> {
      String lower = name == null ? "" : name.toLowerCase(Locale.ROOT);
      if (name == null || !HEADER_NAME.matcher(name).matches()) {
        problems.add(new Problem(at, "'" + name + "' is not an HTTP header name"));
      } else if (lower.equals("authorization")) {
        problems.add(new Problem(at + "." + name, "headers are stored in the journal: give the token with "
            + "bearerTokenSecretRef"));
      } else if (RESERVED_HEADERS.contains(lower) || lower.startsWith("ce-")) {
        problems.add(new Problem(at + "." + name, "set by the notifier itself"));
      } else if (value == null || value.indexOf('\n') >= 0 || value.indexOf('\r') >= 0) {
        problems.add(new Problem(at + "." + name, "needs a one-line value"));
      }
    });
  }
}
