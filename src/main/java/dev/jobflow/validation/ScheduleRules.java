package dev.jobflow.validation;

import dev.jobflow.api.CronJobFlowSpec;
import dev.jobflow.schedule.CronSchedule;
import java.util.List;

/** A CronJobFlow's own fields: a schedule that parses and fires, a known time zone, bounds as CronJob's. */
final class ScheduleRules {
  private ScheduleRules() {}

  static void check(CronJobFlowSpec spec, List<Problem> problems) {
    boolean zoneKnown = true;
    try {
      CronSchedule.zone(spec.getTimeZone());
    } catch (IllegalArgumentException e) {
      zoneKnown = false;
      problems.add(new Problem("spec.timeZone", e.getMessage()));
    }
    try {
      CronSchedule.parse(spec.getSchedule(), zoneKnown ? spec.getTimeZone() : null);
    } catch (IllegalArgumentException e) {
      problems.add(new Problem("spec.schedule", e.getMessage()));
    }
    nonNegative(spec.getStartingDeadlineSeconds(), "spec.startingDeadlineSeconds", problems);
    nonNegative(spec.getSuccessfulFlowsHistoryLimit(), "spec.successfulFlowsHistoryLimit", problems);
    nonNegative(spec.getFailedFlowsHistoryLimit(), "spec.failedFlowsHistoryLimit", problems);
    if (spec.getFlowSpec() != null && spec.getFlowSpec().getShutdown() != null) {
      problems.add(new Problem("spec.flowSpec.shutdown", "a schedule cannot create flows that are already shutting "
          + "down; suspend the schedule (spec.suspend) instead"));
    }
  }

  private static void nonNegative(Number value, String path, List<Problem> problems) {
    if (value != null && value.longValue() < 0) {
      problems.add(new Problem(path, "must be 0 or more, got " + value));
    }
  }
}
