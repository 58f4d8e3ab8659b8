package dev.jobflow.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;

/** At most {@code flows} flows created per {@code period}, counted from the trigger's journal. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class TriggerRateLimit {
  @Required
  @Min(1)
  @JsonPropertyDescription("Flows the trigger may create per period.")
  private Integer flows;

  @JsonPropertyDescription("The period (Go duration). Default: 1m.")
  private String period;

  public Integer getFlows() { return flows; }
  public void setFlows(Integer flows) { this.flows = flows; }
  public String getPeriod() { return period; }
  public void setPeriod(String period) { this.period = period; }
}
