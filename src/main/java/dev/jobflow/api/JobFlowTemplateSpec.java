package dev.jobflow.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.ArrayList;
import java.util.List;

/**
 * What a template runs: steps and finally steps, the parameters they use, and how the run fails and times out.
 * How a run is paced and kept (parallelism, TTL, suspend, shutdown) belongs to each JobFlow made from it.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"description", "failurePolicy", "timeout", "parameters", "steps", "finally", "notify"})
@ValidationRule(value = "self.steps.size() > 0", message = "a template needs at least one step")
public class JobFlowTemplateSpec {
  @JsonPropertyDescription("What the template does, shown by kubectl get jft.")
  private String description;

  @JsonPropertyDescription("FailFast (default) or ContinueIndependent; a flow's own spec.failurePolicy wins.")
  private FailurePolicy failurePolicy;

  @JsonPropertyDescription("Whole-flow deadline as a Go-style duration; a flow's own spec.timeout wins.")
  private String timeout;

  @JsonPropertyDescription("Parameters the steps use as {{params.NAME}}; required unless they have a default.")
  private List<TemplateParameter> parameters = new ArrayList<>();

  @Required
  @JsonPropertyDescription("The steps of the DAG, as in a JobFlow.")
  private List<Step> steps = new ArrayList<>();

  @JsonProperty("finally")
  @JsonPropertyDescription("Steps run once the DAG has settled, as in a JobFlow.")
  private List<Step> finallySteps = new ArrayList<>();

  @JsonPropertyDescription("Where flows made from the template send their notifications, unless they name their own.")
  private List<NotifySink> notify;

  public String getDescription() { return description; }
  public void setDescription(String description) { this.description = description; }
  public FailurePolicy getFailurePolicy() { return failurePolicy; }
  public void setFailurePolicy(FailurePolicy failurePolicy) { this.failurePolicy = failurePolicy; }
  public String getTimeout() { return timeout; }
  public void setTimeout(String timeout) { this.timeout = timeout; }
  public List<TemplateParameter> getParameters() { return parameters; }
  public void setParameters(List<TemplateParameter> parameters) { this.parameters = parameters; }
  public List<Step> getSteps() { return steps; }
  public void setSteps(List<Step> steps) { this.steps = steps; }
  @JsonProperty("finally")
  public List<Step> getFinallySteps() { return finallySteps; }
  @JsonProperty("finally")
  public void setFinallySteps(List<Step> finallySteps) { this.finallySteps = finallySteps; }
  public List<NotifySink> getNotify() { return notify; }
  public void setNotify(List<NotifySink> notify) { this.notify = notify; }
}
