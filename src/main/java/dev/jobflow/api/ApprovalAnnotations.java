package dev.jobflow.api;

import java.util.Map;
import java.util.TreeMap;

/**
 * The annotations that approve or reject a step. A person writes {@code jobflow.dev/approve.<step>: approve|reject}
 * (and optionally {@code jobflow.dev/comment.<step>}); the mutating webhook replaces them with
 * {@code jobflow.dev/decision.<step>}, stamped with the requester from the admission request, and the controller
 * reads only the stamped one. One place for the keys, so the webhook, the controller and the CLI agree.
 */
public final class ApprovalAnnotations {
  public static final String PREFIX = JobFlow.GROUP + "/";
  public static final String REQUEST = PREFIX + "approve.";
  public static final String COMMENT = PREFIX + "comment.";
  public static final String DECISION = PREFIX + "decision.";
  /**
   * The longest step name an approval step may have: an annotation key's name part is at most 63 characters, and
   * {@code decision.} takes 9 of them.
   */
  public static final int MAX_STEP_NAME = 63 - "decision.".length();

  private ApprovalAnnotations() {}

  public static String requestKey(String step) {
    return REQUEST + step;
  }

  public static String commentKey(String step) {
    return COMMENT + step;
  }

  public static String decisionKey(String step) {
    return DECISION + step;
  }

  /** The stamped decision annotations' raw values by step (sorted, so two maps compare by content). */
  public static Map<String, String> decisionValues(Map<String, String> annotations) {
    return byStep(annotations, DECISION);
  }

  /** The approve/reject requests a person wrote, by step. */
  public static Map<String, String> requests(Map<String, String> annotations) {
    return byStep(annotations, REQUEST);
  }

  /** The stamped decisions that read, by step; values that are not stamped decisions are left out. */
  public static Map<String, ApprovalDecision> decisions(Map<String, String> annotations) {
    Map<String, ApprovalDecision> out = new TreeMap<>();
    decisionValues(annotations).forEach((step, value) -> {
      ApprovalDecision d = ApprovalDecision.parse(value);
      if (d != null) {
        out.put(step, d);
      }
    });
    return out;
  }

  private static Map<String, String> byStep(Map<String, String> annotations, String prefix) {
    Map<String, String> out = new TreeMap<>();
    if (annotations != null) {
      annotations.forEach((key, value) -> {
        if (key.startsWith(prefix) && key.length() > prefix.length()) {
          out.put(key.substring(prefix.length()), value);
        }
      });
    }
    return out;
  }
}
