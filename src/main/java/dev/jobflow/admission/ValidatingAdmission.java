package dev.jobflow.admission;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jobflow.api.CronJobFlow;
import dev.jobflow.api.JobFlow;
import dev.jobflow.api.JobFlowTemplate;
import dev.jobflow.api.MutableSpecFields;
import dev.jobflow.api.JobFlowYaml;
import dev.jobflow.template.TemplateLookup;
import dev.jobflow.template.TemplateResolver;
import dev.jobflow.validation.JobFlowValidator;
import dev.jobflow.validation.Problem;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /validate}: admits a JobFlow when the one validator finds no problem and, once the flow has
 * started, its spec changed only in {@link MutableSpecFields}. A flow (or a schedule's flow spec) that names a
 * JobFlowTemplate is admitted only when the template exists and gets every parameter it requires.
 * JobFlowTemplates and CronJobFlows are judged by the same validator. A denial lists every problem with its path.
 */
public final class ValidatingAdmission {
  private static final Logger log = LoggerFactory.getLogger(ValidatingAdmission.class);
  /** Enough paths to see what changed without a message the size of the flow. */
  private static final int MAX_CHANGED_PATHS = 20;

  private final JobFlowValidator validator;
  private final TemplateResolver templates;
  private final ApprovalReview approvals;

  /** @param templates where flows' templateRefs are looked up (the API server, for the webhook) */
  public ValidatingAdmission(JobFlowValidator validator, TemplateLookup templates) {
    this.validator = validator;
    this.templates = new TemplateResolver(templates);
    this.approvals = new ApprovalReview(this.templates);
  }

  /** Reads no templates: a flow that names one is denied ({@link AdmissionServer#NO_TEMPLATES}). */
  public ValidatingAdmission(JobFlowValidator validator) {
    this(validator, AdmissionServer.NO_TEMPLATES);
  }

  /** Whether judging the request reads a JobFlowTemplate (so may block on the API server). */
  public static boolean readsTemplates(AdmissionRequest request) {
    JsonNode spec = request.object() == null ? null : request.object().path("spec");
    if (spec == null) {
      return false;
    }
    return spec.hasNonNull("templateRef") || spec.path("flowSpec").hasNonNull("templateRef");
  }

  public AdmissionResponse review(AdmissionRequest request) {
    // DELETE must always work (also for flows that became invalid under newer rules), and status is the
    // controller's to write.
    if (!request.hasNewObject() || request.isSubResource()) {
      return AdmissionResponse.allow(request.uid());
    }
    return switch (request.kind()) {
      case JobFlowTemplate.KIND -> reviewTemplate(request);
      case CronJobFlow.KIND -> reviewSchedule(request);
      default -> reviewFlow(request);
    };
  }

  private AdmissionResponse reviewTemplate(AdmissionRequest request) {
    List<Problem> problems = new ArrayList<>();
    try {
      JobFlowTemplate template = (JobFlowTemplate) JobFlowYaml.objectFromTree(request.object(), "request.object");
      problems.addAll(validator.validate(template));
    } catch (JobFlowYaml.NotAJobFlowException | RuntimeException e) {
      problems.add(unjudged(request, e));
    }
    return problems.isEmpty() ? AdmissionResponse.allow(request.uid()) : deny(request, problems);
  }

  private AdmissionResponse reviewSchedule(AdmissionRequest request) {
    List<Problem> problems = new ArrayList<>();
    try {
      CronJobFlow schedule = (CronJobFlow) JobFlowYaml.objectFromTree(request.object(), "request.object");
      problems.addAll(validator.validate(schedule));
      // An update that leaves the flow spec as it was (suspend, schedule, limits) never reads the template: a schedule
      // whose template was deleted can still be suspended.
      boolean flowSpecChanged = !request.isUpdate() || !SpecChanges.same(request.oldObject().path("spec").get("flowSpec"),
          request.object().path("spec").get("flowSpec"));
      if (problems.isEmpty() && flowSpecChanged && schedule.getSpec().getFlowSpec().usesTemplate()) {
        try {
          problems.addAll(templates.problems(schedule, namespaceOf(request, schedule.getMetadata().getNamespace()),
              validator));
        } catch (TemplateLookup.TemplateLookupException e) {
          problems.add(new Problem("spec.flowSpec.templateRef.name", e.getMessage()));
        }
      }
    } catch (JobFlowYaml.NotAJobFlowException | RuntimeException e) {
      problems.add(unjudged(request, e));
    }
    return problems.isEmpty() ? AdmissionResponse.allow(request.uid()) : deny(request, problems);
  }

  private AdmissionResponse reviewFlow(AdmissionRequest request) {
    JsonNode object = request.object();
    AdmissionResponse approvalDenied = approvals.review(request);
    if (approvalDenied != null) {
      return approvalDenied;
    }
    List<Problem> problems = new ArrayList<>(RetryAdmission.problems(request));
    boolean onlyMutableFieldsChanged = false;
    if (request.isUpdate()) {
      JsonNode before = FlowDefaults.withDefaults(request.oldObject().get("spec"));
      JsonNode after = FlowDefaults.withDefaults(object.get("spec"));
      if (SpecChanges.same(before, after)) {
        if (!problems.isEmpty()) {
          return deny(request, problems);
        }
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
      List<Problem> own = validator.validate(flow);
      for (Problem problem : own) {
        // The frozen rest of a started flow was admitted under the rules of its day: suspending or
        // cancelling it must not fail on a rule added since.
        if (!onlyMutableFieldsChanged || MutableSpecFields.contains(problem.path())) {
          problems.add(problem);
        }
      }
      // A started flow runs what it was accepted with: its template may have changed or gone since.
      if (own.isEmpty() && !onlyMutableFieldsChanged && flow.getSpec().usesTemplate()) {
        flow.getMetadata().setNamespace(namespaceOf(request, flow.getMetadata().getNamespace()));
        problems.addAll(resolutionProblems(flow));
      }
    } catch (RuntimeException e) {
      // Fail closed: an object the validator cannot judge is not admitted.
      log.warn("validator failed on JobFlow {}", request.flowName(), e);
      problems.add(new Problem("spec", "could not be validated: " + e));
    }
    return problems.isEmpty() ? AdmissionResponse.allow(request.uid()) : deny(request, problems);
  }

  /** Problems of the flow against its template (see {@link TemplateResolver#problems}); fails closed. */
  private List<Problem> resolutionProblems(JobFlow flow) {
    try {
      return templates.problems(flow, validator);
    } catch (TemplateLookup.TemplateLookupException e) {
      // Fail closed: a flow whose template cannot be read now is not admitted unchecked.
      return List.of(new Problem("spec.templateRef.name", e.getMessage()));
    }
  }

  private static String namespaceOf(AdmissionRequest request, String own) {
    return own != null && !own.isEmpty() ? own : request.namespace();
  }

  private static Problem unjudged(AdmissionRequest request, Exception e) {
    if (e instanceof JobFlowYaml.NotAJobFlowException) {
      return new Problem("spec", e.getMessage());
    }
    log.warn("validator failed on {} {}", request.kind(), request.flowName(), e);
    return new Problem("spec", "could not be validated: " + e);
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
    StringBuilder message = new StringBuilder(request.kind()).append(' ').append(request.flowName())
        .append(" is not valid: ");
    for (int i = 0; i < problems.size(); i++) {
      message.append(i == 0 ? "" : "; ").append(problems.get(i));
    }
    return AdmissionResponse.deny(request.uid(), message.toString());
  }
}
