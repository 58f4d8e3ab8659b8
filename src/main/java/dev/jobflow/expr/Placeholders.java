package dev.jobflow.expr;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.fabric8.kubernetes.api.model.batch.v1.JobSpec;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one rule for {@code {{...}}} placeholders in step templates, used by the validator (what a template refers
 * to) and by the Job factory (what it becomes):
 * <ul>
 *   <li>{@code {{params.NAME}}}: a declared parameter's value;</li>
 *   <li>{@code {{steps.NAME.outputs.KEY}}}, {@code {{steps.NAME.phase}}}, {@code {{steps.NAME.exitCode}}}: how an
 *       upstream step (any DAG step, for a finally step) ended, as recorded in the journal.</li>
 * </ul>
 * Spaces inside the braces are allowed. Every string of the template is substituted, map keys included, in a
 * single pass: a value is inserted as it is and never scanned again, so a parameter whose value contains
 * {@code {{params.y}}} puts that text into the Job. Other {@code {{...}}} text is left alone.
 *
 * <p>A JobFlowTrigger's parameters follow the same rule with the kind {@code alert}: {@code {{alert.name}}},
 * {@code {{alert.status}}}, {@code {{alert.fingerprint}}}, {@code {{alert.labels.X}}} and
 * {@code {{alert.annotations.X}}} ({@link #alertProblems}, {@link #substituteAlert}).
 */
public final class Placeholders {
  /** {@code {{ params.X }}} or {@code {{ steps.X... }}}: the kind, then what follows the dot (possibly malformed). */
  private static final Pattern REFERENCE = Pattern.compile("\\{\\{\\s*(params|steps)\\.([^{}\\s]*)\\s*}}");
  /** {@code {{ alert.X }}}: what follows the dot (possibly malformed). */
  private static final Pattern ALERT_REFERENCE = Pattern.compile("\\{\\{\\s*alert\\.([^{}\\s]*)\\s*}}");
  private static final Pattern ALERT_FIELD = Pattern.compile("name|status|fingerprint|(labels|annotations)\\.[^{}\\s]+");
  private static final Pattern STEP = Pattern.compile("([a-z0-9]([-a-z0-9]*[a-z0-9])?)\\.(phase|exitCode|outputs\\.([A-Za-z0-9_.-]+))");
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private Placeholders() {}

  /**
   * One {@code {{...}}} of a template.
   *
   * @param text as written, braces included
   * @param name what it names without braces and spaces ({@code params.date}, {@code steps.extract.outputs.rows}):
   *     the key of its value
   * @param param the parameter's name, for {@code params.*}; else null
   * @param step the step's name, for {@code steps.*}; else null
   * @param field {@code phase}, {@code exitCode} or {@code outputs} for {@code steps.*}; else null
   * @param key the output's key for {@code steps.NAME.outputs.KEY}; else null
   * @param problem why it cannot be used as written, null when it can
   */
  public record Placeholder(String text, String name, String param, String step, String field, String key,
                            String problem) {
    public boolean isStep() {
      return step != null;
    }
  }

  /** Every placeholder in {@code text}, in order. */
  public static List<Placeholder> in(String text) {
    List<Placeholder> found = new ArrayList<>();
    if (text == null || text.indexOf("{{") < 0) {
      return found;
    }
    Matcher m = REFERENCE.matcher(text);
    while (m.find()) {
      found.add(read(m.group(), m.group(1), m.group(2)));
    }
    return found;
  }

  private static Placeholder read(String text, String kind, String rest) {
    String name = kind + "." + rest;
    if (kind.equals("params")) {
      return rest.isEmpty()
          ? new Placeholder(text, name, null, null, null, null, "'" + text + "' names no parameter: write {{params.NAME}}")
          : new Placeholder(text, name, rest, null, null, null, null);
    }
    Matcher s = STEP.matcher(rest);
    if (!s.matches()) {
      return new Placeholder(text, name, null, null, null, null, "'" + text + "' is not a step placeholder: write "
          + "{{steps.NAME.outputs.KEY}}, {{steps.NAME.phase}} or {{steps.NAME.exitCode}}");
    }
    String field = s.group(3).startsWith("outputs.") ? "outputs" : s.group(3);
    return new Placeholder(text, name, null, s.group(1), field, s.group(4), null);
  }

  /** The text with each placeholder whose name has a value replaced by it; the others stay as written. */
  public static String substitute(String text, Function<String, String> values) {
    return replace(REFERENCE, text, m -> values.apply(m.group(1) + "." + m.group(2)));
  }

  /**
   * What is wrong with each {@code {{alert...}}} of a trigger parameter's text: every one must name
   * {@code name}, {@code status}, {@code fingerprint}, {@code labels.X} or {@code annotations.X}.
   */
  public static List<String> alertProblems(String text) {
    List<String> problems = new ArrayList<>();
    if (text == null) {
      return problems;
    }
    Matcher m = ALERT_REFERENCE.matcher(text);
    while (m.find()) {
      if (!ALERT_FIELD.matcher(m.group(1)).matches()) {
        problems.add("'" + m.group() + "' names nothing of an alert: write {{alert.labels.NAME}}, "
            + "{{alert.annotations.NAME}}, {{alert.name}}, {{alert.status}} or {{alert.fingerprint}}");
      }
    }
    return problems;
  }

  /**
   * The text with each {@code {{alert.X}}} replaced by {@code values} of {@code X} ({@code labels.instance});
   * a name without a value becomes the empty string, as Alertmanager's templates print an absent label.
   */
  public static String substituteAlert(String text, Function<String, String> values) {
    return replace(ALERT_REFERENCE, text, m -> {
      String value = values.apply(m.group(1));
      return value == null ? "" : value;
    });
  }

  /** Single pass: each match replaced by its value (null keeps it as written), inserted text never rescanned. */
  private static String replace(Pattern pattern, String text, Function<Matcher, String> valueOf) {
    if (text.indexOf("{{") < 0) {
      return text;
    }
    Matcher m = pattern.matcher(text);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String value = valueOf.apply(m);
      m.appendReplacement(out, Matcher.quoteReplacement(value == null ? m.group() : value));
    }
    m.appendTail(out);
    return out.toString();
  }

  /**
   * The template with every placeholder substituted in every string, keys included.
   *
   * @param params parameter values by name ({@code date})
   * @param stepValues step values by placeholder name ({@code steps.extract.outputs.rows})
   */
  public static JobSpec substitute(JobSpec template, Map<String, String> params, Map<String, String> stepValues) {
    Function<String, String> values = name -> name.startsWith("params.")
        ? params.get(name.substring("params.".length())) : stepValues.get(name);
    JsonNode tree = MAPPER.valueToTree(template == null ? new JobSpec() : template);
    return MAPPER.convertValue(substitute(tree, values), JobSpec.class);
  }

  private static JsonNode substitute(JsonNode node, Function<String, String> values) {
    if (node.isTextual()) {
      return TextNode.valueOf(substitute(node.asText(), values));
    }
    if (node.isObject()) {
      ObjectNode object = (ObjectNode) node;
      Map<String, JsonNode> fields = new LinkedHashMap<>();
      for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> field = it.next();
        fields.put(substitute(field.getKey(), values), substitute(field.getValue(), values));
      }
      object.removeAll();
      fields.forEach(object::set);
      return object;
    }
    if (node.isArray()) {
      ArrayNode array = (ArrayNode) node;
      for (int i = 0; i < array.size(); i++) {
        array.set(i, substitute(array.get(i), values));
      }
    }
    return node;
  }
}
