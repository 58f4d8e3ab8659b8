package dev.jobflow.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Required;

/**
 * A named value substituted for {@code {{params.NAME}}} in step templates and read as {@code params.NAME} by
 * conditions. Without a value it must be given when the flow is submitted; a {@code default} fills it otherwise
 * (the mutating webhook copies it into {@code value}).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@com.fasterxml.jackson.annotation.JsonPropertyOrder({"name", "value", "default"})
public class Parameter {
  @Required
  private String name;
  private String value;
  @com.fasterxml.jackson.annotation.JsonProperty("default")
  @com.fasterxml.jackson.annotation.JsonPropertyDescription("The value when the flow is submitted without one.")
  private String defaultValue;

  public Parameter() {}

  public Parameter(String name, String value) {
    this.name = name;
    this.value = value;
  }

  public Parameter(String name, String value, String defaultValue) {
    this(name, value);
    this.defaultValue = defaultValue;
  }

  public String getName() { return name; }
  public void setName(String name) { this.name = name; }
  public String getValue() { return value; }
  public void setValue(String value) { this.value = value; }
  @com.fasterxml.jackson.annotation.JsonProperty("default")
  public String getDefault() { return defaultValue; }
  @com.fasterxml.jackson.annotation.JsonProperty("default")
  public void setDefault(String defaultValue) { this.defaultValue = defaultValue; }

  /** The value the flow runs with: {@code value}, else {@code default}; null when it has neither. */
  @com.fasterxml.jackson.annotation.JsonIgnore
  public String effectiveValue() {
    return value != null ? value : defaultValue;
  }
}
