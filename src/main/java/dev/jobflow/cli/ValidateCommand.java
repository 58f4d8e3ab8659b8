package dev.jobflow.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.jobflow.api.CronJobFlow;
import dev.jobflow.api.JobFlow;
import dev.jobflow.api.JobFlowTemplate;
import dev.jobflow.template.TemplateResolver;
import dev.jobflow.validation.JobFlowValidator;
import dev.jobflow.validation.Problem;
import dev.jobflow.validation.UnknownFields;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code jobflow validate}: the one validator on files, for people and for CI scripts. */
@Command(name = "validate",
    header = "Check flow files with the admission validator.",
    footerHeading = "%nExamples:%n",
    footer = {"  jobflow validate examples/*.yaml", "  jobflow validate -o json flow.yaml", "  cat flow.yaml | jobflow validate -"},
    description = {
        "Checks JobFlows, JobFlowTemplates and CronJobFlows with the same validator as the admission webhook and",
        "the controller. A flow (or schedule) that names a template is checked against the JobFlowTemplates in the",
        "files given: pass the template's file too. Reports every problem of every document, each with its field path.",
        "Exit status: 0 all valid, 1 something invalid, 2 a file unreadable or not a Jobflow kind/YAML."},
    mixinStandardHelpOptions = true)
final class ValidateCommand implements Callable<Integer> {
  enum Output { text, json }

  @Option(names = {"-o", "--output"}, defaultValue = "text", paramLabel = "text|json",
      description = "text: one line per problem (FILE: NAME: PATH: MESSAGE) and per valid document; json: a list of "
          + "{file, kind, name, valid, problems:[{path, message}]}. Default: ${DEFAULT-VALUE}.")
  Output output;

  @Parameters(arity = "1..*", paramLabel = "FILE",
      description = "YAML or JSON files, each with one or more JobFlow, JobFlowTemplate or CronJobFlow documents; "
          + "- reads standard input.")
  List<String> files;

  @ParentCommand
  JobflowCommand root;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    JobFlowValidator validator = new JobFlowValidator();
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    List<FlowFiles.Document> documents = new ArrayList<>();
    for (String file : files) {
      documents.addAll(FlowFiles.read(file, root.stdin));
    }
    TemplateResolver templates = new TemplateResolver(FlowFiles.templates(documents));
    List<Map<String, Object>> report = new ArrayList<>();
    boolean unreadable = false;
    boolean invalid = false;
    for (FlowFiles.Document doc : documents) {
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("file", doc.file());
      entry.put("kind", doc.kind());
      entry.put("name", doc.name());
      if (!doc.isObject()) {
        unreadable = true;
        entry.put("valid", false);
        entry.put("error", doc.error());
        entry.put("problems", List.of());
        if (output == Output.text) {
          err.println("jobflow: " + doc.file() + ": " + doc.error());
        }
        report.add(entry);
        continue;
      }
      // Typos in field names are lost when the document is read, so they are looked for in the text.
      List<Problem> problems = new ArrayList<>(UnknownFields.find(doc.tree()));
      problems.addAll(problems(doc, validator, templates));
      invalid |= !problems.isEmpty();
      entry.put("valid", problems.isEmpty());
      entry.put("problems", problems.stream().map(p -> Map.of("path", p.path(), "message", p.message())).toList());
      report.add(entry);
      if (output == Output.text) {
        String name = doc.name() == null ? "(unnamed)" : doc.name();
        if (problems.isEmpty()) {
          out.println(doc.file() + ": " + name + ": valid");
        }
        for (Problem p : problems) {
          out.println(doc.file() + ": " + name + ": " + p.path() + ": " + p.message());
        }
      }
    }
    if (output == Output.json) {
      out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(report));
    }
    return unreadable ? ExitCodes.ERROR : invalid ? ExitCodes.INVALID : ExitCodes.OK;
  }

  /** The validator's problems of the document, and, for one that names a template, those against it. */
  static List<Problem> problems(FlowFiles.Document doc, JobFlowValidator validator, TemplateResolver templates) {
    List<Problem> problems = new ArrayList<>();
    if (doc.object() instanceof JobFlowTemplate t) {
      problems.addAll(validator.validate(t));
    } else if (doc.object() instanceof CronJobFlow c) {
      problems.addAll(validator.validate(c));
      if (problems.isEmpty()) {
        problems.addAll(templates.problems(c, c.getMetadata().getNamespace(), validator));
      }
    } else if (doc.object() instanceof JobFlow f) {
      problems.addAll(validator.validate(f));
      if (problems.isEmpty()) {
        problems.addAll(templates.problems(f, validator));
      }
    }
    return problems;
  }
}
