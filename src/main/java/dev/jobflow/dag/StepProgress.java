package dev.jobflow.dag;

import dev.jobflow.api.StepPhase;
import java.time.Instant;

/**
 * Where one step stands: the row a snapshot stores and observers read. Immutable.
 *
 * @param attempts number of the latest attempt started (0: never started)
 * @param startedAt start of the first attempt
 * @param attemptStartedAt start of the latest attempt
 * @param nextAttemptAt when the next attempt starts, while Retrying
 * @param jobUid uid of the latest attempt's Job once known
 */
public record StepProgress(String name, StepPhase phase, int attempts, Instant startedAt, Instant attemptStartedAt,
                           Instant finishedAt, Instant nextAttemptAt, String reason, String message, String jobUid) {}
