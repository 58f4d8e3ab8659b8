package dev.jobflow.emulator;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.util.concurrent.CompletableFuture;

/** What runs one attempt (one Pod) of a Job for the {@link JobRunner}. */
interface JobExecutor extends AutoCloseable {

  /**
   * How an attempt ended. {@code terminationMessage}: what its container wrote to its termination message (the
   * step's outputs), null for none.
   */
  record Outcome(Kind kind, int exitCode, String reason, String message, String terminationMessage) {
    Outcome(Kind kind, int exitCode, String reason, String message) {
      this(kind, exitCode, reason, message, null);
    }

    Outcome withTerminationMessage(String text) {
      return new Outcome(kind, exitCode, reason, message, text);
    }

    enum Kind {
      /** The Pod succeeded: the Job is complete. */
      SUCCEEDED,
      /** The Pod failed: the Job retries it within its backoffLimit. */
      POD_FAILED,
      /** The Job as a whole failed with {@code reason} (the simulator decides this directly). */
      JOB_FAILED
    }

    static Outcome succeeded() {
      return new Outcome(Kind.SUCCEEDED, 0, "Completed", null);
    }

    static Outcome podFailed(int exitCode, String message) {
      return new Outcome(Kind.POD_FAILED, exitCode, "Error", message);
    }

    static Outcome jobFailed(String reason, String message) {
      return new Outcome(Kind.JOB_FAILED, 1, reason, message);
    }
  }

  /** A running attempt. */
  interface Attempt {
    CompletableFuture<Outcome> outcome();

    /** Stops it (deadline, Job deleted); its outcome is then ignored. */
    void kill();

    /** An attempt ending with {@code outcome}, stopped by {@code kill}. */
    static Attempt of(CompletableFuture<Outcome> outcome, Runnable kill) {
      return new Attempt() {
        @Override
        public CompletableFuture<Outcome> outcome() {
          return outcome;
        }

        @Override
        public void kill() {
          kill.run();
        }
      };
    }
  }

  /** Starts attempt {@code podIndex} (0-based) of {@code job}, running as Pod {@code podName}. */
  Attempt start(Job job, int podIndex, String podName);

  @Override
  default void close() {}
}
