package dev.jobflow.controller;

/**
 * How large the process-level soaks run. {@code mvn -B verify} runs their light form, which shows the same properties
 * on fewer flows and kills; {@code -Djobflow.it.full=true} (or {@code JOBFLOW_IT_FULL=true}) runs the full form the
 * issues ask for (ReplicasIT: 100 flows; ChaosIT: 100 flows, 10 kills), e.g. before a release or after touching the
 * cluster or the journal.
 */
final class ItScale {
  private ItScale() {}

  static boolean full() {
    return Boolean.parseBoolean(System.getProperty("jobflow.it.full", System.getenv().getOrDefault("JOBFLOW_IT_FULL",
        "false")));
  }

  /** {@code light} in the suite, {@code full} when the full form is selected. */
  static int pick(int light, int full) {
    return full() ? full : light;
  }
}
