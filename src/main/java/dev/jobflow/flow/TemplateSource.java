package dev.jobflow.flow;

/**
 * The JobFlowTemplate a flow's steps came from, as it was when the flow was accepted: recorded in
 * {@link FlowEvent.FlowAccepted} so the audit trail says exactly which version ran. {@code uid} and
 * {@code resourceVersion} are null when the template was not found at acceptance (the flow then fails with
 * {@code TemplateNotFound}).
 */
public record TemplateSource(String name, String uid, String resourceVersion) implements JsonSerializable {

  /** A template the flow names but that did not exist when the flow was accepted. */
  public static TemplateSource notFound(String name) {
    return new TemplateSource(name, null, null);
  }

  public boolean found() {
    return uid != null;
  }
}
