package dev.jobflow.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.fabric8.generator.annotation.Required;
import java.util.ArrayList;
import java.util.List;

/** The JobFlow a trigger creates: a template and the parameters filled from the firing. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"metadata", "templateRef", "parameters"})
public class TriggerFlow {
  @JsonPropertyDescription("Labels and annotations of each created JobFlow.")
  private FlowMetadata metadata;

  @Required
  @JsonPropertyDescription("The JobFlowTemplate (in the trigger's namespace) each created flow runs.")
  private TemplateRef templateRef;

  @JsonPropertyDescription("The template's parameters, from the firing.")
  private List<TriggerParameter> parameters = new ArrayList<>();

  public FlowMetadata getMetadata() { return metadata; }
  public void setMetadata(FlowMetadata metadata) { this.metadata = metadata; }
  public TemplateRef getTemplateRef() { return templateRef; }
  public void setTemplateRef(TemplateRef templateRef) { this.templateRef = templateRef; }
  public List<TriggerParameter> getParameters() { return parameters; }
  public void setParameters(List<TriggerParameter> parameters) { this.parameters = parameters; }
}
