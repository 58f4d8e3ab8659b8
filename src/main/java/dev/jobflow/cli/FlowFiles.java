package dev.jobflow.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.jobflow.api.JobFlow;
import dev.jobflow.api.JobFlowTemplate;
import dev.jobflow.api.JobFlowYaml;
import dev.jobflow.template.TemplateLookup;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the JobFlows, JobFlowTemplates and CronJobFlows of a file (or stdin for {@code -}) document by document, so
 * one bad document is reported by itself and the good ones around it are still read.
 */
final class FlowFiles {
  static final String STDIN = "-";
  private static final YAMLMapper YAML = new YAMLMapper();

  /** One document of a file: a JobFlow, JobFlowTemplate or CronJobFlow, or why it is none. A file-level failure is a document too. */
  record Document(String file, HasMetadata object, JsonNode tree, String error) {
    boolean isObject() {
      return object != null;
    }

    /** The JobFlow, or null when the document is another kind. */
    JobFlow flow() {
      return object instanceof JobFlow f ? f : null;
    }

    String kind() {
      return object == null ? null : object.getKind();
    }

    /** The object's name, or null when it has none. */
    String name() {
      if (object == null || object.getMetadata() == null) {
        return null;
      }
      return object.getMetadata().getName();
    }
  }

  /** The templates among the documents, to resolve the flows that name one. */
  static TemplateLookup templates(List<Document> documents) {
    List<JobFlowTemplate> templates = new ArrayList<>();
    for (Document d : documents) {
      if (d.object() instanceof JobFlowTemplate t) {
        templates.add(t);
      }
    }
    return TemplateLookup.of(templates);
  }

  private FlowFiles() {}

  /** How a file is named to the user: stdin as {@code <stdin>}. */
  static String display(String file) {
    return STDIN.equals(file) ? "<stdin>" : file;
  }

  /** Every document of the file; never throws for bad input, which becomes documents with an error. */
  static List<Document> read(String file, InputStream stdin) {
    String shown = display(file);
    String text;
    try {
      text = STDIN.equals(file)
          ? new String(stdin.readAllBytes(), StandardCharsets.UTF_8)
          : Files.readString(Path.of(file), StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      return List.of(new Document(shown, null, null, "no such file"));
    } catch (AccessDeniedException e) {
      return List.of(new Document(shown, null, null, "permission denied"));
    } catch (java.nio.charset.MalformedInputException e) {
      return List.of(new Document(shown, null, null, "not UTF-8 text"));
    } catch (IOException e) {
      String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      return List.of(new Document(shown, null, null, "cannot read: " + why));
    }
    List<Document> documents = new ArrayList<>();
    int index = 0;
    try (MappingIterator<JsonNode> docs = YAML.readValues(new YAMLFactory().createParser(new StringReader(text)), JsonNode.class)) {
      while (docs.hasNextValue()) {
        JsonNode doc = docs.nextValue();
        index++;
        if (doc == null || doc.isNull() || doc.isMissingNode()) {
          continue;
        }
        try {
          documents.add(new Document(shown, JobFlowYaml.objectFromTree(doc, "document " + index), doc, null));
        } catch (JobFlowYaml.NotAJobFlowException e) {
          documents.add(new Document(shown, null, null, e.getMessage()));
        }
      }
    } catch (IOException | RuntimeException e) {
      documents.add(new Document(shown, null, null, "not valid YAML (document " + (index + 1) + "): " + describe(e)));
    }
    if (documents.isEmpty()) {
      documents.add(new Document(shown, null, null, "holds no JobFlow (the file is empty)"));
    }
    return documents;
  }

  private static String describe(Exception e) {
    // SnakeYAML knows where the problem is; Jackson's location is where the enclosing node began.
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof org.yaml.snakeyaml.error.MarkedYAMLException yaml && yaml.getProblemMark() != null) {
        return yaml.getProblem() + " at line " + (yaml.getProblemMark().getLine() + 1)
            + ", column " + (yaml.getProblemMark().getColumn() + 1);
      }
    }
    if (e instanceof JsonProcessingException jpe && jpe.getLocation() != null) {
      return firstLine(jpe.getOriginalMessage()) + " at line " + jpe.getLocation().getLineNr()
          + ", column " + jpe.getLocation().getColumnNr();
    }
    return firstLine(e.getMessage());
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "unknown error";
    }
    int nl = message.indexOf('\n');
    return nl < 0 ? message : message.substring(0, nl);
  }
}
