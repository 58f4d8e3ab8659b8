package dev.jobflow.admission;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jobflow.api.MutableSpecFields;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Where two JobFlow specs differ, as field paths a user recognises ({@code spec.steps[1].template.
 * backoffLimit}), skipping the fields that may change while a flow runs.
 */
public final class SpecChanges {
  private SpecChanges() {}

  /** Paths of every difference between {@code before} and {@code after} outside the {@link MutableSpecFields}. */
  public static List<String> immutableChanges(JsonNode before, JsonNode after) {
    return changes(before, after, Set.copyOf(MutableSpecFields.NAMES));
  }

  /** True when the specs mean the same, mutable fields included. */
  public static boolean same(JsonNode before, JsonNode after) {
    return changes(before, after, Set.of()).isEmpty();
  }

  private static List<String> changes(JsonNode before, JsonNode after, Set<String> skipped) {
    List<String> paths = new ArrayList<>();
    if (before == null || after == null || !before.isObject() || !after.isObject()) {
      if (!sameValue(before, after)) {
        paths.add("spec");
      }
      return paths;
    }
    Set<String> fields = new TreeSet<>();
    before.fieldNames().forEachRemaining(fields::add);
    after.fieldNames().forEachRemaining(fields::add);
    for (String field : fields) {
      if (!skipped.contains(field)) {
        diff(before.get(field), after.get(field), "spec." + field, paths);
      }
    }
    return paths;
  }

  private static void diff(JsonNode a, JsonNode b, String path, List<String> out) {
    if (sameValue(a, b)) {
      return;
    }
    if (a != null && b != null && a.isObject() && b.isObject()) {
      Set<String> fields = new TreeSet<>();
      a.fieldNames().forEachRemaining(fields::add);
      b.fieldNames().forEachRemaining(fields::add);
      for (String field : fields) {
        diff(a.get(field), b.get(field), path + "." + field, out);
      }
    } else if (a != null && b != null && a.isArray() && b.isArray() && a.size() == b.size()) {
      Iterator<JsonNode> left = a.elements();
      Iterator<JsonNode> right = b.elements();
      for (int i = 0; left.hasNext(); i++) {
        diff(left.next(), right.next(), path + "[" + i + "]", out);
      }
    } else {
      out.add(path);
    }
  }

  /** Absent and null are the same: the API server drops nulls when it stores an object. */
  private static boolean sameValue(JsonNode a, JsonNode b) {
    boolean aUnset = a == null || a.isNull();
    boolean bUnset = b == null || b.isNull();
    if (aUnset || bUnset) {
      return aUnset && bUnset;
    }
    return a.equals(NUMBERS_BY_VALUE, b);
  }

  /** 86400 and 86400.0, or an int and a long node of one value, are the same setting. */
  private static final Comparator<JsonNode> NUMBERS_BY_VALUE = (x, y) -> {
    if (x.isNumber() && y.isNumber()) {
      return x.decimalValue().compareTo(y.decimalValue());
    }
    return x.equals(y) ? 0 : 1;
  };
}
