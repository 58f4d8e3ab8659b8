package dev.jobflow.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the controller observed. For very large flows {@code steps} holds only steps not Succeeded, at most a fixed
 * number of them ({@code stepsOmitted} says how many more there are), so the object stays small whatever the flow.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"phase", "observedGeneration", "progress", "message", "startedAt", "finishedAt", "stepCounts",
    "fanOut", "waitingForApproval", "steps", "stepsOmitted", "retries", "lastRetry", "conditions"})
public class JobFlowStatus {
  private FlowPhase phase;
  private Long observedGeneration;
  @JsonPropertyDescription("Finished steps / all steps, e.g. 2/4.")
  private String progress;
  @JsonPropertyDescription("Why the flow is in its phase, for humans.")
  private String message;
  private String startedAt;
  private String finishedAt;
  @JsonPropertyDescription("Number of steps per phase; always complete, also when steps is truncated.")
  private Map<String, Integer> stepCounts;
  @JsonPropertyDescription("Per fan-out step whose list is fixed: how many of its instances are in each phase. "
      + "Always complete, also when steps is truncated; one entry per fan-out step, at most 100.")
  private Map<String, FanOutStatus> fanOut;
  @JsonPropertyDescription("The approval steps waiting for a decision, comma-separated; absent when none waits.")
  private String waitingForApproval;
  private Map<String, StepStatus> steps = new LinkedHashMap<>();
  @JsonPropertyDescription("Steps of a large flow left out of steps (they are in the journal: jobflow audit); "
      + "absent when every step not Succeeded is listed.")
  private Integer stepsOmitted;
  @JsonPropertyDescription("How many times the flow was retried in place (jobflow retry); absent when never.")
  private Integer retries;
  private RetryStatus lastRetry;
  private List<Condition> conditions = new ArrayList<>();

  public FlowPhase getPhase() { return phase; }
  public void setPhase(FlowPhase phase) { this.phase = phase; }
  public Long getObservedGeneration() { return observedGeneration; }
  public void setObservedGeneration(Long observedGeneration) { this.observedGeneration = observedGeneration; }
  public String getProgress() { return progress; }
  public void setProgress(String progress) { this.progress = progress; }
  public String getMessage() { return message; }
  public void setMessage(String message) { this.message = message; }
  public String getStartedAt() { return startedAt; }
  public void setStartedAt(String startedAt) { this.startedAt = startedAt; }
  public String getFinishedAt() { return finishedAt; }
  public void setFinishedAt(String finishedAt) { this.finishedAt = finishedAt; }
  public Map<String, Integer> getStepCounts() { return stepCounts; }
  public void setStepCounts(Map<String, Integer> stepCounts) { this.stepCounts = stepCounts; }
  public Map<String, FanOutStatus> getFanOut() { return fanOut; }
  public void setFanOut(Map<String, FanOutStatus> fanOut) { this.fanOut = fanOut; }
  public String getWaitingForApproval() { return waitingForApproval; }
  public void setWaitingForApproval(String waitingForApproval) { this.waitingForApproval = waitingForApproval; }
  public Map<String, StepStatus> getSteps() { return steps; }
  public void setSteps(Map<String, StepStatus> steps) { this.steps = steps; }
  public Integer getStepsOmitted() { return stepsOmitted; }
  public void setStepsOmitted(Integer stepsOmitted) { this.stepsOmitted = stepsOmitted; }
  public Integer getRetries() { return retries; }
  public void setRetries(Integer retries) { this.retries = retries; }
  public RetryStatus getLastRetry() { return lastRetry; }
  public void setLastRetry(RetryStatus lastRetry) { this.lastRetry = lastRetry; }
  public List<Condition> getConditions() { return conditions; }
  public void setConditions(List<Condition> conditions) { this.conditions = conditions; }
}
