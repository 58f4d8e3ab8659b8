package dev.jobflow.schedule;

import dev.jobflow.api.JobFlow;
import java.util.concurrent.CompletionStage;

/** All a schedule entity knows of the cluster: create its runs' flows, cancel them, delete old ones. */
public interface ScheduleRuntime {

  /** The flow exists now: created by this call, or {@code adopted} because it already existed and is this run's. */
  record Created(String uid, boolean adopted) {}

  /** The flow cannot be created, and retrying will not help (refused by admission, or the name is someone else's). */
  final class FlowRefusedException extends RuntimeException {
    private final String reason;

    public FlowRefusedException(String reason, String message) {
      super(message);
      this.reason = reason;
    }

    public String reason() {
      return reason;
    }
  }

  /**
   * Creates the run's flow unless a flow of that name exists; adopts it when it carries this schedule's uid label.
   * Fails with {@link FlowRefusedException} when it never can succeed, with anything else when it may later.
   */
  CompletionStage<Created> createIfAbsent(JobFlow flow);

  /** Cancels the run ({@code spec.shutdown: Terminate}); a flow already gone is fine. */
  CompletionStage<Void> terminate(String namespace, String name, String uid);

  /** Deletes a finished run (history limits); its journal stays. A flow already gone is fine. */
  CompletionStage<Void> delete(String namespace, String name, String uid);
}
