package dev.jobflow.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.Iterator;
import java.util.Map;

/**
 * JSON merge patch (RFC 7386): objects merge, everything else replaces, {@code null} removes.
 * Strategic merge patches are applied the same way (lists are replaced, not merged by key): enough
 * for kubectl's label/annotate/apply on the kinds the emulator serves.
 */
final class MergePatch {
  private MergePatch() {}

  static JsonNode apply(JsonNode target, JsonNode patch) {
    if (!patch.isObject()) {
      return patch.deepCopy();
    }
    ObjectNode result = target != null && target.isObject()
        ? (ObjectNode) target.deepCopy() : Serialization.jsonMapper().createObjectNode();
    for (Iterator<Map.Entry<String, JsonNode>> it = patch.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> field = it.next();
      if (field.getKey().startsWith("$")) {
        continue; // strategic-merge directives ($patch, $retainKeys, ...)
      }
      if (field.getValue().isNull()) {
        result.remove(field.getKey());
      } else {
        result.set(field.getKey(), apply(result.get(field.getKey()), field.getValue()));
      }
    }
    return result;
  }
}
