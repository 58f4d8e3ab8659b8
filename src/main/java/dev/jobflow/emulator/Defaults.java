package dev.jobflow.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** The defaults a real API server fills in on create, for the kinds whose defaults Jobflow reads. */
final class Defaults {
  private Defaults() {}

  static void apply(ResourceType type, JsonNode object) {
    if (type.group().equals("batch") && type.plural().equals("jobs") && object.path("spec").isObject()) {
      ObjectNode spec = (ObjectNode) object.get("spec");
      putIfAbsent(spec, "backoffLimit", 6);
      putIfAbsent(spec, "completions", 1);
      putIfAbsent(spec, "parallelism", 1);
      if (!spec.has("completionMode")) {
        spec.put("completionMode", "NonIndexed");
      }
      if (!spec.has("suspend")) {
        spec.put("suspend", false);
      }
    }
  }

  private static void putIfAbsent(ObjectNode node, String field, int value) {
    if (!node.hasNonNull(field)) {
      node.put(field, value);
    }
  }
}
