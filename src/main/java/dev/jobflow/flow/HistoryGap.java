package dev.jobflow.flow;

import dev.jobflow.dag.DagState;
import dev.jobflow.dag.Reasons;
import dev.jobflow.step.ExistingJob;
import java.util.List;
import java.util.TreeSet;

/**
 * Compares what the journal knows of a flow with the Jobs the cluster holds. Every Job is created only after its
 * attempt was journaled (persist, then act), so a Job of an attempt the journal never started can only mean that the
 * journal lost events: it was restored from a backup older than the cluster, or lost outright.
 */
final class HistoryGap {
  private HistoryGap() {}

  /**
   * The attempts the journal knew of at one moment, by step index: the cluster's Jobs are listed asynchronously, and
   * meanwhile the flow records attempts of its own (an adopted Job among them), which must not hide the gap.
   */
  record Known(int steps, int[] attempts) {}

  /** What the journal knows now; null when it knows no accepted, valid flow (then nothing is unknown). */
  static Known known(FlowState state) {
    if (!state.isAccepted() || state.invalid() != null) {
      return null;
    }
    DagState dag = state.dag();
    int[] attempts = new int[dag.graph().size()];
    for (int i = 0; i < attempts.length; i++) {
      attempts[i] = dag.attempts(i);
    }
    return new Known(attempts.length, attempts);
  }

  /**
   * The names of the Jobs whose attempt the journal had not started when it knew {@code known}, sorted; empty when it
   * knew them all. {@code state}'s graph names the steps (instances keep their index once appended).
   */
  static List<String> unknownJobs(Known known, FlowState state, List<ExistingJob> jobs) {
    if (known == null) {
      return List.of();
    }
    DagState dag = state.dag();
    TreeSet<String> unknown = new TreeSet<>();
    for (ExistingJob job : jobs) {
      // A fan-out instance the journal had not expanded yet was not in the graph: unknown as well.
      int index = dag.graph().contains(job.step()) ? dag.graph().indexOf(job.step()) : -1;
      if (index < 0 || index >= known.steps() || job.attempt() > known.attempts()[index]) {
        unknown.add(job.name());
      }
    }
    return List.copyOf(unknown);
  }

  /** The fact: {@code acceptedAnew} when the journal did not know the flow at all before this incarnation. */
  static FlowEvent.FlowHistoryLost lost(boolean acceptedAnew, List<String> jobs, FlowEvent.EventMeta meta) {
    String listed = String.join(", ", jobs.size() <= 10 ? jobs : jobs.subList(0, 10))
        + (jobs.size() <= 10 ? "" : " and " + (jobs.size() - 10) + " more");
    String message = acceptedAnew
        ? "the journal had no record of this flow, but its Jobs exist (" + listed + "): the journal was lost or "
            + "emptied. The flow started anew and adopts each Job when it reaches its attempt; its earlier history "
            + "is gone"
        : "the journal does not know " + jobs.size() + " Job(s) of this flow (" + listed + "): it was restored from a "
            + "backup older than the cluster. The flow goes on from the journal and adopts each Job when it reaches "
            + "its attempt; the history after the backup is gone";
    return new FlowEvent.FlowHistoryLost(meta, acceptedAnew ? Reasons.JOURNAL_LOST : Reasons.JOURNAL_BEHIND, message,
        jobs);
  }
}
