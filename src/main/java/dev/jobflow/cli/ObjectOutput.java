package dev.jobflow.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.PrintWriter;
import java.io.UncheckedIOException;

/** Kubernetes objects as {@code -o json} (indented, like kubectl) or {@code -o yaml} prints them. */
final class ObjectOutput {
  private static final KubernetesSerialization KUBE = new KubernetesSerialization();
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private static final YAMLMapper YAML = YAMLMapper.builder().disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
      // Minimal quotes, but a string that reads as a number keeps them ("35" stays a string).
      .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES).enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS).build();

  private ObjectOutput() {}

  /** Prints objects one after the other: JSON documents, or YAML documents separated by {@code ---}. */
  static void printAll(PrintWriter out, OutputFormat format, java.util.List<?> objects) {
    for (int i = 0; i < objects.size(); i++) {
      print(out, format, objects.get(i), i == 0);
    }
  }

  /** Prints one object; in a stream of YAML objects each but the first is preceded by {@code ---}. */
  static void print(PrintWriter out, OutputFormat format, Object object, boolean first) {
    JsonNode tree = KUBE.convertValue(object, JsonNode.class);
    try {
      if (format == OutputFormat.yaml) {
        if (!first) {
          out.println("---");
        }
        out.print(YAML.writeValueAsString(tree));
      } else {
        out.println(JSON.writeValueAsString(tree));
      }
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
    out.flush();
  }
}
