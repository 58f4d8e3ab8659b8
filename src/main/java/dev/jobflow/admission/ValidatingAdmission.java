package dev.jobflow.admission;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jobflow.api.JobFlow;
import dev.jobflow.api.MutableSpecFields;
import dev.jobflow.api.JobFlowYaml;
import dev.jobflow.validation.JobFlowValidator;
import dev.jobflow.validation.Problem;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /validate}: admits a JobFlow when the one validator finds no problem and, once the flow has
 * started, its spec changed only in {@link MutableSpecFields}. A denial lists every
 * problem with its path.
 */
public final class ValidatingAdmission {
  private static final Logger log = LoggerFactory.getLogger(ValidatingAdmission.class);
  /** Enough paths to see what changed without a message the size of the flow. */
  private static final int MAX_CHANGED_PATHS = 20;

  private final JobFlowValidator validator;

  public ValidatingAdmission(JobFlowValidator validator) {
    this.validator = validator;
  }

  public AdmissionResponse review(AdmissionRequest request) {
    // DELETE must always work (also for flows that became invalid under newer rules), and status is the
    // controller's to write.
    if (!request.hasNewObject() || request.isSubResource()) {
      return AdmissionResponse.allow(request.uid());
    }
    JsonNode object = request.object();
    List<Problem> problems = new ArrayList<>();
    boolean onlyMutableFieldsChanged = false;
    if (request.isUpdate()) {
      JsonNode before = FlowDefaults.withDefaults(request.oldObject().get("spec"));
      JsonNode after = FlowDefaults.withDefaults(object.get("spec"));
      if (SpecChanges.same(before, after)) {
        // Labels, annotations, finalizers: never block them on spec rules (a finalizer must always go).
        return AdmissionResponse.allow(request.uid());
      }
      String phase = startedPhase(request.oldObject(), object);
      if (phase != null) {
        List<String> changed = SpecChanges.immutableChanges(before, after);
        for (String path : changed.subList(0, Math.min(changed.size(), MAX_CHANGED_PATHS))) {
          problems.add(new Problem(path, "cannot change once the flow has started (phase " + phase
              + "); only " + MutableSpecFields.paths() + " can"));
        }
        if (changed.size() > MAX_CHANGED_PATHS) {
          problems.add(new Problem("spec", "and " + (changed.size() - MAX_CHANGED_PATHS) + " more changed fields"));
        }
        onlyMutableFieldsChanged = changed.isEmpty();
      }
    }
    JobFlow flow;
    try {
      flow = JobFlowYaml.fromTree(object, "request.object");
    } catch (JobFlowYaml.NotAJobFlowException | RuntimeException e) {
      problems.add(new Problem("spec", e instanceof JobFlowYaml.NotAJobFlowException ? e.getMessage()
          : "request.object does not fit the JobFlow schema: " + e));
      return deny(request, problems);
    }
    try {
      for (Problem problem : validator.validate(flow)) {
        // The frozen rest of a started flow was admitted under the rules of its day: suspending or
        // cancelling it must not fail on a rule added since.
        if (!onlyMutableFieldsChanged || MutableSpecFields.contains(problem.path())) {
          problems.add(problem);
        }
      }
    } catch (RuntimeException e) {
      // Fail closed: an object the validator cannot judge is not admitted.
      log.warn("validator failed on JobFlow {}", request.flowName(), e);
      problems.add(new Problem("spec", "could not be validated: " + e));
    }
    return problems.isEmpty() ? AdmissionResponse.allow(request.uid()) : deny(request, problems);
  }

  /** The phase that makes the flow immutable, or null while it has not started. */
  static String startedPhase(JsonNode oldObject, JsonNode newObject) {
    for (JsonNode object : new JsonNode[] {oldObject, newObject}) {
      JsonNode phase = object == null ? null : object.path("status").get("phase");
      if (phase != null && phase.isTextual() && !phase.textValue().isEmpty() && !phase.textValue().equals("Pending")) {
        return phase.textValue();
      }
    }
    return null;
  }

  private static AdmissionResponse deny(AdmissionRequest request, List<Problem> problems) {
    StringBuilder message = new StringBuilder("JobFlow ").append(request.flowName()).append(" is not valid: ");
    for (int i = 0; i < problems.size(); i++) {
      message.append(i == 0 ? "" : "; ").append(problems.get(i));
    }
    return AdmissionResponse.deny(request.uid(), message.toString());
  }
}
