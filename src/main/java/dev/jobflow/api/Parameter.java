package dev.jobflow.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Required;

/** A named value substituted for {@code {{params.NAME}}} in step templates. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class Parameter {
  @Required
  private String name;
  private String value;

  public Parameter() {}

  public Parameter(String name, String value) {
    this.name = name;
    this.value = value;
  }

  public String getName() { return name; }
  public void setName(String name) { this.name = name; }
  public String getValue() { return value; }
  public void setValue(String value) { this.value = value; }
}
