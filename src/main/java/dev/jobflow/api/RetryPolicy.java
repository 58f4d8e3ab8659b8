package dev.jobflow.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;

/** Retries of a step: up to {@code limit} extra attempts, spaced by {@code backoff}. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RetryPolicy {
  @Min(0)
  @Max(100)
  @JsonPropertyDescription("Extra attempts after the first one fails (0..100).")
  private Integer limit;

  @JsonPropertyDescription("Delay before attempt n+1: duration x factor^(n-1), capped at maxDuration.")
  private Backoff backoff;

  public RetryPolicy() {}

  public RetryPolicy(Integer limit, Backoff backoff) {
    this.limit = limit;
    this.backoff = backoff;
  }

  public Integer getLimit() { return limit; }
  public void setLimit(Integer limit) { this.limit = limit; }
  public Backoff getBackoff() { return backoff; }
  public void setBackoff(Backoff backoff) { this.backoff = backoff; }
}
