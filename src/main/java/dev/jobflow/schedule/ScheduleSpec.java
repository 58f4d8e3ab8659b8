package dev.jobflow.schedule;

import dev.jobflow.api.ConcurrencyPolicy;
import java.time.Duration;

/**
 * What decides a schedule's firings: when, what to do with overlaps, how late a run may start, and whether to run.
 *
 * @param startingDeadline null for none
 */
public record ScheduleSpec(CronSchedule schedule, ConcurrencyPolicy concurrencyPolicy, Duration startingDeadline,
                           boolean suspend) {
  public ScheduleSpec {
    concurrencyPolicy = concurrencyPolicy == null ? ConcurrencyPolicy.Allow : concurrencyPolicy;
  }
}
