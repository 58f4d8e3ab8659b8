package dev.jobflow.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.ArrayList;
import java.util.List;

/** A repeat is a firing with the fingerprint of one accepted less than {@code window} ago. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public class TriggerDedup {
  @JsonPropertyDescription("How long after a firing was accepted its repeats are dropped (Go duration). Default: 5m.")
  private String window;

  @JsonPropertyDescription("alertmanager: the labels the fingerprint is made of. Default: the alert name and all "
      + "its labels.")
  private List<String> fingerprintLabels = new ArrayList<>();

  @JsonPropertyDescription("webhook: a CEL expression over `body` whose string value is the fingerprint. Default: "
      + "the whole document.")
  private String fingerprintExpression;

  public String getWindow() { return window; }
  public void setWindow(String window) { this.window = window; }
  public List<String> getFingerprintLabels() { return fingerprintLabels; }
  public void setFingerprintLabels(List<String> fingerprintLabels) { this.fingerprintLabels = fingerprintLabels; }
  public String getFingerprintExpression() { return fingerprintExpression; }
  public void setFingerprintExpression(String expression) { this.fingerprintExpression = expression; }
}
