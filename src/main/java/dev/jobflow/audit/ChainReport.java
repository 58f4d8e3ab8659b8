package dev.jobflow.audit;

import dev.jobflow.flow.FlowId;

/**
 * The result of checking one flow's hash chain ({@code jobflow audit --verify}).
 *
 * @param flow which flow; namespace and name are null when its first event is missing
 * @param events how many events were read
 * @param unchained how many events at the start of the flow were written before the hash chain existed
 * @param head the hash of the last event: write it down to detect later changes to the newest event too
 * @param badSequenceNr the first sequence number found altered, missing, reordered or unreadable; null when intact
 * @param problem what is wrong at {@code badSequenceNr}; null when intact
 * @param message for humans: what was found, where
 */
public record ChainReport(FlowId flow, String persistenceId, long events, long unchained, String head,
                          Long badSequenceNr, Problem problem, String message) {

  public enum Problem { ALTERED, REMOVED, REORDERED, UNREADABLE }

  public boolean intact() {
    return badSequenceNr == null;
  }

  /** INTACT, UNCHAINED (intact, with events older than the chain) or the problem. */
  public String verdict() {
    if (!intact()) {
      return problem.name();
    }
    return unchained > 0 ? "UNCHAINED" : "INTACT";
  }
}
