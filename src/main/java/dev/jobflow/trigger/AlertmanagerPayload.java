package dev.jobflow.trigger;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Alertmanager's webhook payload, version 4 ({@code {"version": "4", "status", "receiver", "groupLabels",
 * "commonLabels", "alerts": [{status, labels, annotations, startsAt, endsAt, fingerprint, ...}]}}): each alert of
 * {@code alerts} is one firing. Only what a trigger reads is required; a wrong shape is named by its path.
 */
public final class AlertmanagerPayload {
  static final String VERSION = "4";

  private AlertmanagerPayload() {}

  public static List<Alert> alerts(JsonNode payload) throws BadPayloadException {
    if (payload == null || !payload.isObject()) {
      throw new BadPayloadException("", "the body must be a JSON object (Alertmanager's webhook payload)");
    }
    JsonNode version = payload.get("version");
    if (version != null && !VERSION.equals(version.asText())) {
      throw new BadPayloadException("version", "payload version " + version.asText() + " is not supported: "
          + "Alertmanager's webhook payload version " + VERSION + " is");
    }
    JsonNode alerts = payload.get("alerts");
    if (alerts == null || !alerts.isArray()) {
      throw new BadPayloadException("alerts", "must be a list of alerts");
    }
    List<Alert> out = new ArrayList<>();
    for (int i = 0; i < alerts.size(); i++) {
      out.add(alert(alerts.get(i), "alerts[" + i + "]"));
    }
    return out;
  }

  private static Alert alert(JsonNode alert, String path) throws BadPayloadException {
    if (!alert.isObject()) {
      throw new BadPayloadException(path, "must be an object");
    }
    JsonNode status = alert.get("status");
    if (status == null || !status.isTextual() || !(status.asText().equals("firing")
        || status.asText().equals("resolved"))) {
      throw new BadPayloadException(path + ".status", "must be firing or resolved");
    }
    Map<String, String> labels = strings(alert.get("labels"), path + ".labels");
    if (!labels.containsKey("alertname")) {
      throw new BadPayloadException(path + ".labels", "an alert has an alertname label");
    }
    return new Alert(labels.get("alertname"), status.asText(), labels,
        strings(alert.get("annotations"), path + ".annotations"), alert);
  }

  private static Map<String, String> strings(JsonNode node, String path) throws BadPayloadException {
    Map<String, String> out = new LinkedHashMap<>();
    if (node == null || node.isNull()) {
      return out;
    }
    if (!node.isObject()) {
      throw new BadPayloadException(path, "must be an object of strings");
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!e.getValue().isTextual()) {
        throw new BadPayloadException(path + "." + e.getKey(), "must be a string");
      }
      out.put(e.getKey(), e.getValue().asText());
    }
    return out;
  }
}
