package dev.jobflow.api;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads and writes JobFlows (and the other jobflow.dev kinds: JobFlowTemplate, CronJobFlow) as YAML or JSON
 * documents, as users and the API server send them.
 */
public final class JobFlowYaml {
  private static final YAMLMapper YAML = new YAMLMapper();
  private static final ObjectMapper JSON = JsonMapper.builder()
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .build();

  private JobFlowYaml() {}

  /** A document that is not a JobFlow, or not YAML at all. */
  public static final class NotAJobFlowException extends IOException {
    public NotAJobFlowException(String message) {
      super(message);
    }

    public NotAJobFlowException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** Reads every non-empty document of a (multi-document) YAML or JSON stream as a JobFlow. */
  public static List<JobFlow> readAll(Reader in) throws IOException {
    return readDocuments(in, JobFlowYaml::fromTree);
  }

  /** Converts one parsed document, or says why it is not what is wanted. */
  @FunctionalInterface
  private interface Converter<T> {
    T convert(JsonNode doc, String where) throws NotAJobFlowException;
  }

  private static <T> List<T> readDocuments(Reader in, Converter<T> converter) throws IOException {
    List<T> out = new ArrayList<>();
    try (var parser = new YAMLFactory().createParser(in)) {
      var docs = YAML.readValues(parser, JsonNode.class);
      int index = 0;
      while (docs.hasNextValue()) {
        JsonNode doc = docs.nextValue();
        index++;
        if (doc == null || doc.isNull() || doc.isMissingNode()) {
          continue;
        }
        out.add(converter.convert(doc, "document " + index));
      }
    } catch (NotAJobFlowException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      throw new NotAJobFlowException("not valid YAML: " + firstLine(e.getMessage()), e);
    }
    return out;
  }

  /** Reads exactly one JobFlow from YAML or JSON text. */
  public static JobFlow read(String text) throws IOException {
    List<JobFlow> all = readAll(new StringReader(text));
    if (all.size() != 1) {
      throw new NotAJobFlowException("expected one JobFlow document, found " + all.size());
    }
    return all.get(0);
  }

  /** Converts a parsed document to a JobFlow, checking its apiVersion and kind first. */
  public static JobFlow fromTree(JsonNode doc, String where) throws NotAJobFlowException {
    if (!doc.isObject()) {
      throw new NotAJobFlowException(where + " is not an object");
    }
    String apiVersion = doc.path("apiVersion").asText("");
    String kind = doc.path("kind").asText("");
    if (!JobFlow.KIND.equals(kind) || !JobFlow.API_VERSION.equals(apiVersion)) {
      throw new NotAJobFlowException(where + " is " + describe(apiVersion, kind) + ", not a "
          + JobFlow.API_VERSION + " " + JobFlow.KIND);
    }
    try {
      return JSON.treeToValue(doc, JobFlow.class);
    } catch (IOException | IllegalArgumentException e) {
      throw new NotAJobFlowException(where + " does not fit the JobFlow schema: " + firstLine(e.getMessage()), e);
    }
  }

  /** The jobflow.dev kinds by name: JobFlow, JobFlowTemplate, CronJobFlow. */
  public static final java.util.Map<String, Class<? extends io.fabric8.kubernetes.api.model.HasMetadata>> KINDS =
      java.util.Map.of(JobFlow.KIND, JobFlow.class, JobFlowTemplate.KIND, JobFlowTemplate.class,
          CronJobFlow.KIND, CronJobFlow.class);

  /** Reads every non-empty document of a (multi-document) stream as a JobFlow, JobFlowTemplate or CronJobFlow. */
  public static List<io.fabric8.kubernetes.api.model.HasMetadata> readAllObjects(Reader in) throws IOException {
    return readDocuments(in, JobFlowYaml::objectFromTree);
  }

  /** Converts a parsed document to the jobflow.dev kind it names, checking its apiVersion and kind first. */
  public static io.fabric8.kubernetes.api.model.HasMetadata objectFromTree(JsonNode doc, String where)
      throws NotAJobFlowException {
    if (!doc.isObject()) {
      throw new NotAJobFlowException(where + " is not an object");
    }
    String apiVersion = doc.path("apiVersion").asText("");
    String kind = doc.path("kind").asText("");
    Class<? extends io.fabric8.kubernetes.api.model.HasMetadata> type = KINDS.get(kind);
    if (type == null || !JobFlow.API_VERSION.equals(apiVersion)) {
      throw new NotAJobFlowException(where + " is " + describe(apiVersion, kind) + ", not a " + JobFlow.API_VERSION
          + " JobFlow, JobFlowTemplate or CronJobFlow");
    }
    try {
      return JSON.treeToValue(doc, type);
    } catch (IOException | IllegalArgumentException e) {
      throw new NotAJobFlowException(where + " does not fit the " + kind + " schema: " + firstLine(e.getMessage()), e);
    }
  }

  public static String toYaml(Object value) {
    return Serialization.asYaml(value);
  }

  public static String toJson(Object value) {
    return Serialization.asJson(value);
  }

  private static String describe(String apiVersion, String kind) {
    if (apiVersion.isEmpty() && kind.isEmpty()) {
      return "missing apiVersion and kind";
    }
    return "a " + (apiVersion.isEmpty() ? "(no apiVersion)" : apiVersion) + " " + (kind.isEmpty() ? "(no kind)" : kind);
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "unknown error";
    }
    int nl = message.indexOf('\n');
    return nl < 0 ? message : message.substring(0, nl);
  }
}
