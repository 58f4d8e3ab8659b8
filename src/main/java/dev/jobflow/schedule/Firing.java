package dev.jobflow.schedule;

import java.time.Instant;
import java.util.List;

/** What {@link FiringRules} decides for a schedule now: one of these, then it is asked again. */
public sealed interface Firing {

  /** Nothing is due; ask again at {@code nextAt} (null: not until the spec changes, e.g. while suspended). */
  record Wait(Instant nextAt) implements Firing {}

  /**
   * Start the run of {@code scheduledTime}. {@code missed} earlier times since the last handled one are not run (at
   * most one missed run starts: the most recent); {@code replacing} are the active runs to cancel first (Replace).
   */
  record Fire(Instant scheduledTime, int missed, List<String> replacing) implements Firing {
    public Fire {
      replacing = List.copyOf(replacing);
    }
  }

  /** The run of {@code scheduledTime} is not started because runs are still active (Forbid). */
  record Skip(Instant scheduledTime, String reason, String message) implements Firing {}

  /** {@code count} runs up to {@code latest} can no longer start within the starting deadline. */
  record Miss(Instant latest, int count, String message) implements Firing {}
}
