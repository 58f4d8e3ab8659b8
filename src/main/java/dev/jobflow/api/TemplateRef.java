package dev.jobflow.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;

/** Names the {@link JobFlowTemplate} (in the flow's own namespace) whose steps a flow runs. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class TemplateRef {
  @Required
  @JsonPropertyDescription("Name of a JobFlowTemplate in the flow's namespace.")
  private String name;

  public TemplateRef() {}

  public TemplateRef(String name) {
    this.name = name;
  }

  public String getName() { return name; }
  public void setName(String name) { this.name = name; }
}
