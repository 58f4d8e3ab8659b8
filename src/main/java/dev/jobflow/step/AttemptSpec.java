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
 * @param template the step's JobSpec as written by the user, parameters not yet substituted
 * @param parameters the flow's parameters, for {@code {{params.NAME}}}
 */
public record AttemptSpec(JobKey job, String flowName, String flowUid, String step, int attempt,
                          JobSpec template, Map<String, String> parameters) {
  public AttemptSpec {
    Objects.requireNonNull(job, "job");
    Objects.requireNonNull(step, "step");
    parameters = parameters == null ? Map.of() : Map.copyOf(parameters);
  }
}
