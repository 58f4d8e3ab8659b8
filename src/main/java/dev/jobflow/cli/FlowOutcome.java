package dev.jobflow.cli;

import dev.jobflow.api.FlowPhase;
import dev.jobflow.api.JobFlow;
import dev.jobflow.client.FlowStates;
import java.time.Duration;
import java.time.Instant;

/** Where a followed flow stands: whether it has ended, how, and the exit code that tells scripts. */
record FlowOutcome(JobFlow flow, FlowPhase phase, boolean deleted) {

  static FlowOutcome of(FlowWatch.Seen seen) {
    return new FlowOutcome(seen.flow(), FlowStates.phase(seen.flow()), seen.deleted());
  }

  /** Finished, or gone: nothing more will happen to it. */
  boolean isFinal() {
    return deleted || phase.isFinished();
  }

  /** 0 Succeeded; 1 Failed, Cancelled or deleted. */
  int exitCode() {
    return !deleted && phase == FlowPhase.Succeeded ? ExitCodes.OK : ExitCodes.INVALID;
  }

  String describe(Instant now) {
    String ref = FlowStates.ref(flow);
    var status = flow.getStatus();
    String message = status == null || status.getMessage() == null || status.getMessage().isBlank()
        ? "" : ": " + status.getMessage();
    if (deleted) {
      return ref + " was deleted (last seen " + phase + ")";
    }
    Instant started = status == null ? null : StepRow.time(status.getStartedAt());
    Instant finished = status == null ? null : StepRow.time(status.getFinishedAt());
    String took = started == null ? "" : " in " + Durations.human(Duration.between(started, finished != null ? finished : now));
    if (phase.isFinished()) {
      return ref + " " + phase + took + message;
    }
    String progress = status == null || status.getProgress() == null ? "" : " (" + status.getProgress() + ")";
    return ref + " is still " + phase + progress;
  }
}
