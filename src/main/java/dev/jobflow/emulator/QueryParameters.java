package dev.jobflow.emulator;

import io.vertx.core.http.HttpServerRequest;
import java.util.Set;

/**
 * The query parameters the emulator reads, parsed as the API server parses them. The API server converts
 * query strings with Go's {@code strconv.ParseBool} and {@code strconv.ParseInt}, so a client may send
 * {@code watch=True} or {@code watch=1} (the Python client does) and must get a watch, and a value Go would
 * not parse is a 400, never silently read as the default.
 */
final class QueryParameters {
  /** Exactly the forms {@code strconv.ParseBool} accepts. */
  private static final Set<String> TRUE = Set.of("1", "t", "T", "TRUE", "true", "True");
  private static final Set<String> FALSE = Set.of("0", "f", "F", "FALSE", "false", "False");

  /** A value the API server would refuse; its message names the parameter, as the API server's does. */
  static final class Invalid extends IllegalArgumentException {
    Invalid(String message) {
      super(message);
    }
  }

  private final HttpServerRequest req;

  QueryParameters(HttpServerRequest req) {
    this.req = req;
  }

  /** {@code watch}: absent or empty is false. */
  boolean watch() {
    return bool("watch");
  }

  /** {@code allowWatchBookmarks}: read so that a bad value is refused; the emulator sends no bookmarks, which the API allows. */
  boolean allowWatchBookmarks() {
    return bool("allowWatchBookmarks");
  }

  /** {@code timeoutSeconds}, or {@code fallback} when absent or empty. */
  long timeoutSeconds(long fallback) {
    String v = req.getParam("timeoutSeconds");
    if (v == null || v.isEmpty()) {
      return fallback;
    }
    try {
      return Long.parseLong(v);
    } catch (NumberFormatException e) {
      throw new Invalid("timeoutSeconds: invalid value \"" + v + "\": must be an integer");
    }
  }

  /**
   * {@code resourceVersion} as a number, 0 when absent, empty or "0" (the API server's "any version").
   * Anything else that is not a decimal is refused as the API server refuses it.
   */
  long resourceVersion() {
    String v = req.getParam("resourceVersion");
    if (v == null || v.isEmpty()) {
      return 0;
    }
    try {
      long rv = Long.parseLong(v);
      if (rv < 0) {
        throw new NumberFormatException(v);
      }
      return rv;
    } catch (NumberFormatException e) {
      throw new Invalid("invalid resource version \"" + v + "\"");
    }
  }

  /** {@code limit}: how many objects one page of a list holds; 0 (absent, empty or not positive) is all of them. */
  long limit() {
    String v = req.getParam("limit");
    if (v == null || v.isEmpty()) {
      return 0;
    }
    try {
      return Math.max(0, Long.parseLong(v));
    } catch (NumberFormatException e) {
      throw new Invalid("limit: invalid value \"" + v + "\": must be an integer");
    }
  }

  /** {@code continue}: where the list goes on, null for its first page. */
  ListContinue continueFrom() {
    String v = req.getParam("continue");
    return v == null || v.isEmpty() ? null : ListContinue.decode(v);
  }

  /** {@code labelSelector}, null when absent. */
  String labelSelector() {
    return req.getParam("labelSelector");
  }

  /** {@code fieldSelector}, null when absent. */
  String fieldSelector() {
    return req.getParam("fieldSelector");
  }

  /** A boolean parameter by {@code strconv.ParseBool}'s rule; absent or empty is false. */
  boolean bool(String name) {
    return parseBool(name, req.getParam(name));
  }

  static boolean parseBool(String name, String value) {
    if (value == null || value.isEmpty() || FALSE.contains(value)) {
      return false;
    }
    if (TRUE.contains(value)) {
      return true;
    }
    throw new Invalid(name + ": invalid value \"" + value + "\": strconv.ParseBool: parsing \"" + value
        + "\": invalid syntax");
  }
}
