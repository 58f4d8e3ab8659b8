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

  /** The names of the Jobs whose attempt the journal never started, sorted; empty when the journal knows them all. */
  static List<String> unknownJobs(FlowState state, List<ExistingJob> jobs) {
    if (!state.isAccepted() || state.invalid() != null) {
      return List.of();
    }
    DagState dag = state.dag();
    TreeSet<String> unknown = new TreeSet<>();
    for (ExistingJob job : jobs) {
      // A fan-out instance the journal has not expanded yet is not in the graph: unknown as well.
      if (!dag.graph().contains(job.step()) || job.attempt() > dag.attempts(dag.graph().indexOf(job.step()))) {
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
