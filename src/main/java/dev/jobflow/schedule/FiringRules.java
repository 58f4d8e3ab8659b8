package dev.jobflow.schedule;

import dev.jobflow.api.ConcurrencyPolicy;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * When a schedule fires, as Kubernetes CronJob decides it (plain Java, no clock of its own):
 * <ul>
 *   <li>the run due is the most recent scheduled time after the last one handled (fired, skipped or missed; the
 *       schedule's creation before the first) and at or before now: after downtime at most one missed run starts,
 *       the most recent, and the older ones are counted as missed;</li>
 *   <li>with {@code startingDeadlineSeconds}, a run that can no longer start within it is missed instead;</li>
 *   <li>while runs are active, {@code Forbid} skips the run, {@code Replace} cancels them and starts it,
 *       {@code Allow} starts it alongside;</li>
 *   <li>while suspended nothing fires; the times that pass count as missed when it resumes (and the most recent
 *       starts if still within the deadline), as with CronJob.</li>
 * </ul>
 * Each time is handled once: the caller records the decision before acting, and passes the time on as
 * {@code lastHandled}, so a time at or before it is never due again.
 */
public final class FiringRules {
  /** More missed times than this are reported as "more than"; counting stops there. */
  public static final int MAX_MISSED_COUNTED = 100;
  /** Why a run was skipped under Forbid. */
  public static final String CONCURRENCY_FORBIDDEN = "ConcurrencyForbidden";
  /** Why runs were missed: they could not start within startingDeadlineSeconds. */
  public static final String MISSED_STARTING_DEADLINE = "MissedStartingDeadline";

  private FiringRules() {}

  /**
   * @param createdAt when the schedule object was created: no run is due before it
   * @param lastHandled the last scheduled time fired, skipped or missed; null before the first
   * @param active the names of runs not finished yet, oldest first
   */
  public static Firing decide(ScheduleSpec spec, Instant createdAt, Instant lastHandled, List<String> active,
                              Instant now) {
    if (spec.suspend()) {
      return new Firing.Wait(null);
    }
    CronSchedule schedule = spec.schedule();
    Instant base = lastHandled != null ? lastHandled : createdAt;
    Instant due = schedule.lastAtOrBefore(now);
    if (due == null || !due.isAfter(base)) {
      return new Firing.Wait(schedule.nextAfter(now.isAfter(base) ? now : base));
    }
    int missed = schedule.between(base, due, MAX_MISSED_COUNTED + 1).size() - 1;
    Duration deadline = spec.startingDeadline();
    if (deadline != null && due.plus(deadline).isBefore(now)) {
      return new Firing.Miss(due, missed + 1, "missed " + count(missed + 1) + " up to " + due
          + ": not started within startingDeadlineSeconds (" + deadline.toSeconds() + "s)");
    }
    if (!active.isEmpty()) {
      if (spec.concurrencyPolicy() == ConcurrencyPolicy.Forbid) {
        return new Firing.Skip(due, CONCURRENCY_FORBIDDEN, "run of " + due + " skipped: concurrencyPolicy Forbid and "
            + String.join(", ", active) + (active.size() == 1 ? " is" : " are") + " still running");
      }
      if (spec.concurrencyPolicy() == ConcurrencyPolicy.Replace) {
        return new Firing.Fire(due, missed, active);
      }
    }
    return new Firing.Fire(due, missed, List.of());
  }

  private static String count(int n) {
    return n > MAX_MISSED_COUNTED ? "more than " + MAX_MISSED_COUNTED + " runs" : n == 1 ? "1 run" : n + " runs";
  }
}
