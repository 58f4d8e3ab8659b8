package dev.jobflow.api;

import java.util.List;
import java.util.stream.Collectors;

/**
 * The one rule for a started flow's spec: only these fields may still change (pausing, throttling and ending it).
 * The admission webhook refuses other changes; the engine records any that reach it as ignored.
 */
public final class MutableSpecFields {
  /** The fields of {@link JobFlowSpec}, by their JSON names. */
  public static final List<String> NAMES = List.of("suspend", "parallelism", "shutdown");

  private MutableSpecFields() {}

  /** The fields as a user reads them in a message: {@code spec.suspend, spec.parallelism and spec.shutdown}. */
  public static String paths() {
    List<String> paths = NAMES.stream().map(n -> "spec." + n).toList();
    return paths.subList(0, paths.size() - 1).stream().collect(Collectors.joining(", "))
        + " and " + paths.get(paths.size() - 1);
  }

  /** Whether a field path ({@code spec.parallelism}, {@code spec.steps[0].name}) lies in a field that may change. */
  public static boolean contains(String path) {
    for (String field : NAMES) {
      String prefix = "spec." + field;
      if (path.equals(prefix) || path.startsWith(prefix + ".") || path.startsWith(prefix + "[")) {
        return true;
      }
    }
    return false;
  }
}
