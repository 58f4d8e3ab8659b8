package dev.jobflow.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;

/** One parameter of the created flow: a text with alert placeholders, or a CEL expression over the body. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class TriggerParameter {
  @Required
  private String name;

  @JsonPropertyDescription("alertmanager: text in which {{alert.labels.X}}, {{alert.annotations.X}}, {{alert.name}}, "
      + "{{alert.status}} and {{alert.fingerprint}} are replaced (an absent label is the empty string).")
  private String value;

  @JsonPropertyDescription("webhook: a CEL expression over `body` whose value (a string, number or bool) is the "
      + "parameter's.")
  private String expression;

  public TriggerParameter() {}

  public TriggerParameter(String name, String value, String expression) {
    this.name = name;
    this.value = value;
    this.expression = expression;
  }

  public String getName() { return name; }
  public void setName(String name) { this.name = name; }
  public String getValue() { return value; }
  public void setValue(String value) { this.value = value; }
  public String getExpression() { return expression; }
  public void setExpression(String expression) { this.expression = expression; }
}
