package dev.jobflow.flow;

import dev.jobflow.api.StepPhase;
import java.time.Instant;
import java.util.Map;

/**
 * One step's status for observers (the status subresource, metrics, the CLI). Immutable.
 *
 * @param job the latest attempt's Job name, null before the first attempt
 * @param outputs what its Job wrote, when the flow reads them; else null
 * @param exitCode of its last container run, when the flow reads it; else null
 * @param waitingForApproval true for an approval step waiting for a decision
 */
public record StepView(String name, boolean isFinally, StepPhase phase, int attempts, String job, String jobUid,
                       Instant startedAt, Instant finishedAt, Instant nextAttemptAt, String reason, String message,
                       Map<String, String> outputs, Integer exitCode, boolean waitingForApproval)
    implements JsonSerializable {

  /** A step's status, not waiting for an approval. */
  public StepView(String name, boolean isFinally, StepPhase phase, int attempts, String job, String jobUid,
                  Instant startedAt, Instant finishedAt, Instant nextAttemptAt, String reason, String message,
                  Map<String, String> outputs, Integer exitCode) {
    this(name, isFinally, phase, attempts, job, jobUid, startedAt, finishedAt, nextAttemptAt, reason, message, outputs,
        exitCode, false);
  }

  /** A step's status without outputs or exit code. */
  public StepView(String name, boolean isFinally, StepPhase phase, int attempts, String job, String jobUid,
                  Instant startedAt, Instant finishedAt, Instant nextAttemptAt, String reason, String message) {
    this(name, isFinally, phase, attempts, job, jobUid, startedAt, finishedAt, nextAttemptAt, reason, message, null,
        null);
  }
}
