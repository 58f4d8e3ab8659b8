package dev.jobflow.trigger;

/**
 * What the trigger endpoint tells its surroundings: metrics, per namespace and trigger. The trigger label is bounded
 * by the JobFlowTriggers that exist (an unknown name is counted under rejected, reason {@code UnknownTrigger}, with
 * no trigger label value of its own).
 */
public interface TriggerEndpointObserver {
  /** Firings (alerts, or documents) that arrived for a known trigger. */
  void received(String namespace, String trigger, int firings);

  /** A firing no filter let through; {@code filter} names the one that said no. */
  void filtered(String namespace, String trigger, String filter);

  /** A firing that repeats one accepted within the window. */
  void deduplicated(String namespace, String trigger);

  /** A firing that created a flow. */
  void created(String namespace, String trigger);

  /** A request (or a firing of one) refused; {@code reason} is CamelCase (Unauthorized, RateLimited, ...). */
  void rejected(String namespace, String trigger, String reason);

  TriggerEndpointObserver NONE = new TriggerEndpointObserver() {
    public void received(String namespace, String trigger, int firings) {}

    public void filtered(String namespace, String trigger, String filter) {}

    public void deduplicated(String namespace, String trigger) {}

    public void created(String namespace, String trigger) {}

    public void rejected(String namespace, String trigger, String reason) {}
  };
}
