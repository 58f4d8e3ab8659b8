package dev.jobflow.validation;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.deser.DeserializationProblemHandler;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.jobflow.api.JobFlow;
import dev.jobflow.api.JobFlowYaml;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Fields of a JobFlow document that its schema does not have ({@code dependOn}, {@code retry}): reading
 * drops them silently, so a typo would change what runs. The API server prunes them as well (and kubectl
 * warns); this finds them in files, for {@code jobflow validate}. Unknown fields inside step templates are
 * kept by the Kubernetes model and reported by the validator itself.
 */
public final class UnknownFields {
  private UnknownFields() {}

  /** One problem per unknown field of the document, with its path. */
  public static List<Problem> find(JsonNode document) {
    List<Problem> problems = new ArrayList<>();
    ObjectMapper mapper = JsonMapper.builder()
        .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .addHandler(new DeserializationProblemHandler() {
          @Override
          public boolean handleUnknownProperty(DeserializationContext ctxt, JsonParser p, JsonDeserializer<?> deserializer,
              Object beanOrClass, String propertyName) throws IOException {
            JsonStreamContext where = p.getParsingContext();
            if (p.currentToken() == JsonToken.START_OBJECT || p.currentToken() == JsonToken.START_ARRAY) {
              where = where.getParent();
            }
            String path = TemplateStrings.jsonPath(where);
            problems.add(new Problem(path.startsWith(".") ? path.substring(1) : path,
                "unknown field '" + propertyName + "' (a typo?)"));
            p.skipChildren();
            return true;
          }
        })
        .build();
    try {
      mapper.treeToValue(document, JobFlowYaml.KINDS.getOrDefault(document.path("kind").asText(""), JobFlow.class));
    } catch (IOException | IllegalArgumentException e) {
      // Not a JobFlow at all: reading it as one reports why; unknown fields are the lesser problem.
    }
    return problems;
  }
}
