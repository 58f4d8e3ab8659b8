package dev.jobflow.step;

import java.util.List;

/**
 * The attempt's Job is absent but a later attempt of the same step has one: this attempt ended long ago, in history
 * the journal lost (restored from an older backup). Creating its Job now would run the step again; the attempt ends
 * instead, and the step's retries reach the later attempt, whose Job is adopted.
 */
public class AttemptSupersededException extends RuntimeException {
  public AttemptSupersededException(JobKey job, String laterJob) {
    super("Job " + job + " is absent but " + laterJob + " of a later attempt of the step exists: the journal is behind"
        + " the cluster, so this attempt ended before; it is not run again");
  }

  /** The Job of a later attempt of {@code attempt}'s step among {@code jobs}, or null when there is none. */
  public static String laterJob(AttemptSpec attempt, List<ExistingJob> jobs) {
    String later = null;
    int highest = attempt.attempt();
    for (ExistingJob job : jobs) {
      if (job.step().equals(attempt.step()) && job.attempt() > highest) {
        highest = job.attempt();
        later = job.name();
      }
    }
    return later;
  }
}
