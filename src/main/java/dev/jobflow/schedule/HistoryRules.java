package dev.jobflow.schedule;

import dev.jobflow.api.FlowPhase;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Which finished runs of a schedule to delete: beyond {@code successfulFlowsHistoryLimit} succeeded ones and
 * {@code failedFlowsHistoryLimit} failed or cancelled ones, the oldest (by scheduled time) go, as CronJob does. The
 * flows' journals keep their history.
 */
public final class HistoryRules {
  private HistoryRules() {}

  /** A run as the cluster shows it. */
  public record Run(String name, String uid, Instant scheduledTime, FlowPhase phase) {}

  public static List<Run> toDelete(List<Run> runs, int successfulLimit, int failedLimit) {
    List<Run> succeeded = new ArrayList<>();
    List<Run> failed = new ArrayList<>();
    for (Run r : runs) {
      if (r.phase() == FlowPhase.Succeeded) {
        succeeded.add(r);
      } else if (r.phase() != null && r.phase().isFinished()) {
        failed.add(r);
      }
    }
    List<Run> out = new ArrayList<>();
    out.addAll(oldestBeyond(succeeded, successfulLimit));
    out.addAll(oldestBeyond(failed, failedLimit));
    return out;
  }

  private static List<Run> oldestBeyond(List<Run> runs, int limit) {
    runs.sort(Comparator.comparing(Run::scheduledTime, Comparator.nullsFirst(Comparator.naturalOrder()))
        .thenComparing(Run::name));
    return runs.size() <= limit ? List.of() : runs.subList(0, runs.size() - Math.max(0, limit));
  }
}
