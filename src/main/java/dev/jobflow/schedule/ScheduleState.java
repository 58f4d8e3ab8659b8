package dev.jobflow.schedule;

import dev.jobflow.api.FlowPhase;
import dev.jobflow.flow.JsonSerializable;
import dev.jobflow.schedule.ScheduleEvent.FiringSkipped;
import dev.jobflow.schedule.ScheduleEvent.FiringsMissed;
import dev.jobflow.schedule.ScheduleEvent.ScheduleDeleted;
import dev.jobflow.schedule.ScheduleEvent.ScheduleFired;
import dev.jobflow.schedule.ScheduleEvent.ScheduledFlowCreated;
import dev.jobflow.schedule.ScheduleEvent.ScheduledFlowFailed;
import dev.jobflow.schedule.ScheduleEvent.ScheduledFlowFinished;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A schedule as its journal tells it: the last times handled and the runs not finished yet. Immutable, small (the
 * active runs only), and its own snapshot.
 *
 * @param lastHandled the last scheduled time fired, skipped or missed: never due again
 * @param lastScheduleTime the last scheduled time fired
 * @param lastSuccessfulTime when the last run that succeeded finished
 * @param active runs not finished, by flow name, oldest first
 */
public record ScheduleState(Instant lastHandled, Instant lastScheduleTime, Instant lastSuccessfulTime,
                            Map<String, Run> active, boolean deleted) implements JsonSerializable {

  /**
   * One run not finished yet.
   *
   * @param flowUid null until its flow is known to exist
   * @param stopRequested a later run replaced it (Replace): it is being cancelled
   */
  public record Run(Instant scheduledTime, String flowUid, boolean stopRequested) implements JsonSerializable {}

  public ScheduleState {
    active = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(active == null ? Map.of() : active));
  }

  public static ScheduleState empty() {
    return new ScheduleState(null, null, null, Map.of(), false);
  }

  public ScheduleState apply(ScheduleEvent event) {
    Map<String, Run> runs = new LinkedHashMap<>(active);
    if (event instanceof ScheduleFired e) {
      for (String replaced : e.replacing()) {
        Run r = runs.get(replaced);
        if (r != null) {
          runs.put(replaced, new Run(r.scheduledTime(), r.flowUid(), true));
        }
      }
      runs.put(e.flowName(), new Run(e.scheduledTime(), null, false));
      return new ScheduleState(later(lastHandled, e.scheduledTime()), later(lastScheduleTime, e.scheduledTime()),
          lastSuccessfulTime, runs, deleted);
    } else if (event instanceof ScheduledFlowCreated e) {
      Run r = runs.get(e.flowName());
      if (r != null) {
        runs.put(e.flowName(), new Run(r.scheduledTime(), e.flowUid(), r.stopRequested()));
      }
      return new ScheduleState(lastHandled, lastScheduleTime, lastSuccessfulTime, runs, deleted);
    } else if (event instanceof ScheduledFlowFailed e) {
      runs.remove(e.flowName());
      return new ScheduleState(lastHandled, lastScheduleTime, lastSuccessfulTime, runs, deleted);
    } else if (event instanceof ScheduledFlowFinished e) {
      runs.remove(e.flowName());
      Instant success = e.phase() == FlowPhase.Succeeded ? later(lastSuccessfulTime, e.finishedAt()) : lastSuccessfulTime;
      return new ScheduleState(lastHandled, lastScheduleTime, success, runs, deleted);
    } else if (event instanceof FiringSkipped e) {
      return new ScheduleState(later(lastHandled, e.scheduledTime()), lastScheduleTime, lastSuccessfulTime, runs, deleted);
    } else if (event instanceof FiringsMissed e) {
      return new ScheduleState(later(lastHandled, e.latest()), lastScheduleTime, lastSuccessfulTime, runs, deleted);
    } else if (event instanceof ScheduleDeleted) {
      return new ScheduleState(lastHandled, lastScheduleTime, lastSuccessfulTime, runs, true);
    }
    return this;
  }

  /** Names of the active runs, oldest first (what Forbid and Replace look at). */
  public List<String> activeNames() {
    return new ArrayList<>(active.keySet());
  }

  private static Instant later(Instant a, Instant b) {
    if (a == null) {
      return b;
    }
    return b == null || a.isAfter(b) ? a : b;
  }
}
