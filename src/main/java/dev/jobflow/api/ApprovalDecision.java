package dev.jobflow.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * A decision on an approval step as the mutating webhook stamped it into {@code jobflow.dev/decision.<step>}: the
 * verdict, and who gave it as the API server authenticated them (the admission request's {@code userInfo}), never as
 * the user wrote it.
 *
 * @param approved true for approve, false for reject
 * @param at when the API server admitted it (RFC 3339)
 */
public record ApprovalDecision(boolean approved, String user, List<String> groups, String comment, String at) {
  public static final String APPROVE = "approve";
  public static final String REJECT = "reject";
  private static final ObjectMapper JSON = new ObjectMapper();

  public ApprovalDecision {
    groups = groups == null ? List.of() : List.copyOf(groups);
  }

  public String verdict() {
    return approved ? APPROVE : REJECT;
  }

  /** The annotation value: compact JSON. */
  public String toJson() {
    ObjectNode node = JSON.createObjectNode();
    node.put("decision", verdict());
    node.put("user", user);
    groups.forEach(node.putArray("groups")::add);
    if (comment != null && !comment.isEmpty()) {
      node.put("comment", comment);
    }
    node.put("at", at);
    try {
      return JSON.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e); // a tree of strings always serializes
    }
  }

  /** Reads an annotation value; null when it is not a stamped decision (then it is ignored and reported). */
  public static ApprovalDecision parse(String value) {
    if (value == null) {
      return null;
    }
    try {
      JsonNode node = JSON.readTree(value);
      String decision = node.path("decision").asText("");
      String user = node.path("user").asText("");
      if (!(decision.equals(APPROVE) || decision.equals(REJECT)) || user.isEmpty()) {
        return null;
      }
      List<String> groups = new ArrayList<>();
      node.path("groups").forEach(g -> groups.add(g.asText()));
      String comment = node.hasNonNull("comment") ? node.get("comment").asText() : null;
      return new ApprovalDecision(decision.equals(APPROVE), user, groups, comment, node.path("at").asText(null));
    } catch (JsonProcessingException e) {
      return null;
    }
  }
}
