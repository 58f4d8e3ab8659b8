package dev.jobflow.client;

import dev.jobflow.api.JobFlow;

/**
 * What came of asking a flow for a change.
 *
 * @param flow the flow after the change (or as found, when nothing changed); null when there is none
 * @param message one sentence for the user, naming the flow
 */
public record ChangeResult(Outcome outcome, JobFlow flow, String message) {
  public enum Outcome {
    /** The patch was written. */
    CHANGED,
    /** The flow already was as asked: nothing written. */
    UNCHANGED,
    /** The flow's state does not allow the change: nothing written. */
    REFUSED,
    /** No such flow. */
    NOT_FOUND
  }
}
