package dev.jobflow.step;

import java.time.Instant;
import java.util.Map;

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

  /**
   * The attempt's Job completed. {@code at}: when the Job reported it. {@code outputs}: what its containers wrote, when
   * the attempt was to read them, else null.
   */
  record Succeeded(String step, int attempt, String job, String jobUid, String reason, String message, Instant at,
                   Map<String, String> outputs) implements StepOutcome {
    @Override
    public <R> R accept(Handler<R> handler) {
      return handler.succeeded(this);
    }
  }

  /**
   * The attempt failed: its Job failed or vanished, could not be created, or wrote bad outputs. {@code exitCode}: of
   * the failed container, when the attempt was to read it and could; else null.
   */
  record Failed(String step, int attempt, String job, String jobUid, String reason, String message, Instant at,
                Integer exitCode) implements StepOutcome {
    @Override
    public <R> R accept(Handler<R> handler) {
      return handler.failed(this);
    }
  }
}
