package dev.jobflow.kube;

import dev.jobflow.api.JobFlow;
import dev.jobflow.expr.Placeholders;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobSpec;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Builds the Job of one step attempt: the step's template with its placeholders substituted ({@link Placeholders}), Jobflow's
 * labels (on the Job and its pods, so both can be selected), and an ownerReference to the JobFlow so
 * Kubernetes garbage-collects the Jobs with their flow.
 */
public final class JobFactory {
  private JobFactory() {}

  /** What identifies one attempt's Job. */
  public record AttemptIdentity(String namespace, String jobName, String flowName, String flowUid, String step, int attempt) {}

  /**
   * @param parameters the flow's parameter values by name
   * @param stepValues the values of the template's {@code {{steps...}}} placeholders, by placeholder name
   */
  public static Job build(AttemptIdentity id, JobSpec template, Map<String, String> parameters,
                          Map<String, String> stepValues) {
    JobSpec spec = Placeholders.substitute(template, parameters, stepValues);
    Map<String, String> labels = labels(id);
    PodTemplateSpec pod = spec.getTemplate() == null ? new PodTemplateSpec() : spec.getTemplate();
    if (pod.getMetadata() == null) {
      pod.setMetadata(new ObjectMeta());
    }
    Map<String, String> podLabels = new LinkedHashMap<>(pod.getMetadata().getLabels() == null
        ? Map.of() : pod.getMetadata().getLabels());
    podLabels.putAll(labels);
    pod.getMetadata().setLabels(podLabels);
    spec.setTemplate(pod);
    return new JobBuilder()
        .withNewMetadata()
          .withNamespace(id.namespace())
          .withName(id.jobName())
          .withLabels(labels)
          .withOwnerReferences(new OwnerReferenceBuilder()
              .withApiVersion(JobFlow.API_VERSION).withKind(JobFlow.KIND)
              .withName(id.flowName()).withUid(id.flowUid())
              .withController(true).withBlockOwnerDeletion(true)
              .build())
        .endMetadata()
        .withSpec(spec)
        .build();
  }

  public static Map<String, String> labels(AttemptIdentity id) {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put(JobflowLabels.MANAGED_BY, JobflowLabels.MANAGED_BY_VALUE);
    labels.put(JobflowLabels.FLOW, id.flowName());
    labels.put(JobflowLabels.FLOW_UID, id.flowUid());
    labels.put(JobflowLabels.STEP, id.step());
    labels.put(JobflowLabels.ATTEMPT, Integer.toString(id.attempt()));
    return labels;
  }

  /** True when an existing Job carries exactly this attempt's identity labels: it is ours to adopt. */
  public static boolean belongsTo(Job existing, AttemptIdentity id) {
    Map<String, String> have = existing.getMetadata().getLabels();
    if (have == null) {
      return false;
    }
    return labels(id).entrySet().stream().allMatch(e -> e.getValue().equals(have.get(e.getKey())));
  }
}
