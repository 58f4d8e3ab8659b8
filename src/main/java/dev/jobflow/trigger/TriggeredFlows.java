package dev.jobflow.trigger;

import dev.jobflow.api.JobFlow;
import dev.jobflow.api.JobFlowSpec;
import dev.jobflow.api.JobFlowTrigger;
import dev.jobflow.api.Parameter;
import dev.jobflow.api.TemplateRef;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JobFlow of one accepted firing: a deterministic name, the trigger's labels, an ownerReference, the template and
 * the parameters.
 */
public final class TriggeredFlows {
  /** The trigger a flow was created by, and its uid (adoption after a restart checks it). */
  public static final String TRIGGER_LABEL = "jobflow.dev/trigger";
  public static final String TRIGGER_UID_LABEL = "jobflow.dev/trigger-uid";
  /** The firing's full fingerprint (SHA-256 hex), so a flow can be traced back to its alert. */
  public static final String FINGERPRINT_ANNOTATION = "jobflow.dev/trigger-fingerprint";
  public static final String ALERT_ANNOTATION = "jobflow.dev/trigger-alert";
  /** Flow names fit JobFlow's limit: trigger prefix, 8 hex of the fingerprint, the sequence in base 36. */
  static final int MAX_NAME = dev.jobflow.validation.NameLimits.MAX_FLOW_NAME;
  private static final int FINGERPRINT_CHARS = 8;
  private static final int MAX_SEQUENCE_CHARS = 7;

  private TriggeredFlows() {}

  /**
   * {@code <trigger>-<fingerprint[0:8]>-<sequence>}: the same accepted firing always gets the same name (so a flow
   * created before a crash is adopted, not doubled), and the name shows which alert it is.
   */
  public static String name(String trigger, String fingerprint, long sequence) {
    int prefix = MAX_NAME - 2 - FINGERPRINT_CHARS - MAX_SEQUENCE_CHARS;
    String head = trigger.length() > prefix ? trigger.substring(0, prefix) : trigger;
    while (head.endsWith("-") || head.endsWith(".")) {
      head = head.substring(0, head.length() - 1);
    }
    return head + "-" + fingerprint.substring(0, FINGERPRINT_CHARS) + "-" + Long.toString(sequence, 36);
  }

  public static JobFlow build(TriggerDefinition def, String flowName, TriggerState.Pending firing) {
    JobFlow flow = new JobFlow();
    flow.getMetadata().setNamespace(def.namespace());
    flow.getMetadata().setName(flowName);
    Map<String, String> labels = new LinkedHashMap<>(def.flowLabels());
    labels.put(TRIGGER_LABEL, def.name());
    labels.put(TRIGGER_UID_LABEL, def.uid());
    flow.getMetadata().setLabels(labels);
    Map<String, String> annotations = new LinkedHashMap<>(def.flowAnnotations());
    annotations.put(FINGERPRINT_ANNOTATION, firing.fingerprint());
    if (firing.alertName() != null) {
      annotations.put(ALERT_ANNOTATION, firing.alertName());
    }
    flow.getMetadata().setAnnotations(annotations);
    flow.getMetadata().setOwnerReferences(List.of(new OwnerReferenceBuilder()
        .withApiVersion(JobFlow.API_VERSION).withKind(JobFlowTrigger.KIND).withName(def.name()).withUid(def.uid())
        .withController(true).withBlockOwnerDeletion(true).build()));
    JobFlowSpec spec = new JobFlowSpec();
    spec.setTemplateRef(new TemplateRef(def.templateName()));
    List<Parameter> parameters = new ArrayList<>();
    firing.parameters().forEach((name, value) -> parameters.add(new Parameter(name, value)));
    spec.setParameters(parameters);
    flow.setSpec(spec);
    return flow;
  }
}
