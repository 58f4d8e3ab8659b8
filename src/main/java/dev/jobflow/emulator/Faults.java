package dev.jobflow.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Fault injection: what a real API server does on a bad day, per resource and verb, so that tests can show the
 * controller survives it. Rules are added from Java ({@link Emulator#faults()}) or over HTTP ({@code POST
 * /emulator/faults} with a rule as JSON, {@code GET} lists them with their hits, {@code DELETE} clears them). The
 * first rule that matches a request and has tries left applies; each application spends one try.
 */
public final class Faults {
  /** What a rule does. */
  public enum Kind {
    /** Answer with {@code code} (500, 503, 409, 429 with {@code Retry-After}, ...) instead of serving. */
    ERROR,
    /** Serve, {@code delay} late. */
    DELAY,
    /** A watch is served, then closed after {@code delay}: the client must watch again. */
    CLOSE_WATCH,
    /** A watch that resumes from a resourceVersion is told 410 Gone ("too old"): the client must relist. */
    GONE_ON_RESUME,
    /**
     * A watch is accepted and kept open but delivers nothing: only a new watch or a relist finds the changes. With a
     * {@code delay}, it is closed after that long (as the client's own watch timeout would end it).
     */
    SILENT_WATCH
  }

  static final Set<Kind> REQUEST_KINDS = Set.of(Kind.ERROR, Kind.DELAY);
  static final Set<Kind> WATCH_KINDS = Set.of(Kind.ERROR, Kind.DELAY, Kind.CLOSE_WATCH, Kind.GONE_ON_RESUME,
      Kind.SILENT_WATCH);

  /**
   * One fault.
   *
   * @param resource the plural, with {@code /status} for the status subresource ({@code jobs}, {@code
   *     jobflows/status}); {@code *} for any
   * @param verb {@code get list watch create update patch delete}, or {@code *}
   * @param code the HTTP status of an {@link Kind#ERROR}
   * @param delay the delay of a {@link Kind#DELAY}, or how long a {@link Kind#CLOSE_WATCH} watch lives
   * @param retryAfter the {@code Retry-After} of an {@link Kind#ERROR} (429), or null
   * @param times how many requests it applies to; negative for every one until cleared
   */
  public record Rule(String resource, String verb, Kind kind, int code, Duration delay, Duration retryAfter,
                     int times) {
    public static Rule error(String resource, String verb, int code, int times) {
      return new Rule(resource, verb, Kind.ERROR, code, Duration.ZERO, null, times);
    }

    public static Rule tooManyRequests(String resource, String verb, Duration retryAfter, int times) {
      return new Rule(resource, verb, Kind.ERROR, 429, Duration.ZERO, retryAfter, times);
    }

    public static Rule delay(String resource, String verb, Duration delay, int times) {
      return new Rule(resource, verb, Kind.DELAY, 0, delay, null, times);
    }

    public static Rule closeWatch(String resource, Duration after, int times) {
      return new Rule(resource, "watch", Kind.CLOSE_WATCH, 0, after, null, times);
    }

    public static Rule goneOnResume(String resource, int times) {
      return new Rule(resource, "watch", Kind.GONE_ON_RESUME, 0, Duration.ZERO, null, times);
    }

    public static Rule silentWatch(String resource, Duration closedAfter, int times) {
      return new Rule(resource, "watch", Kind.SILENT_WATCH, 0, closedAfter, null, times);
    }

    boolean matches(Call call) {
      return (resource.equals("*") || resource.equals(call.resource())) && (verb.equals("*") || verb.equals(call.verb()));
    }

    static Rule fromJson(JsonNode j) {
      Kind kind = Kind.valueOf(j.path("kind").asText("ERROR"));
      return new Rule(j.path("resource").asText("*"), j.path("verb").asText(kind == Kind.ERROR || kind == Kind.DELAY
          ? "*" : "watch"), kind, j.path("code").asInt(500), Duration.ofMillis(j.path("delayMillis").asLong(0)),
          j.hasNonNull("retryAfterSeconds") ? Duration.ofSeconds(j.path("retryAfterSeconds").asLong()) : null,
          j.path("times").asInt(-1));
    }
  }

  /** A request as the rules see it: which resource, which verb. */
  record Call(String resource, String verb) {
    /**
     * {@code /api/v1/namespaces/ns/pods/p/status}, {@code /apis/g/v/jobflows}, ...: the plural (with
     * {@code /status} or another subresource) and the verb; null for a path that is not a resource.
     */
    static Call of(String method, String path, boolean watch) {
      String[] p = path.replaceFirst("^/", "").split("/");
      int at;
      if (p.length >= 2 && p[0].equals("api")) {
        at = 2;
      } else if (p.length >= 3 && p[0].equals("apis")) {
        at = 3;
      } else {
        return null;
      }
      if (p.length > at + 2 && p[at].equals("namespaces")) {
        at += 2; // a namespaced resource; "namespaces/x" alone is the namespace itself
      }
      if (p.length <= at) {
        return null;
      }
      String resource = p[at];
      boolean named = p.length > at + 1;
      if (p.length > at + 2) {
        resource += "/" + p[at + 2];
      }
      String verb = switch (method) {
        case "GET" -> watch ? "watch" : named ? "get" : "list";
        case "POST" -> "create";
        case "PUT" -> "update";
        case "PATCH" -> "patch";
        case "DELETE" -> "delete";
        default -> method.toLowerCase();
      };
      return new Call(resource, verb);
    }
  }

  private record Active(Rule rule, AtomicInteger left, AtomicInteger hits) {}

  private final List<Active> rules = new CopyOnWriteArrayList<>();
  private final AtomicLong requests = new AtomicLong();

  public void add(Rule rule) {
    rules.add(new Active(rule, new AtomicInteger(rule.times()), new AtomicInteger()));
  }

  public void clear() {
    rules.clear();
  }

  /** Every resource request served or refused since the emulator started (health and discovery excluded). */
  public long requests() {
    return requests.get();
  }

  /** How many requests the rules applied to so far, all rules together. */
  public int hits() {
    return rules.stream().mapToInt(a -> a.hits().get()).sum();
  }

  /** The first rule of one of {@code kinds} that matches {@code call} and has a try left, which it spends. */
  Optional<Rule> take(Call call, Set<Kind> kinds) {
    if (call == null) {
      return Optional.empty();
    }
    requests.incrementAndGet();
    for (Active a : rules) {
      if (kinds.contains(a.rule().kind()) && a.rule().matches(call)
          && a.left().getAndUpdate(n -> n > 0 ? n - 1 : n) != 0) {
        a.hits().incrementAndGet();
        return Optional.of(a.rule());
      }
    }
    return Optional.empty();
  }

  /** The rules with their hits, for {@code GET /emulator/faults}. */
  String toJson() {
    ArrayNode out = JsonNodeFactory.instance.arrayNode();
    for (Active a : rules) {
      Rule r = a.rule();
      ObjectNode o = out.addObject().put("resource", r.resource()).put("verb", r.verb()).put("kind", r.kind().name())
          .put("code", r.code()).put("delayMillis", r.delay().toMillis()).put("times", r.times())
          .put("left", a.left().get()).put("hits", a.hits().get());
      if (r.retryAfter() != null) {
        o.put("retryAfterSeconds", r.retryAfter().toSeconds());
      }
    }
    return EmulatorStore.write(JsonNodeFactory.instance.objectNode().put("requests", requests.get()).set("rules", out));
  }
}
