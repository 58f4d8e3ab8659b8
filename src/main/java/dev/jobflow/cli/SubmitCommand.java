package dev.jobflow.cli;

import dev.jobflow.api.JobFlow;
import dev.jobflow.api.JobFlowYaml;
import dev.jobflow.api.Parameter;
import dev.jobflow.client.FlowStates;
import dev.jobflow.validation.JobFlowValidator;
import dev.jobflow.validation.Problem;
import dev.jobflow.validation.UnknownFields;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code jobflow submit}: create flows from a file or a template, and optionally stay until they end. */
@Command(name = "submit",
    header = "Create flows from a file or a template; optionally wait.", mixinStandardHelpOptions = true,
    description = {
        "Creates the JobFlows of FILE (or - for standard input), or one JobFlow from a JobFlowTemplate (--from).",
        "A file is checked by the same validator as the admission webhook first: if any flow has a problem,",
        "every problem is printed with its field path and nothing is sent.",
        "Exit status: 0 submitted (with --wait/--watch: every flow Succeeded); 1 a flow is invalid, was refused,",
        "Failed or was Cancelled; 2 a usage error or an unreadable file; 3 the cluster could not be reached,",
        "or --timeout ran out."},
    footerHeading = "%nExamples:%n",
    footer = {
        "  jobflow submit examples/hello.yaml",
        "  jobflow submit --watch --generate-name examples/etl-diamond.yaml",
        "  jobflow submit --wait --timeout 30m -p date=2026-11-23 nightly.yaml",
        "  cat flow.yaml | jobflow submit -n data -",
        "  jobflow submit --from template/nightly-etl -p region=eu --watch"})
final class SubmitCommand extends ClusterCommand {
  @Parameters(arity = "0..1", paramLabel = "FILE", description = "YAML or JSON with one or more JobFlows; - reads standard input.")
  String file;

  @Option(names = "--from", paramLabel = "template/NAME",
      description = "Create one JobFlow that runs the JobFlowTemplate NAME (spec.templateRef), with -p as its parameters.")
  String from;

  @Option(names = {"-p", "--parameter"}, paramLabel = "NAME=VALUE",
      description = "Set a parameter (repeatable). A flow with steps must declare it; for one with a templateRef (and "
          + "--from) the template does.")
  Map<String, String> parameters = new LinkedHashMap<>();

  @Option(names = "--generate-name", description = "Let the API server add a random suffix to the name, so the same file can run again.")
  boolean generateName;

  @Option(names = "--name", paramLabel = "NAME", description = "With --from: the flow's name (default: the template's name plus a random suffix).")
  String name;

  @Option(names = "--watch", description = "Show a live tree of the steps until the flows end; exit with their outcome.")
  boolean watch;

  @Option(names = "--wait", description = "Wait until the flows end; exit 0 if all Succeeded, 1 if not.")
  boolean await;

