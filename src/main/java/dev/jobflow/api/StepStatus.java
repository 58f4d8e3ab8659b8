package dev.jobflow.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/** The observed state of one step. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"phase", "attempts", "job", "startedAt", "finishedAt", "nextAttemptAt", "reason", "message",
    "exitCode", "outputs"})
public class StepStatus {
  private StepPhase phase;
  private Integer attempts;
  private String job;
  private String startedAt;
  private String finishedAt;
  private String nextAttemptAt;
  private String reason;
  private String message;
  @com.fasterxml.jackson.annotation.JsonPropertyDescription("Exit code of the step's last container run, when the flow reads it.")
  private Integer exitCode;
  @com.fasterxml.jackson.annotation.JsonPropertyDescription("What the step's containers wrote to their termination messages, when the flow reads them.")
  private java.util.Map<String, String> outputs;

  public StepPhase getPhase() { return phase; }
  public void setPhase(StepPhase phase) { this.phase = phase; }
  public Integer getAttempts() { return attempts; }
  public void setAttempts(Integer attempts) { this.attempts = attempts; }
  public String getJob() { return job; }
  public void setJob(String job) { this.job = job; }
  public String getStartedAt() { return startedAt; }
  public void setStartedAt(String startedAt) { this.startedAt = startedAt; }
  public String getFinishedAt() { return finishedAt; }
  public void setFinishedAt(String finishedAt) { this.finishedAt = finishedAt; }
  public String getNextAttemptAt() { return nextAttemptAt; }
  public void setNextAttemptAt(String nextAttemptAt) { this.nextAttemptAt = nextAttemptAt; }
  public String getReason() { return reason; }
  public void setReason(String reason) { this.reason = reason; }
  public String getMessage() { return message; }
  public void setMessage(String message) { this.message = message; }
  public Integer getExitCode() { return exitCode; }
  public void setExitCode(Integer exitCode) { this.exitCode = exitCode; }
  public java.util.Map<String, String> getOutputs() { return outputs; }
  public void setOutputs(java.util.Map<String, String> outputs) { this.outputs = outputs; }
}
