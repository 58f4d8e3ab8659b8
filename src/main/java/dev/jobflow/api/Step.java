package dev.jobflow.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.fabric8.crd.generator.annotation.PreserveUnknownFields;
import io.fabric8.crd.generator.annotation.SchemaFrom;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.batch.v1.JobSpec;
import java.util.ArrayList;
import java.util.List;

/** One node of the DAG: a batch/v1 Job template (or an approval), its dependencies, retries and timeout. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"name", "dependsOn", "depends", "when", "continueOn", "retries", "timeout", "template", "approval"})
@ValidationRule(value = "!has(self.dependsOn) || !(self.name in self.dependsOn)", message = "a step cannot depend on itself")
public class Step {
  @Required
  @Size(min = 1, max = 63)
  @Pattern("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
  @JsonPropertyDescription("DNS-1123 label, unique across steps and finally.")
  private String name;

  @JsonPropertyDescription("Names of steps (not finally steps) that must succeed before this one starts.")
  private List<String> dependsOn = new ArrayList<>();

  @JsonPropertyDescription("Argo's depends: when the step may start, in terms of how upstream steps ended, e.g. "
      + "'train.Failed || extract.Failed'. A bare name means Succeeded or Skipped. Not together with dependsOn.")
  private String depends;

  @JsonPropertyDescription("A CEL expression over params, steps.<name>.phase|outputs|exitCode and flow.name|namespace|"
      + "labels, evaluated once the step's dependencies are met; false skips the step (reason WhenFalse).")
  private String when;

  @JsonPropertyDescription("failed: true lets the flow go on as if this step's failure did not happen: it neither "
      + "fails the flow nor blocks the steps that depend on it.")
  private ContinueOn continueOn;

  @JsonPropertyDescription("How often, and after how long, a failed attempt is tried again.")
  private RetryPolicy retries;

  @JsonPropertyDescription("Deadline of one attempt as a Go-style duration; an attempt running longer fails with StepTimedOut.")
  private String timeout;

  @PreserveUnknownFields
  @SchemaFrom(type = JobTemplateSchema.class)
  @JsonPropertyDescription("A full batch/v1 JobSpec; {{params.NAME}} and {{steps.NAME.outputs.KEY}} are substituted in "
      + "its strings. Every step has a template, except an approval step, which has none.")
  private JobSpec template;

  @JsonPropertyDescription("Makes this an approval step: no Job; it waits for a decision of one of its approvers.")
  private Approval approval;

  public Step() {}

  public Step(String name, List<String> dependsOn, JobSpec template) {
    this.name = name;
    this.dependsOn = dependsOn == null ? new ArrayList<>() : new ArrayList<>(dependsOn);
    this.template = template;
  }

  public String getName() { return name; }
  public void setName(String name) { this.name = name; }
  public List<String> getDependsOn() { return dependsOn; }
  public void setDependsOn(List<String> dependsOn) { this.dependsOn = dependsOn; }
  public String getDepends() { return depends; }
  public void setDepends(String depends) { this.depends = depends; }
  public String getWhen() { return when; }
  public void setWhen(String when) { this.when = when; }
  public ContinueOn getContinueOn() { return continueOn; }
  public void setContinueOn(ContinueOn continueOn) { this.continueOn = continueOn; }

  /** True when {@code continueOn.failed} is set. */
  @com.fasterxml.jackson.annotation.JsonIgnore
  public boolean continuesOnFailure() {
    return continueOn != null && Boolean.TRUE.equals(continueOn.getFailed());
  }
  public RetryPolicy getRetries() { return retries; }
  public void setRetries(RetryPolicy retries) { this.retries = retries; }
  public String getTimeout() { return timeout; }
  public void setTimeout(String timeout) { this.timeout = timeout; }
  public JobSpec getTemplate() { return template; }
  public void setTemplate(JobSpec template) { this.template = template; }
  public Approval getApproval() { return approval; }
  public void setApproval(Approval approval) { this.approval = approval; }

  /**
   * The CRD schema of a template: an object kept as sent. The full JobSpec schema would be emitted
   * twice (steps and finally) and push the CRD past what {@code kubectl apply} can annotate; the one
   * validator checks templates instead.
   */
  public static final class JobTemplateSchema {}
}
