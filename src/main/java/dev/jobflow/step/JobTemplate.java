package dev.jobflow.step;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.batch.v1.JobSpec;

/**
 * A step's JobSpec as the journal keeps it: JSON text. Parsed only where a Job is built, and not kept: a parsed spec
 * (pod spec, containers, their fifteen lists and six maps) was 1.5 KiB of every running step, held by its step
 * actor for as long as its Job ran, while the text is shared with the flow's definition.
 */
public final class JobTemplate {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private JobTemplate() {}

  /** The spec the text describes (an empty one for none); {@link IllegalArgumentException} when it is not one. */
  public static JobSpec parse(String json) {
    if (json == null || json.isBlank()) {
      return new JobSpec();
    }
    try {
      return MAPPER.readValue(json, JobSpec.class);
    } catch (Exception e) {
      throw new IllegalArgumentException("the template is not a batch/v1 JobSpec: " + e.getMessage(), e);
    }
  }

  /** The text of a spec, as {@link #parse} reads it back (null for null). */
  public static String text(JobSpec spec) {
    try {
      return spec == null ? null : MAPPER.writeValueAsString(spec);
    } catch (Exception e) {
      throw new IllegalArgumentException("a step template cannot be written as JSON: " + e.getMessage(), e);
    }
  }
}
