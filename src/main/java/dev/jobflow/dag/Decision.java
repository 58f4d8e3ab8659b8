package dev.jobflow.dag;

import dev.jobflow.api.FlowPhase;
import java.time.Instant;
import java.util.List;

/**
 * What happens next in a flow, decided by {@link Scheduler#decide} from its state and the time. The
 * engine records each part as an event before acting on it. At most one kind of change is decided at a
 * time (in the order of the fields); the engine decides again after recording it.
 *
 * @param flowTimedOut the flow's deadline has passed
 * @param failures attempts that failed (step timeouts), each with its retry time or final
 * @param cancellations running attempts to terminate (shutdown Terminate, flow timeout)
 * @param skips steps that will never run
 * @param abandons steps waiting for a retry that will not come: they fail for good
 * @param starts attempts to start now
 * @param outcome how the flow ends, when it does
 * @param wakeAt the earliest future time at which the decision may change by itself (retry, deadline), or null
 */
public record Decision(boolean flowTimedOut, List<AttemptFailure> failures, List<Cancellation> cancellations,
                       List<Skip> skips, List<Abandon> abandons, List<Start> starts, Outcome outcome,
                       Instant wakeAt) {

  /** Start attempt {@code attempt} (1-based) of the step. */
  public record Start(int step, int attempt) {}

  /** A failed attempt: retried at {@code retryAt}, or the step fails for good when it is null. */
  public record AttemptFailure(int step, int attempt, String reason, String message, Instant retryAt) {
    public boolean retried() {
      return retryAt != null;
    }
  }

  public record Cancellation(int step, int attempt, String reason, String message) {}

  public record Skip(int step, String reason, String message) {}

  public record Abandon(int step, int attempt, String reason, String message) {}

  public record Outcome(FlowPhase phase, String reason, String message) {}

  static Decision nothing(Instant wakeAt) {
    return new Decision(false, List.of(), List.of(), List.of(), List.of(), List.of(), null, wakeAt);
  }

  /** True when there is nothing to record now (there may still be a {@link #wakeAt}). */
  public boolean isEmpty() {
    return !flowTimedOut && failures.isEmpty() && cancellations.isEmpty() && skips.isEmpty() && abandons.isEmpty()
        && starts.isEmpty() && outcome == null;
  }
}