  @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "0",
      description = "With --wait or --watch: give up after this long (Go duration), exit 3. Default: no limit.")
  String timeout;

  @Option(names = {"-o", "--output"}, paramLabel = "table|wide|json|yaml", defaultValue = "table",
      description = "table and wide: lines and trees for people; json and yaml: the created (with --wait: the ended) objects.")
  OutputFormat output;

  @Override
  int run() throws Exception {
    var waitFor = FlowFollower.timeout(timeout);
    List<JobFlow> created = from != null ? List.of(submitFromTemplate()) : submitFile();
    PrintWriter out = out();
    if (!output.isObjects()) {
      for (JobFlow flow : created) {
        out.println(FlowStates.ref(flow) + " submitted" + (watch || await ? ""
            : " (follow it: jobflow watch " + flow.getMetadata().getName() + " -n " + flow.getMetadata().getNamespace() + ")"));
      }
      out.flush();
    }
    if (!watch && !await) {
      if (output.isObjects()) {
        ObjectOutput.printAll(out, output, created);
      }
      return ExitCodes.OK;
    }
    return FlowFollower.follow(client(), cluster.requestTimeout(), created,
        LiveViews.forOutput(out, output, terminal(), watch), waitFor);
  }

  private List<JobFlow> submitFile() {
    if (file == null) {
      throw new CommandFailure(ExitCodes.ERROR, "name a FILE (or - for standard input), or --from template/NAME");
    }
    if (name != null) {
      throw new CommandFailure(ExitCodes.ERROR, "--name goes with --from; a file names its flows itself");
    }
    List<FlowFiles.Document> docs = FlowFiles.read(file, root.stdin);
    List<String> unusable = new ArrayList<>();
    for (FlowFiles.Document doc : docs) {
      if (!doc.isObject()) {
        unusable.add(doc.file() + ": " + doc.error());
      } else if (doc.flow() == null) {
        unusable.add(doc.file() + ": " + doc.kind() + " " + doc.name() + " is not a JobFlow: submit creates flows "
            + "(kubectl apply -f creates templates and schedules)");
      }
    }
    if (!unusable.isEmpty()) {
      throw new CommandFailure(ExitCodes.ERROR, String.join("\njobflow: ", unusable) + "\njobflow: nothing was submitted");
    }
    JobFlowValidator validator = new JobFlowValidator();
    List<String> problems = new ArrayList<>();
    for (FlowFiles.Document doc : docs) {
      prepare(doc);
      String shown = doc.file() + ": " + describe(doc.flow());
      // A template the flow names lives in the cluster: the webhook checks the flow against it.
      List<Problem> found = new ArrayList<>(UnknownFields.find(doc.tree()));
      found.addAll(validator.validate(doc.flow()));
      for (Problem p : found) {
        problems.add(shown + ": " + p.path() + ": " + p.message());
      }
    }
    if (!problems.isEmpty()) {
      PrintWriter err = err();
      problems.forEach(err::println);
      err.flush();
      throw new CommandFailure(ExitCodes.INVALID, FlowFiles.display(file) + " is not valid (" + problems.size()
          + (problems.size() == 1 ? " problem" : " problems") + "): nothing was submitted");
    }
    List<JobFlow> created = new ArrayList<>();
    for (FlowFiles.Document doc : docs) {
      JobFlow flow = doc.flow();
      try {
        created.add(client().resources(JobFlow.class).inNamespace(flow.getMetadata().getNamespace()).resource(flow).create());
      } catch (KubernetesClientException e) {
        throw refused(e, doc.file() + ": " + describe(flow), created);
      }
    }
    return created;
  }

  /** Namespace, name and parameters as the command line asks; any conflict with the file is a usage error. */
  private void prepare(FlowFiles.Document doc) {
    JobFlow flow = doc.flow();
    var meta = flow.getMetadata();
    if (cluster.namespace != null && meta.getNamespace() != null && !meta.getNamespace().equals(cluster.namespace)) {
      throw new CommandFailure(ExitCodes.ERROR, doc.file() + ": " + describe(flow) + " is in namespace " + meta.getNamespace()
          + ", not " + cluster.namespace + " (-n): drop -n, or the file's namespace");
    }
    if (meta.getNamespace() == null) {
      meta.setNamespace(cluster.namespace());
    }
    if (generateName && meta.getName() != null) {
      meta.setGenerateName(meta.getName().endsWith("-") ? meta.getName() : meta.getName() + "-");
      meta.setName(null);
    }
    if (flow.getSpec().getParameters() == null) {
      flow.getSpec().setParameters(new ArrayList<>());
    }
    List<Parameter> declared = flow.getSpec().getParameters();
    for (Map.Entry<String, String> p : parameters.entrySet()) {
      Parameter match = declared.stream().filter(d -> p.getKey().equals(d.getName())).findFirst().orElse(null);
      if (match == null && flow.getSpec().getTemplateRef() != null) {
        // The template declares the parameters, and the webhook checks them against it.
        declared.add(new Parameter(p.getKey(), p.getValue()));
        continue;
      }
      if (match == null) {
        throw new CommandFailure(ExitCodes.ERROR, "-p " + p.getKey() + ": " + doc.file() + ": " + describe(flow)
            + " declares no parameter '" + p.getKey() + "' (it declares: "
            + (declared.isEmpty() ? "none" : declared.stream().map(Parameter::getName).collect(Collectors.joining(", "))) + ")");
      }
      match.setValue(p.getValue());
    }
  }

  /**
   * The flow {@code --from} asks for: a reference to the template and the parameters, nothing else. The
   * template, its parameters and the result are the admission webhook's and the controller's to judge.
   */
  private JobFlow submitFromTemplate() throws Exception {
    if (file != null) {
      throw new CommandFailure(ExitCodes.ERROR, "give a FILE or --from, not both");
    }
    String template = templateName(from);
    String namespace = cluster.namespace();
    GenericKubernetesResource flow = fromTemplate(template, namespace, name, generateName, parameters);
    try {
      GenericKubernetesResource created = client().genericKubernetesResources(JobFlow.API_VERSION, JobFlow.KIND)
          .inNamespace(namespace).resource(flow).create();
      return JobFlowYaml.fromTree(client().getKubernetesSerialization().convertValue(created,
          com.fasterxml.jackson.databind.JsonNode.class), "the created JobFlow");
    } catch (KubernetesClientException e) {
      throw refused(e, "the JobFlow from template " + template, List.of());
    }
  }

  /** The JobFlow sent for {@code --from template/NAME}. */
  static GenericKubernetesResource fromTemplate(String template, String namespace, String name, boolean generateName,
                                                Map<String, String> parameters) {
    GenericKubernetesResource flow = new GenericKubernetesResource();
    flow.setApiVersion(JobFlow.API_VERSION);
    flow.setKind(JobFlow.KIND);
    ObjectMetaBuilder meta = new ObjectMetaBuilder().withNamespace(namespace);
    if (name == null) {
      meta.withGenerateName(template + "-");
    } else if (generateName) {
      meta.withGenerateName(name.endsWith("-") ? name : name + "-");
    } else {
      meta.withName(name);
    }
    flow.setMetadata(meta.build());
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("templateRef", Map.of("name", template));
    if (!parameters.isEmpty()) {
      spec.put("parameters", parameters.entrySet().stream()
          .map(p -> Map.of("name", p.getKey(), "value", p.getValue())).toList());
    }
    flow.setAdditionalProperty("spec", spec);
    return flow;
  }

  /** {@code template/NAME} (also {@code jobflowtemplate/NAME}, {@code jft/NAME}) to NAME. */
  static String templateName(String from) {
    int slash = from.indexOf('/');
    String kind = slash < 0 ? "" : from.substring(0, slash).toLowerCase(java.util.Locale.ROOT);
    String name = slash < 0 ? "" : from.substring(slash + 1);
    if (!List.of("template", "jobflowtemplate", "jft").contains(kind) || name.isEmpty() || name.contains("/")) {
      throw new CommandFailure(ExitCodes.ERROR, "--from " + from + ": expected template/NAME");
    }
    return name;
  }

  private static String describe(JobFlow flow) {
    var meta = flow.getMetadata();
    return meta.getName() != null ? meta.getName() : meta.getGenerateName() + "*";
  }

  /** The API server's refusal, saying which flows were created before it. */
  private CommandFailure refused(KubernetesClientException e, String what, List<JobFlow> before) {
    CommandFailure cause = ClusterErrors.describe(e, cluster.server());
    String already = before.isEmpty() ? "" : " (already submitted: "
        + before.stream().map(FlowStates::ref).collect(Collectors.joining(", ")) + ")";
    if (cause.exitCode() == ExitCodes.UNREACHABLE) {
      return new CommandFailure(cause.exitCode(), cause.getMessage() + already, e);
    }
    return new CommandFailure(cause.exitCode(), what + " was refused: " + cause.getMessage() + already, e);
  }
}
