package dev.jobflow.dag;

import dev.jobflow.api.StepPhase;
import java.time.Instant;
import java.util.Map;

/**
 * Where one step stands: the row a snapshot stores and observers read. Immutable.
 *
 * @param attempts number of the latest attempt started (0: never started)
 * @param startedAt start of the first attempt
 * @param attemptStartedAt start of the latest attempt
 * @param nextAttemptAt when the next attempt starts, while Retrying
 * @param jobUid uid of the latest attempt's Job once known
 * @param outputs what its Job wrote to its termination message; null when not read (and in snapshots written
 *     before outputs existed)
 * @param exitCode exit code of its last container run, null when not known
 * @param conditionMet true once its condition was evaluated true while it waits to start; null otherwise
 * @param retryBase attempts of rounds before the flow's latest retry (its retry budget counts from there); null when
 *     none (and in snapshots written before retries existed)
 */
public record StepProgress(String name, StepPhase phase, int attempts, Instant startedAt, Instant attemptStartedAt,
                           Instant finishedAt, Instant nextAttemptAt, String reason, String message, String jobUid,
                           Map<String, String> outputs, Integer exitCode, Boolean conditionMet, Integer retryBase) {

  /** A row as written before retries of whole flows existed. */
  public StepProgress(String name, StepPhase phase, int attempts, Instant startedAt, Instant attemptStartedAt,
                      Instant finishedAt, Instant nextAttemptAt, String reason, String message, String jobUid,
                      Map<String, String> outputs, Integer exitCode, Boolean conditionMet) {
    this(name, phase, attempts, startedAt, attemptStartedAt, finishedAt, nextAttemptAt, reason, message, jobUid,
        outputs, exitCode, conditionMet, null);
  }

  /** A row as written before outputs and conditions existed. */
  public StepProgress(String name, StepPhase phase, int attempts, Instant startedAt, Instant attemptStartedAt,
                      Instant finishedAt, Instant nextAttemptAt, String reason, String message, String jobUid) {
    this(name, phase, attempts, startedAt, attemptStartedAt, finishedAt, nextAttemptAt, reason, message, jobUid, null,
        null, null);
  }
}
