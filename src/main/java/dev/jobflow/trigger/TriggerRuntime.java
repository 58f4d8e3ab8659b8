package dev.jobflow.trigger;

import dev.jobflow.api.JobFlow;
import java.util.concurrent.CompletionStage;

/** All a trigger entity knows of the cluster: create the flow of an accepted firing. */
public interface TriggerRuntime {

  /** The flow exists now: created by this call, or {@code adopted} because it already existed and is this trigger's. */
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
   * Creates the flow unless a flow of that name exists; adopts it when it carries this trigger's uid label. Fails
   * with {@link FlowRefusedException} when it never can succeed, with anything else when it may later.
   */
  CompletionStage<Created> createIfAbsent(JobFlow flow);
}
