package dev.jobflow.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;

/** What the schedule has done, as its journal tells it. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"observedGeneration", "lastScheduleTime", "lastSuccessfulTime", "nextScheduleTime", "active",
    "conditions"})
public class CronJobFlowStatus {
  private Long observedGeneration;
  @JsonPropertyDescription("The scheduled time of the last run started.")
  private String lastScheduleTime;
  @JsonPropertyDescription("When the last run that succeeded finished.")
  private String lastSuccessfulTime;
  @JsonPropertyDescription("When the next run is due; absent while suspended.")
  private String nextScheduleTime;
  @JsonPropertyDescription("The runs not finished yet.")
  private List<FlowReference> active = new ArrayList<>();
  private List<Condition> conditions = new ArrayList<>();

  public Long getObservedGeneration() { return observedGeneration; }
  public void setObservedGeneration(Long observedGeneration) { this.observedGeneration = observedGeneration; }
  public String getLastScheduleTime() { return lastScheduleTime; }
  public void setLastScheduleTime(String lastScheduleTime) { this.lastScheduleTime = lastScheduleTime; }
  public String getLastSuccessfulTime() { return lastSuccessfulTime; }
  public void setLastSuccessfulTime(String lastSuccessfulTime) { this.lastSuccessfulTime = lastSuccessfulTime; }
  public String getNextScheduleTime() { return nextScheduleTime; }
  public void setNextScheduleTime(String nextScheduleTime) { this.nextScheduleTime = nextScheduleTime; }
  public List<FlowReference> getActive() { return active; }
  public void setActive(List<FlowReference> active) { this.active = active; }
  public List<Condition> getConditions() { return conditions; }
  public void setConditions(List<Condition> conditions) { this.conditions = conditions; }
}
