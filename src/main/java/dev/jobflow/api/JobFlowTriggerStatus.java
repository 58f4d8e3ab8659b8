package dev.jobflow.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;

/** What the trigger has done, as its journal tells it. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"observedGeneration", "endpoint", "flowsCreated", "lastFlow", "lastTriggeredTime", "conditions"})
public class JobFlowTriggerStatus {
  private Long observedGeneration;
  @JsonPropertyDescription("The path senders POST to, on the controller's trigger port.")
  private String endpoint;
  @JsonPropertyDescription("Flows created since the trigger was created.")
  private Long flowsCreated;
  @JsonPropertyDescription("The name of the last flow created.")
  private String lastFlow;
  @JsonPropertyDescription("When the last flow was decided.")
  private String lastTriggeredTime;
  private List<Condition> conditions = new ArrayList<>();

  public Long getObservedGeneration() { return observedGeneration; }
  public void setObservedGeneration(Long observedGeneration) { this.observedGeneration = observedGeneration; }
  public String getEndpoint() { return endpoint; }
  public void setEndpoint(String endpoint) { this.endpoint = endpoint; }
  public Long getFlowsCreated() { return flowsCreated; }
  public void setFlowsCreated(Long flowsCreated) { this.flowsCreated = flowsCreated; }
  public String getLastFlow() { return lastFlow; }
  public void setLastFlow(String lastFlow) { this.lastFlow = lastFlow; }
  public String getLastTriggeredTime() { return lastTriggeredTime; }
  public void setLastTriggeredTime(String lastTriggeredTime) { this.lastTriggeredTime = lastTriggeredTime; }
  public List<Condition> getConditions() { return conditions; }
  public void setConditions(List<Condition> conditions) { this.conditions = conditions; }
}
