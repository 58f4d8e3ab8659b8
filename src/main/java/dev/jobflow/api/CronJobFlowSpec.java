package dev.jobflow.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;

/** When to run a flow and what to do with overlaps and history; the fields mean what CronJob's of that name mean. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"schedule", "timeZone", "concurrencyPolicy", "startingDeadlineSeconds", "suspend",
    "successfulFlowsHistoryLimit", "failedFlowsHistoryLimit", "flowMetadata", "flowSpec"})
public class CronJobFlowSpec {
  @Required
  @JsonPropertyDescription("Standard 5-field cron expression (minute hour day-of-month month day-of-week), or @hourly, "
      + "@daily, @midnight, @weekly, @monthly, @yearly, @annually.")
  private String schedule;

  @JsonPropertyDescription("IANA time zone the schedule is read in, e.g. Europe/Berlin. Default: UTC.")
  private String timeZone;

  @JsonPropertyDescription("Allow (default): runs may overlap. Forbid: skip a run while one is active. Replace: cancel "
      + "the active runs and start the new one.")
  private ConcurrencyPolicy concurrencyPolicy;

  @Min(0)
  @JsonPropertyDescription("A run that could not start within this many seconds of its time is missed. Default: no "
      + "deadline (after downtime, the most recent missed run starts).")
  private Long startingDeadlineSeconds;

  @JsonPropertyDescription("true: start no new runs; running ones go on.")
  private Boolean suspend;

  @Min(0)
  @JsonPropertyDescription("Succeeded flows to keep; older ones are deleted (their journal stays). Default: 3.")
  private Integer successfulFlowsHistoryLimit;

  @Min(0)
  @JsonPropertyDescription("Failed or cancelled flows to keep; older ones are deleted (their journal stays). Default: 1.")
  private Integer failedFlowsHistoryLimit;

  @JsonPropertyDescription("Labels and annotations of each created JobFlow.")
  private FlowMetadata flowMetadata;

  @Required
  @JsonPropertyDescription("The spec of each created JobFlow: inline steps, or a templateRef with parameters.")
  private JobFlowSpec flowSpec;

  public String getSchedule() { return schedule; }
  public void setSchedule(String schedule) { this.schedule = schedule; }
  public String getTimeZone() { return timeZone; }
  public void setTimeZone(String timeZone) { this.timeZone = timeZone; }
  public ConcurrencyPolicy getConcurrencyPolicy() { return concurrencyPolicy; }
  public void setConcurrencyPolicy(ConcurrencyPolicy concurrencyPolicy) { this.concurrencyPolicy = concurrencyPolicy; }
  public Long getStartingDeadlineSeconds() { return startingDeadlineSeconds; }
  public void setStartingDeadlineSeconds(Long startingDeadlineSeconds) { this.startingDeadlineSeconds = startingDeadlineSeconds; }
  public Boolean getSuspend() { return suspend; }
  public void setSuspend(Boolean suspend) { this.suspend = suspend; }
  public Integer getSuccessfulFlowsHistoryLimit() { return successfulFlowsHistoryLimit; }
  public void setSuccessfulFlowsHistoryLimit(Integer limit) { this.successfulFlowsHistoryLimit = limit; }
  public Integer getFailedFlowsHistoryLimit() { return failedFlowsHistoryLimit; }
  public void setFailedFlowsHistoryLimit(Integer limit) { this.failedFlowsHistoryLimit = limit; }
  public FlowMetadata getFlowMetadata() { return flowMetadata; }
  public void setFlowMetadata(FlowMetadata flowMetadata) { this.flowMetadata = flowMetadata; }
  public JobFlowSpec getFlowSpec() { return flowSpec; }
  public void setFlowSpec(JobFlowSpec flowSpec) { this.flowSpec = flowSpec; }
}
