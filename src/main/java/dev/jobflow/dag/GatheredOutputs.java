package dev.jobflow.dag;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.IntFunction;

/**
 * A fan-out step's outputs, gathered from its instances for the steps after it ({@code steps.shard.outputs.KEY}):
 * for every key any instance wrote, a JSON list with one element per instance, in instance order, the instance's
 * value or {@code null} when it wrote none (it failed, was skipped, or wrote other keys). Position {@code k} is
 * instance {@code k}, the one whose {@code index} is {@code k}.
 */
public final class GatheredOutputs {
  private GatheredOutputs() {}

  /** The gathered outputs of {@code size} instances, {@code outputsOf(k)} being instance k's (null for none). */
  public static Map<String, String> of(int size, IntFunction<Map<String, String>> outputsOf) {
    TreeSet<String> keys = new TreeSet<>();
    for (int k = 0; k < size; k++) {
      Map<String, String> o = outputsOf.apply(k);
      if (o != null) {
        keys.addAll(o.keySet());
      }
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (String key : keys) {
      List<String> values = new ArrayList<>(size);
      for (int k = 0; k < size; k++) {
        Map<String, String> o = outputsOf.apply(k);
        values.add(o == null ? null : o.get(key));
      }
      out.put(key, Json.stringList(values));
    }
    return out;
  }
}
