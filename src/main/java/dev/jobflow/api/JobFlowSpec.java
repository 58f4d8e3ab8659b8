package dev.jobflow.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.ArrayList;
import java.util.List;

/**
 * What the user wants run: steps, or a {@link TemplateRef} to a JobFlowTemplate whose steps it runs with these
 * parameters. Immutable once the flow has started, except suspend, parallelism and shutdown.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"parallelism", "failurePolicy", "timeout", "ttlSecondsAfterFinished", "suspend", "shutdown",
    "templateRef", "parameters", "priority", "synchronization", "steps", "finally"})
// Only cheap CEL rules here: the API server rejects a CRD whose rules cost too much on large lists.
// Everything else (cycles, unknown dependencies, unique names, templates) is the one validator's job.
@ValidationRule(value = "has(self.templateRef) || (has(self.steps) && self.steps.size() > 0)",
    message = "a flow needs at least one step, or a templateRef")
@ValidationRule(value = "!has(self.templateRef) || !has(self.steps) || self.steps.size() == 0",
    message = "a flow with a templateRef takes its steps from the template: set steps or templateRef, not both")
public class JobFlowSpec {
  @Min(1)
  @JsonPropertyDescription("Most Jobs of this flow running at once. Default: unlimited.")
  private Integer parallelism;

  @JsonPropertyDescription("FailFast (default): start no new steps after a failure. ContinueIndependent: keep running branches not downstream of it.")
  private FailurePolicy failurePolicy;

  @JsonPropertyDescription("Whole-flow deadline as a Go-style duration (90s, 5m, 1h30m).")
  private String timeout;

  @Min(0)
  @JsonPropertyDescription("Delete the finished flow after this many seconds; its journal stays. Default: 86400.")
  private Long ttlSecondsAfterFinished;

  @JsonPropertyDescription("true: start no new steps; running Jobs finish.")
  private Boolean suspend;

  @JsonPropertyDescription("End the flow early: Stop lets running steps finish and runs finally; Terminate stops them at once.")
  private ShutdownPolicy shutdown;

  @JsonPropertyDescription("Run the steps of this JobFlowTemplate (same namespace) instead of spec.steps.")
  private TemplateRef templateRef;

  @JsonPropertyDescription("Values substituted for {{params.NAME}} in step templates (with templateRef: values of the "
      + "template's parameters).")
  private List<Parameter> parameters = new ArrayList<>();

  @JsonPropertyDescription("When a lock or a queue limit holds flows back, higher priority starts first, then the "
      + "older flow. Default: 0.")
  private Integer priority;

  @JsonPropertyDescription("A lock held from before the first step until the flow finishes: {mutex: KEY} or "
      + "{semaphore: NAME}.")
  private Synchronization synchronization;

  @JsonPropertyDescription("The steps of the DAG; each runs as one batch/v1 Job per attempt. Required without templateRef.")
  private List<Step> steps = new ArrayList<>();

  @JsonProperty("finally")
  @JsonPropertyDescription("Steps run once the DAG has settled, whatever its outcome (exit handlers).")
  private List<Step> finallySteps = new ArrayList<>();

  public Integer getParallelism() { return parallelism; }
  public void setParallelism(Integer parallelism) { this.parallelism = parallelism; }
  public FailurePolicy getFailurePolicy() { return failurePolicy; }
  public void setFailurePolicy(FailurePolicy failurePolicy) { this.failurePolicy = failurePolicy; }
  public String getTimeout() { return timeout; }
  public void setTimeout(String timeout) { this.timeout = timeout; }
  public Long getTtlSecondsAfterFinished() { return ttlSecondsAfterFinished; }
  public void setTtlSecondsAfterFinished(Long ttlSecondsAfterFinished) { this.ttlSecondsAfterFinished = ttlSecondsAfterFinished; }
  public Boolean getSuspend() { return suspend; }
  public void setSuspend(Boolean suspend) { this.suspend = suspend; }
  public ShutdownPolicy getShutdown() { return shutdown; }
  public void setShutdown(ShutdownPolicy shutdown) { this.shutdown = shutdown; }
  public TemplateRef getTemplateRef() { return templateRef; }
  public void setTemplateRef(TemplateRef templateRef) { this.templateRef = templateRef; }
  public List<Parameter> getParameters() { return parameters; }
  public void setParameters(List<Parameter> parameters) { this.parameters = parameters; }
  public Integer getPriority() { return priority; }
  public void setPriority(Integer priority) { this.priority = priority; }
  public Synchronization getSynchronization() { return synchronization; }
  public void setSynchronization(Synchronization synchronization) { this.synchronization = synchronization; }
  public List<Step> getSteps() { return steps; }
  public void setSteps(List<Step> steps) { this.steps = steps; }
  @JsonProperty("finally")
  public List<Step> getFinallySteps() { return finallySteps; }
  @JsonProperty("finally")
  public void setFinallySteps(List<Step> finallySteps) { this.finallySteps = finallySteps; }

  /** The effective failure policy: FailFast when unset. */
  public FailurePolicy effectiveFailurePolicy() {
    return failurePolicy == null ? FailurePolicy.FailFast : failurePolicy;
  }

  @com.fasterxml.jackson.annotation.JsonIgnore
  public boolean isSuspended() {
    return Boolean.TRUE.equals(suspend);
  }

  /** True when the flow runs a JobFlowTemplate's steps ({@code spec.templateRef}). */
  @com.fasterxml.jackson.annotation.JsonIgnore
  public boolean usesTemplate() {
    return templateRef != null;
  }
}
