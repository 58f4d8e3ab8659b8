package dev.jobflow.validation;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.batch.v1.JobSpec;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Each step's template is a JobSpec the API server will accept and the Job controller can run to an end. */
final class TemplateRules {
  private TemplateRules() {}

  static void checkStep(StepAt at, List<Problem> problems) {
    JobSpec job = at.step().getTemplate();
    String path = at.at("template");
    if (at.step().getApproval() != null) {
      ApprovalRules.checkStep(at, problems);
      return;
    }
    if (job == null) {
      problems.add(new Problem(path, "a step needs a template (a batch/v1 JobSpec with template.spec.containers) or an approval"));
      return;
    }
    unknownFields(job.getAdditionalProperties(), path, "a batch/v1 JobSpec", problems);
    if (job.getBackoffLimit() != null && job.getBackoffLimit() < 0) {
      problems.add(new Problem(path + ".backoffLimit", "must be 0 or more, got " + job.getBackoffLimit()));
    }
    if (job.getActiveDeadlineSeconds() != null && job.getActiveDeadlineSeconds() <= 0) {
      problems.add(new Problem(path + ".activeDeadlineSeconds", "must be more than 0 seconds, got "
          + job.getActiveDeadlineSeconds()));
    }
    PodTemplateSpec pod = job.getTemplate();
    if (pod == null) {
      problems.add(new Problem(path + ".template", "the JobSpec needs a pod template with spec.containers"));
      return;
    }
    unknownFields(pod.getAdditionalProperties(), path + ".template", "a pod template", problems);
    PodSpec spec = pod.getSpec();
    String specPath = path + ".template.spec";
    if (spec == null) {
      problems.add(new Problem(specPath, "the pod template needs a spec with at least one container"));
      return;
    }
    unknownFields(spec.getAdditionalProperties(), specPath, "a pod spec", problems);
    String restart = spec.getRestartPolicy();
    if (restart != null && !restart.equals("Never") && !restart.equals("OnFailure")) {
      problems.add(new Problem(specPath + ".restartPolicy", "'" + restart
          + "' is not allowed in a Job: use Never (the default) or OnFailure"));
    }
    Map<String, String> containerNames = new HashMap<>();
    List<Container> containers = spec.getContainers();
    if (containers == null || containers.isEmpty()) {
      problems.add(new Problem(specPath + ".containers", "at least one container is needed"));
    } else {
      checkContainers(containers, specPath + ".containers", containerNames, problems);
    }
    if (spec.getInitContainers() != null) {
      checkContainers(spec.getInitContainers(), specPath + ".initContainers", containerNames, problems);
    }
  }

  /**
   * Fields the Kubernetes model does not know land in additionalProperties: nearly always a typo
   * ({@code comand}), which the API server would drop or refuse when the Job is created.
   */
  private static void unknownFields(Map<String, Object> extra, String path, String what, List<Problem> problems) {
    if (extra == null || extra.isEmpty()) {
      return;
    }
    for (String field : extra.keySet()) {
      problems.add(new Problem(path + "." + field, "unknown field '" + field + "' in " + what + " (a typo?)"));
    }
  }

  private static void checkContainers(List<Container> containers, String listPath, Map<String, String> names,
      List<Problem> problems) {
    for (int i = 0; i < containers.size(); i++) {
      Container c = containers.get(i);
      String path = listPath + "[" + i + "]";
      if (c == null) {
        problems.add(new Problem(path, "empty container: it needs a name and an image"));
        continue;
      }
      unknownFields(c.getAdditionalProperties(), path, "a container", problems);
      String name = c.getName();
      if (name == null || name.isEmpty()) {
        problems.add(new Problem(path + ".name", "every container needs a name"));
      } else {
        if (!NameLimits.isDnsLabel(name)) {
          problems.add(new Problem(path + ".name", "'" + name
              + "' is not a valid container name: use lowercase letters, digits and '-' (a DNS-1123 label)"));
        }
        String first = names.putIfAbsent(name, path);
        if (first != null) {
          problems.add(new Problem(path + ".name", "duplicate container name '" + name + "': " + first + " has it too"));
        }
      }
      if (c.getImage() == null || c.getImage().isBlank()) {
        problems.add(new Problem(path + ".image", "every container needs an image"));
      }
    }
  }
}
