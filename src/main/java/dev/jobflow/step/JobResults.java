package dev.jobflow.step;

import java.util.Map;

/**
 * What a finished Job's pods tell beyond its conditions: the outputs its containers wrote to their termination
 * messages, and the exit code of the container that ended the attempt.
 *
 * @param outputs a JSON object of strings from the termination messages; empty when none was written
 * @param exitCode of the failed container (0 for a success), null when no pod could be read
 * @param problem why the outputs cannot be used (not a JSON object of strings, over 4 KiB), null when they can:
 *     the attempt then fails with reason {@code BadOutputs}
 */
public record JobResults(Map<String, String> outputs, Integer exitCode, String problem) {
  public static final JobResults NONE = new JobResults(Map.of(), null, null);

  public JobResults {
    outputs = outputs == null ? Map.of() : Map.copyOf(outputs);
  }

  public static JobResults bad(String problem) {
    return new JobResults(Map.of(), 0, problem);
  }
}
