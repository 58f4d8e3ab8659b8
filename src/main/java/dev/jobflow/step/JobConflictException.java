package dev.jobflow.step;

/** A Job with the attempt's name exists but belongs to something else: it is never adopted nor replaced. */
public class JobConflictException extends RuntimeException {
  private final JobKey job;

  public JobConflictException(JobKey job, String detail) {
    super("Job " + job + " exists but is not this attempt's: " + detail);
    this.job = job;
  }

  public JobKey job() {
    return job;
  }
}
