package dev.jobflow.flow;

import dev.jobflow.api.StepPhase;
import java.time.Instant;

/**
 * One step's status for observers (the status subresource, metrics, the CLI). Immutable.
 *
 * @param job the latest attempt's Job name, null before the first attempt
 */
public record StepView(String name, boolean isFinally, StepPhase phase, int attempts, String job, String jobUid,
                       Instant startedAt, Instant finishedAt, Instant nextAttemptAt, String reason, String message)
    implements JsonSerializable {}
