package dev.jobflow.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.fabric8.generator.annotation.Required;

/** A parameter a {@link JobFlowTemplate} declares: required unless it has a default. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"name", "default", "description"})
public class TemplateParameter {
  @Required
  private String name;

  @JsonProperty("default")
  @JsonPropertyDescription("Used when the flow gives no value; without a default the parameter is required.")
  private String defaultValue;

  @JsonPropertyDescription("What the parameter means, for the people who run the template.")
  private String description;

  public TemplateParameter() {}

  public TemplateParameter(String name, String defaultValue) {
    this.name = name;
    this.defaultValue = defaultValue;
  }

  public String getName() { return name; }
  public void setName(String name) { this.name = name; }
  @JsonProperty("default")
  public String getDefault() { return defaultValue; }
  @JsonProperty("default")
  public void setDefault(String defaultValue) { this.defaultValue = defaultValue; }
  public String getDescription() { return description; }
  public void setDescription(String description) { this.description = description; }

  @com.fasterxml.jackson.annotation.JsonIgnore
  public boolean isRequired() {
    return defaultValue == null;
  }
}
