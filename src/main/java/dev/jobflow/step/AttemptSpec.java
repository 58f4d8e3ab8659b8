package dev.jobflow.step;

import io.fabric8.kubernetes.api.model.batch.v1.JobSpec;
import java.util.Map;
import java.util.Objects;

/**
 * Everything needed to create (or recognise, for adoption) the Job of one attempt of one step.
 *
 * @param job the Job's deterministic key, see {@link JobNames}
 * @param flowName the JobFlow's name (for labels)
 * @param flowUid the JobFlow's uid (for labels and the ownerReference)
 * @param step the step's name
 * @param attempt 1 for the first attempt, 2 for the first retry, ...
 * @param template the step's JobSpec as written by the user, as JSON text ({@link JobTemplate}), parameters not yet
 *     substituted; null for an empty one
 * @param parameters the flow's parameters, for {@code {{params.NAME}}}
 * @param stepValues the values of the {@code {{steps.NAME....}}} placeholders of the template, by placeholder name
 *     ({@code steps.extract.outputs.rows}), taken from the journal when the attempt starts
 * @param readsResults whether the flow reads this step's outputs or exit code: then the finished Job's pods are read
 */
public record AttemptSpec(JobKey job, String flowName, String flowUid, String step, int attempt,
                          String template, Map<String, String> parameters, Map<String, String> stepValues,
                          boolean readsResults) {
  public AttemptSpec {
    Objects.requireNonNull(job, "job");
    Objects.requireNonNull(step, "step");
    parameters = parameters == null ? Map.of() : Map.copyOf(parameters);
    stepValues = stepValues == null ? Map.of() : Map.copyOf(stepValues);
  }

  /** An attempt whose template reads no other step and whose results nobody reads. */
  public AttemptSpec(JobKey job, String flowName, String flowUid, String step, int attempt, JobSpec template,
                     Map<String, String> parameters) {
    this(job, flowName, flowUid, step, attempt, JobTemplate.text(template), parameters, Map.of(), false);
  }

  /** The template parsed, anew on each call (see {@link JobTemplate} for why it is not kept). */
  public JobSpec jobSpec() {
    return JobTemplate.parse(template);
  }
}
