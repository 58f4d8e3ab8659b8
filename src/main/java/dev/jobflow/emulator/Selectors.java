package dev.jobflow.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Label selectors ({@code a=b, a!=b, a in (x,y), a notin (x), a, !a}) and field selectors
 * ({@code involvedObject.name=x, metadata.name!=y}) evaluated on an object's JSON, as the API
 * server does. fabric8's emulator understands only equality and existence, and no field but the name.
 */
final class Selectors {
  private Selectors() {}

  /** What a blank selector selects: everything. */
  static final Predicate<JsonNode> ANY = o -> true;

  /** A predicate for {@code labelSelector}; {@code null} or blank selects everything. */
  static Predicate<JsonNode> labels(String selector) {
    if (selector == null || selector.isBlank()) {
      return ANY;
    }
    List<Predicate<JsonNode>> requirements = new ArrayList<>();
    for (String req : splitTopLevel(selector)) {
      requirements.add(labelRequirement(req.trim()));
    }
    return o -> requirements.stream().allMatch(r -> r.test(o));
  }

  /** A predicate for {@code fieldSelector}; {@code null} or blank selects everything. */
  static Predicate<JsonNode> fields(String selector) {
    if (selector == null || selector.isBlank()) {
      return ANY;
    }
    List<Predicate<JsonNode>> requirements = new ArrayList<>();
    for (String req : selector.split(",")) {
      String r = req.trim();
      boolean negate = r.contains("!=");
      String[] kv = negate ? r.split("!=", 2) : r.split("==?", 2);
      if (kv.length != 2) {
        throw new IllegalArgumentException("invalid field selector requirement: " + r);
      }
      String[] path = kv[0].trim().split("\\.");
      String want = kv[1].trim();
      requirements.add(o -> {
        JsonNode n = o;
        for (String p : path) {
          n = n.path(p);
        }
        String have = n.isMissingNode() || n.isNull() ? "" : n.asText();
        return negate != have.equals(want);
      });
    }
    return o -> requirements.stream().allMatch(r -> r.test(o));
  }

  private static Predicate<JsonNode> labelRequirement(String req) {
    String lower = req.toLowerCase();
    int notin = lower.indexOf(" notin ");
    int in = lower.indexOf(" in ");
    if (notin > 0 || in > 0) {
      boolean negate = notin > 0;
      int at = negate ? notin : in;
      String key = req.substring(0, at).trim();
      String set = req.substring(at + (negate ? 7 : 4)).trim();
      if (!set.startsWith("(") || !set.endsWith(")")) {
        throw new IllegalArgumentException("invalid label selector requirement: " + req);
      }
      Set<String> values = Set.of(set.substring(1, set.length() - 1).trim().split("\\s*,\\s*"));
      return o -> {
        JsonNode v = label(o, key);
        boolean member = v != null && values.contains(v.asText());
        return negate ? !member : member;
      };
    }
    if (req.contains("!=")) {
      String[] kv = req.split("!=", 2);
      return o -> {
        JsonNode v = label(o, kv[0].trim());
        return v == null || !v.asText().equals(kv[1].trim());
      };
    }
    if (req.contains("=")) {
      String[] kv = req.split("==?", 2);
      return o -> {
        JsonNode v = label(o, kv[0].trim());
        return v != null && v.asText().equals(kv[1].trim());
      };
    }
    if (req.startsWith("!")) {
      String key = req.substring(1).trim();
      return o -> label(o, key) == null;
    }
    return o -> label(o, req) != null;
  }

  private static JsonNode label(JsonNode o, String key) {
    JsonNode v = o.path("metadata").path("labels").get(key);
    return v == null || v.isNull() ? null : v;
  }

  /** Splits on commas outside parentheses: {@code a in (x,y),b} is two requirements. */
  private static List<String> splitTopLevel(String s) {
    List<String> parts = new ArrayList<>();
    int depth = 0;
    int start = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '(') {
        depth++;
      } else if (c == ')') {
        depth--;
      } else if (c == ',' && depth == 0) {
        parts.add(s.substring(start, i));
        start = i + 1;
      }
    }
    parts.add(s.substring(start));
    return parts;
  }
}
