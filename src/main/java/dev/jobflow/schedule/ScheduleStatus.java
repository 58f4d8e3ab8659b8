package dev.jobflow.schedule;

import java.time.Instant;
import java.util.List;

/**
 * What the entity reports for the CronJobFlow's status.
 *
 * @param nextScheduleTime null while suspended or invalid
 * @param problem why nothing is scheduled (invalid spec), null otherwise
 */
public record ScheduleStatus(String namespace, String name, String uid, long observedGeneration,
                             Instant lastScheduleTime, Instant lastSuccessfulTime, Instant nextScheduleTime,
                             List<ActiveRun> active, boolean suspended, String problem) {

  public record ActiveRun(String name, String uid, Instant scheduledTime) {}

  public ScheduleStatus {
    active = List.copyOf(active);
  }
}
