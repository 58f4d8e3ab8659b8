package dev.jobflow.trigger;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.TreeMap;

/**
 * One firing as a trigger reads it: an alert of Alertmanager's payload, or a generic webhook's whole document.
 *
 * @param name the {@code alertname} label; null for a webhook document
 * @param status {@code firing} or {@code resolved}; null for a webhook document
 * @param body the alert's or the document's JSON (CEL reads it as {@code body})
 */
public record Alert(String name, String status, Map<String, String> labels, Map<String, String> annotations,
                    JsonNode body) {
  public Alert {
    labels = java.util.Collections.unmodifiableMap(new TreeMap<>(labels == null ? Map.of() : labels));
    annotations = java.util.Collections.unmodifiableMap(new TreeMap<>(annotations == null ? Map.of() : annotations));
  }

  /** A generic webhook's document. */
  public static Alert document(JsonNode body) {
    return new Alert(null, null, Map.of(), Map.of(), body);
  }
}
