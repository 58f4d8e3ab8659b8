package dev.jobflow.cli;

import dev.jobflow.api.ApprovalAnnotations;
import dev.jobflow.api.ApprovalDecision;
import dev.jobflow.api.JobFlow;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code jobflow approve|reject FLOW STEP}: writes the request annotation through the API server, so the mutating
 * webhook stamps the decision with the user the API server authenticated (this command sends no name of its own) and
 * the validating webhook refuses it for anyone not among the step's approvers.
 * Exit status: 0 decided; 1 refused (not an approver, not an approval step, already decided) or not found.
 */
abstract class DecisionCommand extends ClusterCommand {
  @Parameters(index = "0", paramLabel = "[NAMESPACE/]FLOW", description = "The flow (namespace/name, or name with -n).")
  String flow;

  @Parameters(index = "1", paramLabel = "STEP", description = "The approval step to decide.")
  String step;

  @Option(names = "--comment", paramLabel = "TEXT", description = "Why: recorded with the decision in the journal.")
  String comment;

  /** {@code approve} or {@code reject}. */
  abstract String verdict();

  @Override
  final int run() {
    String namespace = cluster.namespace();
    String name = flow;
    int slash = flow.indexOf('/');
    if (slash >= 0) {
      namespace = flow.substring(0, slash);
      name = flow.substring(slash + 1);
    }
    PrintWriter out = out();
    var resource = client().resources(JobFlow.class).inNamespace(namespace).withName(name);
    if (resource.get() == null) {
      err().println("jobflow: JobFlow " + namespace + "/" + name + " not found");
      err().flush();
      return ExitCodes.INVALID;
    }
    Map<String, String> annotations = new LinkedHashMap<>();
    annotations.put(ApprovalAnnotations.requestKey(step), verdict());
    if (comment != null && !comment.isBlank()) {
      annotations.put(ApprovalAnnotations.commentKey(step), comment);
    }
    JobFlow patched = resource.patch(PatchContext.of(PatchType.JSON_MERGE),
        dev.jobflow.api.JobFlowYaml.toJson(Map.of("metadata", Map.of("annotations", annotations))));
    ApprovalDecision stamped = ApprovalDecision.parse(patched.getMetadata().getAnnotations() == null ? null
        : patched.getMetadata().getAnnotations().get(ApprovalAnnotations.decisionKey(step)));
    if (stamped == null) {
      // The API server stored the request as written: no webhook stamped it, so the controller will not act on it.
      err().println("jobflow: the request was stored unstamped: the Jobflow admission webhooks do not run on this "
          + "cluster, and the controller takes only stamped decisions");
      err().flush();
      return ExitCodes.INVALID;
    }
    out.println((stamped.approved() ? "approved" : "rejected") + " step " + step + " of " + namespace + "/" + name
        + " as " + stamped.user() + (stamped.comment() == null ? "" : " (" + stamped.comment() + ")"));
    out.flush();
    return ExitCodes.OK;
  }
}
