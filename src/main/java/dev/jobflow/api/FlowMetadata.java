package dev.jobflow.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.LinkedHashMap;
import java.util.Map;

/** Labels and annotations given to every JobFlow a {@link CronJobFlow} creates. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public class FlowMetadata {
  @JsonPropertyDescription("Labels of each created JobFlow (the jobflow.dev/* labels are added).")
  private Map<String, String> labels = new LinkedHashMap<>();

  @JsonPropertyDescription("Annotations of each created JobFlow.")
  private Map<String, String> annotations = new LinkedHashMap<>();

  public Map<String, String> getLabels() { return labels; }
  public void setLabels(Map<String, String> labels) { this.labels = labels; }
  public Map<String, String> getAnnotations() { return annotations; }
  public void setAnnotations(Map<String, String> annotations) { this.annotations = annotations; }
}
