package dev.jobflow.client;

import dev.jobflow.api.FlowPhase;
import dev.jobflow.api.JobFlow;
import dev.jobflow.api.JobFlowSpec;
import dev.jobflow.api.JobFlowYaml;
import dev.jobflow.api.Parameter;
import dev.jobflow.api.RetryRequest;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A new JobFlow that runs a finished one anew ({@code jobflow resubmit}): its spec as stored (the webhook's defaults
 * filled in) without the controls that ended it ({@code shutdown}, {@code suspend}), parameters overridden as asked,
 * its labels, and the link to its origin: the label {@link RetryRequest#RESUBMITTED_FROM_LABEL} (the origin's uid, so
 * {@code -l} finds every resubmission) and the annotation {@link RetryRequest#RESUBMITTED_FROM_ANNOTATION}. A flow run
 * from a template keeps its {@code templateRef}: it runs the template as it is now.
 */
public final class Resubmission {
  private Resubmission() {}

  /** Why the flow cannot be resubmitted, null when it can. */
  public static String refusal(JobFlow flow) {
    FlowPhase phase = FlowStates.phase(flow);
    return phase.isFinished() ? null : "it is " + phase + "; only a finished flow is resubmitted (it may still change)";
  }

  /**
   * The new flow; named {@code name} when given, else generated from the origin's name.
   *
   * @throws IllegalArgumentException naming a parameter the flow does not declare
   */
  public static JobFlow of(JobFlow origin, Map<String, String> parameters, String name) {
    JobFlow copy;
    try {
      copy = JobFlowYaml.read(JobFlowYaml.toJson(origin)); // a deep copy, through the one schema
    } catch (java.io.IOException e) {
      throw new IllegalStateException("cannot copy JobFlow " + FlowStates.ref(origin), e);
    }
    ObjectMeta was = origin.getMetadata();
    ObjectMeta meta = new ObjectMeta();
    meta.setNamespace(was.getNamespace());
    if (name != null) {
      meta.setName(name);
    } else {
      meta.setGenerateName(was.getName() + "-");
    }
    Map<String, String> labels = new LinkedHashMap<>(was.getLabels() == null ? Map.of() : was.getLabels());
    labels.put(RetryRequest.RESUBMITTED_FROM_LABEL, was.getUid());
    meta.setLabels(labels);
    meta.setAnnotations(new LinkedHashMap<>(Map.of(RetryRequest.RESUBMITTED_FROM_ANNOTATION,
        was.getNamespace() + "/" + was.getName())));
    copy.setMetadata(meta);
    copy.setStatus(null);
    JobFlowSpec spec = copy.getSpec();
    spec.setShutdown(null);
    spec.setSuspend(null);
    override(spec, parameters, FlowStates.ref(origin));
    return copy;
  }

  private static void override(JobFlowSpec spec, Map<String, String> parameters, String ref) {
    if (spec.getParameters() == null) {
      spec.setParameters(new ArrayList<>());
    }
    List<Parameter> declared = spec.getParameters();
    for (Map.Entry<String, String> p : parameters.entrySet()) {
      Parameter match = declared.stream().filter(d -> p.getKey().equals(d.getName())).findFirst().orElse(null);
      if (match == null && spec.getTemplateRef() != null) {
        declared.add(new Parameter(p.getKey(), p.getValue())); // the template declares it; the webhook checks
      } else if (match == null) {
        throw new IllegalArgumentException("-p " + p.getKey() + ": " + ref + " declares no parameter '" + p.getKey()
            + "' (it declares: " + (declared.isEmpty() ? "none"
            : declared.stream().map(Parameter::getName).collect(Collectors.joining(", "))) + ")");
      } else {
        match.setValue(p.getValue());
      }
    }
  }
}
