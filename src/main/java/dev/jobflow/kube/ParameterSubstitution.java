package dev.jobflow.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.fabric8.kubernetes.api.model.batch.v1.JobSpec;
import java.util.Iterator;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Replaces {@code {{params.NAME}}} in every string of a Job template. Works on the JSON tree, so a value
 * with quotes or newlines cannot break the document; an undeclared name is left as written (the validator
 * rejects those before a flow is accepted).
 */
public final class ParameterSubstitution {
  public static final Pattern REFERENCE = Pattern.compile("\\{\\{\\s*params\\.([A-Za-z0-9_.-]+)\\s*}}");
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private ParameterSubstitution() {}

  public static JobSpec apply(JobSpec template, Map<String, String> parameters) {
    JsonNode tree = MAPPER.valueToTree(template);
    JsonNode substituted = substitute(tree, parameters);
    return MAPPER.convertValue(substituted, JobSpec.class);
  }

  static String substitute(String text, Map<String, String> parameters) {
    if (text.indexOf("{{") < 0) {
      return text;
    }
    Matcher m = REFERENCE.matcher(text);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String value = parameters.get(m.group(1));
      m.appendReplacement(out, Matcher.quoteReplacement(value == null ? m.group() : value));
    }
    m.appendTail(out);
    return out.toString();
  }

  private static JsonNode substitute(JsonNode node, Map<String, String> parameters) {
    if (node.isTextual()) {
      return TextNode.valueOf(substitute(node.asText(), parameters));
    }
    if (node.isObject()) {
      ObjectNode object = (ObjectNode) node;
      for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> field = it.next();
        field.setValue(substitute(field.getValue(), parameters));
      }
      return object;
    }
    if (node.isArray()) {
      ArrayNode array = (ArrayNode) node;
      for (int i = 0; i < array.size(); i++) {
        array.set(i, substitute(array.get(i), parameters));
      }
    }
    return node;
  }
}
