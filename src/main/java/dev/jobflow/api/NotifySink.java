package dev.jobflow.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import java.util.List;
import java.util.Map;

/**
 * An HTTP endpoint that receives the flow's notifications as CloudEvents (docs/notifications.md). The controller reads
 * it when the flow starts and records it in the journal with the flow's definition; the token itself is read from
 * the Secret at each delivery and never stored.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"url", "events", "headers", "bearerTokenSecretRef"})
public class NotifySink {
  /** The event names {@code events} accepts: the CloudEvent type without its {@code dev.jobflow.} prefix. */
  public static final List<String> EVENTS = List.of("flow.started", "flow.succeeded", "flow.failed",
      "flow.cancelled", "step.failed", "approval.requested");

  @Required
  @Pattern("^[hH][tT][tT][pP][sS]?://.+")
  @JsonPropertyDescription("Where the CloudEvents are POSTed: an http:// or https:// URL.")
  private String url;

  @JsonPropertyDescription("Only these events (flow.started, flow.succeeded, flow.failed, flow.cancelled, "
      + "step.failed, approval.requested). Default: all of them.")
  private List<String> events;

  @JsonPropertyDescription("Extra HTTP headers sent with each request. They are stored in the journal: put secrets "
      + "in bearerTokenSecretRef instead.")
  private Map<String, String> headers;

  @JsonPropertyDescription("A key of a Secret in the flow's namespace whose value is sent as "
      + "'Authorization: Bearer <token>'; read at each delivery, never stored.")
  private TriggerAuth.SecretKeyRef bearerTokenSecretRef;

  public NotifySink() {}

  public NotifySink(String url) {
    this.url = url;
  }

  public String getUrl() { return url; }
  public void setUrl(String url) { this.url = url; }
  public List<String> getEvents() { return events; }
  public void setEvents(List<String> events) { this.events = events; }
  public Map<String, String> getHeaders() { return headers; }
  public void setHeaders(Map<String, String> headers) { this.headers = headers; }
  public TriggerAuth.SecretKeyRef getBearerTokenSecretRef() { return bearerTokenSecretRef; }
  public void setBearerTokenSecretRef(TriggerAuth.SecretKeyRef ref) { this.bearerTokenSecretRef = ref; }
}
