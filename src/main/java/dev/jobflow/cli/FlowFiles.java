package dev.jobflow.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.jobflow.api.JobFlow;
import dev.jobflow.api.JobFlowYaml;
import dev.jobflow.validation.JobFlowValidator;
import dev.jobflow.validation.Problem;
import dev.jobflow.validation.UnknownFields;
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
 * Reads the JobFlows of a file (or stdin for {@code -}) document by document, so one bad document is
 * reported by itself and the good ones around it are still read.
 */
final class FlowFiles {
  static final String STDIN = "-";
  private static final YAMLMapper YAML = new YAMLMapper();

  /** One document of a file: a flow, or why it is not one. A file-level failure is a document too. */
  record Document(String file, JobFlow flow, JsonNode tree, String error) {
    boolean isFlow() {
      return flow != null;
    }

    /**
     * Every problem of the flow as it is now: field names the model does not know (typos are lost when
     * the document is read, so they are looked for in its text), then the one validator's.
     */
    List<Problem> problems(JobFlowValidator validator) {
      List<Problem> problems = new ArrayList<>(UnknownFields.find(tree));
      problems.addAll(validator.validate(flow));
      return problems;
    }

    /** The flow's name, or null when it has none. */
    String name() {
      if (flow == null || flow.getMetadata() == null) {
        return null;
      }
      return flow.getMetadata().getName();
    }
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
          documents.add(new Document(shown, JobFlowYaml.fromTree(doc, "document " + index), doc, null));
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
