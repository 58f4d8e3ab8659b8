package dev.jobflow.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.LinkedHashMap;
import java.util.Map;

/** Which firings create a flow: every condition given must hold. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public class TriggerFilters {
  @JsonPropertyDescription("alertmanager: the alert status that counts: firing, resolved or any. Default: firing.")
  private String status;

  @JsonPropertyDescription("alertmanager: labels the alert must have with exactly these values.")
  private Map<String, String> labels = new LinkedHashMap<>();

  @JsonPropertyDescription("alertmanager: labels whose whole value must match these regular expressions (an absent "
      + "label is the empty string).")
  private Map<String, String> labelsMatch = new LinkedHashMap<>();

  @JsonPropertyDescription("webhook: a CEL expression over `body` (the JSON document) that must be true.")
  private String expression;

  public String getStatus() { return status; }
  public void setStatus(String status) { this.status = status; }
  public Map<String, String> getLabels() { return labels; }
  public void setLabels(Map<String, String> labels) { this.labels = labels; }
  public Map<String, String> getLabelsMatch() { return labelsMatch; }
  public void setLabelsMatch(Map<String, String> labelsMatch) { this.labelsMatch = labelsMatch; }
  public String getExpression() { return expression; }
  public void setExpression(String expression) { this.expression = expression; }
}
