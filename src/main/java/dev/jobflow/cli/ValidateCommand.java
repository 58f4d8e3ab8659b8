package dev.jobflow.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.jobflow.validation.JobFlowValidator;
import dev.jobflow.validation.Problem;
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
        "Checks JobFlows with the same validator as the admission webhook and the controller.",
        "Reports every problem of every flow, each with its field path.",
        "Exit status: 0 all flows valid, 1 some flow invalid, 2 a file unreadable or not a JobFlow/YAML."},
    mixinStandardHelpOptions = true)
final class ValidateCommand implements Callable<Integer> {
  enum Output { text, json }

  @Option(names = {"-o", "--output"}, defaultValue = "text", paramLabel = "text|json",
      description = "text: one line per problem (FILE: NAME: PATH: MESSAGE) and per valid flow; json: a list of "
          + "{file, name, valid, problems:[{path, message}]}. Default: ${DEFAULT-VALUE}.")
  Output output;

  @Parameters(arity = "1..*", paramLabel = "FILE",
      description = "YAML or JSON files, each with one or more JobFlow documents; - reads standard input.")
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
    List<Map<String, Object>> report = new ArrayList<>();
    boolean unreadable = false;
    boolean invalid = false;
    for (String file : files) {
      for (FlowFiles.Document doc : FlowFiles.read(file, root.stdin)) {
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("file", doc.file());
        entry.put("name", doc.name());
        if (!doc.isFlow()) {
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
        List<Problem> problems = doc.problems(validator);
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
    }
    if (output == Output.json) {
      out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(report));
    }
    return unreadable ? ExitCodes.ERROR : invalid ? ExitCodes.INVALID : ExitCodes.OK;
  }
}
