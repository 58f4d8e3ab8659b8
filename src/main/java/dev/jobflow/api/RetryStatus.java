package dev.jobflow.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/** The latest retry of a flow in place, as its journal's {@code FlowRetried} records it. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"request", "step", "requestedBy", "requestedAt", "retriedAt", "steps"})
public class RetryStatus {
  @JsonPropertyDescription("The jobflow.dev/retry annotation's value that asked for it; a new value asks again.")
  private String request;
  @JsonPropertyDescription("The step it restarted from (jobflow.dev/retry-step), if one was named.")
  private String step;
  @JsonPropertyDescription("Who asked: the user of the admission request, as the webhook stamped it.")
  private String requestedBy;
  private String requestedAt;
  @JsonPropertyDescription("When the controller recorded the retry.")
  private String retriedAt;
  @JsonPropertyDescription("How many steps run again in this round.")
  private Integer steps;

  public String getRequest() { return request; }
  public void setRequest(String request) { this.request = request; }
  public String getStep() { return step; }
  public void setStep(String step) { this.step = step; }
  public String getRequestedBy() { return requestedBy; }
  public void setRequestedBy(String requestedBy) { this.requestedBy = requestedBy; }
  public String getRequestedAt() { return requestedAt; }
  public void setRequestedAt(String requestedAt) { this.requestedAt = requestedAt; }
  public String getRetriedAt() { return retriedAt; }
  public void setRetriedAt(String retriedAt) { this.retriedAt = retriedAt; }
  public Integer getSteps() { return steps; }
  public void setSteps(Integer steps) { this.steps = steps; }
}
