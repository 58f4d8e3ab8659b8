package dev.jobflow.flow;

import dev.jobflow.dag.RetryRule;
import dev.jobflow.step.JobTemplate;
import io.fabric8.kubernetes.api.model.batch.v1.JobSpec;
import java.time.Duration;
import java.util.List;

/**
 * One step as the engine runs it: plain values, the template kept as JSON text so the journal does not depend on
 * the fabric8 model's classes (and because a string is ten times cheaper to serialize than a JSON tree: a
 * 10,000-step flow's snapshot carries 10,000 of them).
 *
 * @param retryLimit extra attempts, 0 for none
 * @param backoff delay before the first retry (null: {@link RetryRule#DEFAULT_DURATION})
 * @param factor backoff multiplier (null: {@link RetryRule#DEFAULT_FACTOR})
 * @param maxBackoff cap of one delay, null for none
 * @param timeout deadline of one attempt, null for none
 * @param template the step's batch/v1 JobSpec as JSON text, parameters not substituted
 * @param depends its {@code depends} expression, null when it has none (it may have dependsOn)
 * @param when its condition (CEL), null for none
 * @param continueOnFailed true for {@code continueOn.failed}; null otherwise (left out of events that predate it)
 * @param approval set for an approval step (no template, no Job); null otherwise (and in events that predate it)
 * @param fanOut how it fans out into instances; null for a step that runs once (and in events that predate fan-out)
 */
public record StepDefinition(String name, List<String> dependsOn, int retryLimit, Duration backoff, Double factor,
                             Duration maxBackoff, Duration timeout, String template, String depends, String when,
                             Boolean continueOnFailed, ApprovalDefinition approval, FanOutDefinition fanOut)
    implements JsonSerializable {
  public StepDefinition {
    dependsOn = dependsOn == null ? List.of() : List.copyOf(dependsOn);
    continueOnFailed = Boolean.TRUE.equals(continueOnFailed) ? Boolean.TRUE : null;
  }

  /** A step that runs a Job, once. */
  public StepDefinition(String name, List<String> dependsOn, int retryLimit, Duration backoff, Double factor,
                        Duration maxBackoff, Duration timeout, String template, String depends, String when,
                        Boolean continueOnFailed) {
    this(name, dependsOn, retryLimit, backoff, factor, maxBackoff, timeout, template, depends, when, continueOnFailed,
        null, null);
  }

  /** An approval step (or, with a null approval, a step that runs a Job once). */
  public StepDefinition(String name, List<String> dependsOn, int retryLimit, Duration backoff, Double factor,
                        Duration maxBackoff, Duration timeout, String template, String depends, String when,
                        Boolean continueOnFailed, ApprovalDefinition approval) {
    this(name, dependsOn, retryLimit, backoff, factor, maxBackoff, timeout, template, depends, when, continueOnFailed,
        approval, null);
  }

  /** A fan-out step. */
  public StepDefinition(String name, List<String> dependsOn, int retryLimit, Duration backoff, Double factor,
                        Duration maxBackoff, Duration timeout, String template, String depends, String when,
                        Boolean continueOnFailed, FanOutDefinition fanOut) {
    this(name, dependsOn, retryLimit, backoff, factor, maxBackoff, timeout, template, depends, when, continueOnFailed,
        null, fanOut);
  }

  /** Whether this step waits for a person's decision instead of running a Job. */
  public boolean waitsForApproval() {
    return approval != null;
  }

  /** A step as written before conditions existed. */
  public StepDefinition(String name, List<String> dependsOn, int retryLimit, Duration backoff, Double factor,
                        Duration maxBackoff, Duration timeout, String template) {
    this(name, dependsOn, retryLimit, backoff, factor, maxBackoff, timeout, template, null, null, null);
  }

  /** When it may start: its {@code depends} expression, else all of {@code dependsOn}. */
  public dev.jobflow.dag.Depends dependency() {
    return depends == null ? dev.jobflow.dag.Depends.allOf(dependsOn) : dev.jobflow.dag.Depends.parse(depends);
  }

  public boolean continuesOnFailure() {
    return Boolean.TRUE.equals(continueOnFailed);
  }

  public RetryRule retryRule() {
    if (retryLimit == 0) {
      return RetryRule.NONE;
    }
    return new RetryRule(retryLimit, backoff == null ? RetryRule.DEFAULT_DURATION : backoff,
        factor == null ? RetryRule.DEFAULT_FACTOR : factor, maxBackoff);
  }

  /** The template as the fabric8 model. */
  public JobSpec jobSpec() {
    try {
      return JobTemplate.parse(template);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("step '" + name + "': " + e.getMessage(), e);
    }
  }

  static String toJson(JobSpec spec) {
    return JobTemplate.text(spec);
  }

}
