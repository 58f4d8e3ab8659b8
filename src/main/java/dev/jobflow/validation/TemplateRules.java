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
    if (job == null) {
      problems.add(new Problem(path, "a step needs a template: a batch/v1 JobSpec with template.spec.containers"));
      return;
    }
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
    PodSpec spec = pod.getSpec();
    String specPath = path + ".template.spec";
    if (spec == null) {
      problems.add(new Problem(specPath, "the pod template needs a spec with at least one container"));
      return;
    }
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

  private static void checkContainers(List<Container> containers, String listPath, Map<String, String> names,
      List<Problem> problems) {
    for (int i = 0; i < containers.size(); i++) {
      Container c = containers.get(i);
      String path = listPath + "[" + i + "]";
      if (c == null) {
        problems.add(new Problem(path, "empty container: it needs a name and an image"));
        continue;
      }
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
