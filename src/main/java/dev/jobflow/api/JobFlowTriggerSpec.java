package dev.jobflow.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.fabric8.generator.annotation.Required;

/** Where firings come from, who may send them, which ones count, how repeats are dropped, and the flow to create. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"source", "auth", "filters", "dedup", "rateLimit", "flow"})
public class JobFlowTriggerSpec {
  @Required
  @JsonPropertyDescription("alertmanager: Alertmanager's webhook payload (version 4), each alert in it handled. "
      + "webhook: any JSON document, read with CEL over `body`.")
  private TriggerSource source;

  @Required
  @JsonPropertyDescription("Who may POST to this trigger.")
  private TriggerAuth auth;

  @JsonPropertyDescription("Which firings create a flow; the others are answered as filtered.")
  private TriggerFilters filters;

  @JsonPropertyDescription("How repeats of one alert are recognised and dropped.")
  private TriggerDedup dedup;

  @JsonPropertyDescription("At most so many flows per period; beyond, 429 with Retry-After.")
  private TriggerRateLimit rateLimit;

  @Required
  @JsonPropertyDescription("The JobFlow each accepted firing creates.")
  private TriggerFlow flow;

  public TriggerSource getSource() { return source; }
  public void setSource(TriggerSource source) { this.source = source; }
  public TriggerAuth getAuth() { return auth; }
  public void setAuth(TriggerAuth auth) { this.auth = auth; }
  public TriggerFilters getFilters() { return filters; }
  public void setFilters(TriggerFilters filters) { this.filters = filters; }
  public TriggerDedup getDedup() { return dedup; }
  public void setDedup(TriggerDedup dedup) { this.dedup = dedup; }
  public TriggerRateLimit getRateLimit() { return rateLimit; }
  public void setRateLimit(TriggerRateLimit rateLimit) { this.rateLimit = rateLimit; }
  public TriggerFlow getFlow() { return flow; }
  public void setFlow(TriggerFlow flow) { this.flow = flow; }
}
