package dev.jobflow.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Min;

/** Exponential spacing of retries. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class Backoff {
  @JsonPropertyDescription("Delay before the first retry (Go-style duration). Default: 10s.")
  private String duration;

  @Min(1)
  @JsonPropertyDescription("Multiplier applied per further retry (>= 1). Default: 2.")
  private Double factor;

  @JsonPropertyDescription("Upper bound of any one delay (Go-style duration). Default: none.")
  private String maxDuration;

  public Backoff() {}

  public Backoff(String duration, Double factor, String maxDuration) {
    this.duration = duration;
    this.factor = factor;
    this.maxDuration = maxDuration;
  }

  public String getDuration() { return duration; }
  public void setDuration(String duration) { this.duration = duration; }
  public Double getFactor() { return factor; }
  public void setFactor(Double factor) { this.factor = factor; }
  public String getMaxDuration() { return maxDuration; }
  public void setMaxDuration(String maxDuration) { this.maxDuration = maxDuration; }
}
