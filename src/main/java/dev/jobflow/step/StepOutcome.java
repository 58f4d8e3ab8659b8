package dev.jobflow.step;

import java.time.Instant;

/**
 * What a {@link StepActor} reports about its attempt, to whoever started it: that the Job exists, then exactly one
 * end. The step actor's own protocol; the flow entity adapts it into its commands.
 */
public sealed interface StepOutcome {
  String step();

  int attempt();

  /** The Job's name. */
  String job();

  /** Calls the handler's method for this outcome's type. */
  <R> R accept(Handler<R> handler);

  /** One method per outcome, so a new kind of outcome does not compile until its receivers handle it. */
  interface Handler<R> {
    R jobCreated(JobCreated created);

    R succeeded(Succeeded succeeded);

    R failed(Failed failed);
  }

  /** The attempt's Job exists: created now, or adopted (after a restart) when {@code adopted}. */
  record JobCreated(String step, int attempt, String job, String jobUid, boolean adopted) implements StepOutcome {
    @Override
    public <R> R accept(Handler<R> handler) {
      return handler.jobCreated(this);
    }
  }

  /** The attempt's Job completed. {@code at}: when the Job reported it. */
  record Succeeded(String step, int attempt, String job, String jobUid, String reason, String message, Instant at)
      implements StepOutcome {
    @Override
    public <R> R accept(Handler<R> handler) {
      return handler.succeeded(this);
    }
  }

  /** The attempt failed: its Job failed or vanished, or could not be created. */
  record Failed(String step, int attempt, String job, String jobUid, String reason, String message, Instant at)
      implements StepOutcome {
    @Override
    public <R> R accept(Handler<R> handler) {
      return handler.failed(this);
    }
  }
}
