package dev.jobflow.kube;

import dev.jobflow.step.JobKey;
import dev.jobflow.step.JobObservation;
import dev.jobflow.step.JobState;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;

/**
 * Reads what a Job is doing from its conditions, never from pod counts: {@code Complete} or
 * {@code SuccessCriteriaMet} is success; {@code Failed} or {@code FailureTarget} is failure with the
 * Job controller's reason (BackoffLimitExceeded, DeadlineExceeded, PodFailurePolicy, ...). Newer clusters
 * set the *Target/*Met conditions first, while pods still terminate; they are final all the same.
 */
public final class JobConditions {
  private JobConditions() {}

  public static JobObservation observe(Job job, Clock clock) {
    JobKey key = new JobKey(job.getMetadata().getNamespace(), job.getMetadata().getName());
    String uid = job.getMetadata().getUid();
    List<JobCondition> conditions = job.getStatus() == null || job.getStatus().getConditions() == null
        ? List.of() : job.getStatus().getConditions();
    JobCondition failed = trueCondition(conditions, "Failed", "FailureTarget");
    if (failed != null) {
      return new JobObservation(key, uid, JobState.Failed, orDefault(failed.getReason(), "JobFailed"),
          failed.getMessage(), time(failed.getLastTransitionTime(), clock));
    }
    JobCondition complete = trueCondition(conditions, "Complete", "SuccessCriteriaMet");
    if (complete != null) {
      return new JobObservation(key, uid, JobState.Succeeded, orDefault(complete.getReason(), "Completed"),
          complete.getMessage(), time(complete.getLastTransitionTime(), clock));
    }
    if (job.getMetadata().getDeletionTimestamp() != null) {
      return deleted(key, uid, clock);
    }
    boolean active = job.getStatus() != null
        && ((job.getStatus().getActive() != null && job.getStatus().getActive() > 0) || job.getStatus().getStartTime() != null);
    return new JobObservation(key, uid, active ? JobState.Active : JobState.Pending, null, null, clock.instant());
  }

  public static JobObservation deleted(JobKey key, String uid, Clock clock) {
    return new JobObservation(key, uid, JobState.Deleted, "JobDeleted",
        "Job " + key + " was deleted before it finished", clock.instant());
  }

  /** The first of the named conditions that is True, in the order given. */
  private static JobCondition trueCondition(List<JobCondition> conditions, String... types) {
    for (String type : types) {
      for (JobCondition c : conditions) {
        if (type.equals(c.getType()) && "True".equals(c.getStatus())) {
          return c;
        }
      }
    }
    return null;
  }

  private static String orDefault(String value, String fallback) {
    return value == null || value.isBlank() ? fallback : value;
  }

  private static Instant time(String text, Clock clock) {
    if (text == null) {
      return clock.instant();
    }
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException e) {
      return clock.instant();
    }
  }
}
