package dev.jobflow.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * A step that runs no Job: it waits until a person allowed by {@code approvers} approves or rejects it (annotation
 * {@code jobflow.dev/approve.<step>} or {@code jobflow approve|reject}), or until {@code timeout}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"message", "timeout", "onTimeout", "approvers"})
public class Approval {
  /** What a timeout does: fail the step ({@code ApprovalTimedOut}) or approve it. */
  public static final String ON_TIMEOUT_FAIL = "fail";
  public static final String ON_TIMEOUT_APPROVE = "approve";

  @JsonPropertyDescription("What the approvers are asked, shown in the ApprovalRequested Event and notifications.")
  private String message;

  @JsonPropertyDescription("How long to wait for a decision (Go-style duration); none: wait for ever.")
  private String timeout;

  @JsonPropertyDescription("fail (the default: the step fails with reason ApprovalTimedOut) or approve.")
  private String onTimeout;

  @JsonPropertyDescription("Who may decide: a user named in users or a member of one of groups.")
  private Approvers approvers;

  public Approval() {}

  public Approval(String message, String timeout, String onTimeout, Approvers approvers) {
    this.message = message;
    this.timeout = timeout;
    this.onTimeout = onTimeout;
    this.approvers = approvers;
  }

  public String getMessage() { return message; }
  public void setMessage(String message) { this.message = message; }
  public String getTimeout() { return timeout; }
  public void setTimeout(String timeout) { this.timeout = timeout; }
  public String getOnTimeout() { return onTimeout; }
  public void setOnTimeout(String onTimeout) { this.onTimeout = onTimeout; }
  public Approvers getApprovers() { return approvers; }
  public void setApprovers(Approvers approvers) { this.approvers = approvers; }
}
