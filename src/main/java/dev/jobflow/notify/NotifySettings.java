package dev.jobflow.notify;

import com.typesafe.config.Config;
import dev.jobflow.api.NotifySink;
import dev.jobflow.validation.JobFlowValidator;
import dev.jobflow.validation.Problem;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * How notifications are delivered ({@code jobflow.notify}).
 *
 * @param enabled off: no notifier runs (no stream, no offset table reads)
 * @param defaults sinks every flow's notifications go to, besides the flow's own
 * @param minBackoff the wait after a delivery's first failure; doubled after each one
 * @param maxBackoff the longest wait between two attempts
 * @param requestTimeout how long one POST may take
 * @param giveUpAfter a notification that still fails after this long is dropped (counted, logged) so the ones behind
 *     it move on; zero: never, it is retried until delivered
 */
public record NotifySettings(boolean enabled, List<Sink> defaults, Duration minBackoff, Duration maxBackoff,
                             Duration requestTimeout, Duration giveUpAfter) {
  public NotifySettings {
    defaults = defaults == null ? List.of() : List.copyOf(defaults);
    if (minBackoff.isNegative() || minBackoff.isZero() || maxBackoff.compareTo(minBackoff) < 0) {
      throw new IllegalArgumentException("jobflow.notify: min-backoff must be positive and at most max-backoff, got "
          + minBackoff + " and " + maxBackoff);
    }
  }

  /** On, no default sinks, 1 s to 1 min backoff, 10 s per request, never giving up. */
  public static NotifySettings defaultSettings() {
    return new NotifySettings(true, List.of(), Duration.ofSeconds(1), Duration.ofMinutes(1), Duration.ofSeconds(10),
        Duration.ZERO);
  }

  public NotifySettings withBackoff(Duration min, Duration max) {
    return new NotifySettings(enabled, defaults, min, max, requestTimeout, giveUpAfter);
  }

  public NotifySettings withDefaults(List<Sink> sinks) {
    return new NotifySettings(enabled, sinks, minBackoff, maxBackoff, requestTimeout, giveUpAfter);
  }

  /**
   * Reads {@code jobflow.notify}; its {@code sinks} obey the rules of a flow's {@code spec.notify}.
   *
   * @throws IllegalArgumentException naming the setting when a sink is unusable
   */
  public static NotifySettings fromConfig(Config config) {
    Config c = config.getConfig("jobflow.notify");
    List<NotifySink> specs = new ArrayList<>();
    List<Path> tokenFiles = new ArrayList<>();
    for (Config s : c.getConfigList("sinks")) {
      NotifySink sink = new NotifySink(s.hasPath("url") ? s.getString("url") : null);
      if (s.hasPath("events")) {
        sink.setEvents(s.getStringList("events"));
      }
      if (s.hasPath("headers")) {
        Map<String, String> headers = new HashMap<>();
        s.getConfig("headers").root().unwrapped().forEach((k, v) -> headers.put(k, String.valueOf(v)));
        sink.setHeaders(headers);
      }
      specs.add(sink);
      tokenFiles.add(s.hasPath("bearer-token-file") ? Path.of(s.getString("bearer-token-file")) : null);
    }
    List<Problem> problems = new JobFlowValidator().validateSinks(specs, "jobflow.notify.sinks");
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(problems.get(0).toString());
    }
    List<Sink> sinks = new ArrayList<>();
    for (int i = 0; i < specs.size(); i++) {
      NotifySink s = specs.get(i);
      sinks.add(new Sink(URI.create(s.getUrl()), s.getEvents(), s.getHeaders(), null, tokenFiles.get(i)));
    }
    return new NotifySettings(c.getBoolean("enabled"), sinks, c.getDuration("min-backoff"),
        c.getDuration("max-backoff"), c.getDuration("request-timeout"), c.getDuration("give-up-after"));
  }

  /** The wait before attempt {@code attempt + 1} after {@code attempt} failed ones: doubling, capped. */
  public Duration backoff(int attempt) {
    Duration d = minBackoff;
    for (int i = 1; i < attempt && d.compareTo(maxBackoff) < 0; i++) {
      d = d.multipliedBy(2);
    }
    return d.compareTo(maxBackoff) > 0 ? maxBackoff : d;
  }
}
