package dev.jobflow.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** What a step's failure does not stop (Argo's {@code continueOn}). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ContinueOn {
  @JsonPropertyDescription("true: the step's failure neither fails the flow nor blocks its dependents.")
  private Boolean failed;

  public ContinueOn() {}

  public ContinueOn(Boolean failed) {
    this.failed = failed;
  }

  public Boolean getFailed() { return failed; }
  public void setFailed(Boolean failed) { this.failed = failed; }
}
