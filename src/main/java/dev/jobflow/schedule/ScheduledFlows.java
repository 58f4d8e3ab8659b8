package dev.jobflow.schedule;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jobflow.api.CronJobFlow;
import dev.jobflow.api.FlowMetadata;
import dev.jobflow.api.JobFlow;
import dev.jobflow.api.JobFlowSpec;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** The JobFlow of one run: a deterministic name, the schedule's labels, an ownerReference, the flow spec. */
public final class ScheduledFlows {
  /** The CronJobFlow a flow was created by, and its uid (adoption after a restart checks it). */
  public static final String SCHEDULE_LABEL = "jobflow.dev/schedule";
  public static final String SCHEDULE_UID_LABEL = "jobflow.dev/schedule-uid";
  /** The run's scheduled time (RFC 3339), as CronJob's batch.kubernetes.io/cronjob-scheduled-timestamp. */
  public static final String SCHEDULED_AT_ANNOTATION = "jobflow.dev/scheduled-at";
  private static final ObjectMapper JSON = new ObjectMapper();

  private ScheduledFlows() {}

  /** {@code <schedule>-<minutes since 1970>}, as CronJob names its Jobs: the same time always gives the same name. */
  public static String name(String schedule, Instant scheduledTime) {
    return schedule + "-" + Math.floorDiv(scheduledTime.getEpochSecond(), 60);
  }

  /** The flow of the run of {@code scheduledTime}. */
  public static JobFlow build(ScheduleDefinition def, Instant scheduledTime) {
    JsonNode template;
    FlowMetadata meta;
    JobFlowSpec spec;
    try {
      template = JSON.readTree(def.flowTemplate());
      meta = JSON.treeToValue(template.path("metadata"), FlowMetadata.class);
      spec = JSON.treeToValue(template.path("spec"), JobFlowSpec.class);
    } catch (Exception e) {
      throw new IllegalArgumentException("schedule " + def.namespace() + "/" + def.name() + ": flowSpec unreadable: "
          + e.getMessage(), e);
    }
    JobFlow flow = new JobFlow();
    flow.getMetadata().setNamespace(def.namespace());
    flow.getMetadata().setName(name(def.name(), scheduledTime));
    Map<String, String> labels = new LinkedHashMap<>(meta == null || meta.getLabels() == null ? Map.of() : meta.getLabels());
    labels.put(SCHEDULE_LABEL, def.name());
    labels.put(SCHEDULE_UID_LABEL, def.uid());
    flow.getMetadata().setLabels(labels);
    Map<String, String> annotations = new LinkedHashMap<>(meta == null || meta.getAnnotations() == null
        ? Map.of() : meta.getAnnotations());
    annotations.put(SCHEDULED_AT_ANNOTATION, scheduledTime.toString());
    flow.getMetadata().setAnnotations(annotations);
    flow.getMetadata().setOwnerReferences(java.util.List.of(new OwnerReferenceBuilder()
        .withApiVersion(JobFlow.API_VERSION).withKind(CronJobFlow.KIND).withName(def.name()).withUid(def.uid())
        .withController(true).withBlockOwnerDeletion(true).build()));
    flow.setSpec(spec);
    return flow;
  }

  /** The scheduled time a flow was created for, or null when it is not a schedule's. */
  public static Instant scheduledTime(JobFlow flow) {
    Map<String, String> a = flow.getMetadata().getAnnotations();
    String at = a == null ? null : a.get(SCHEDULED_AT_ANNOTATION);
    try {
      return at == null ? null : Instant.parse(at);
    } catch (java.time.format.DateTimeParseException e) {
      return null;
    }
  }

  /** The uid of the CronJobFlow that owns the flow, or null. */
  public static String scheduleUid(JobFlow flow) {
    for (var ref : flow.getMetadata().getOwnerReferences() == null
        ? java.util.List.<io.fabric8.kubernetes.api.model.OwnerReference>of() : flow.getMetadata().getOwnerReferences()) {
      if (CronJobFlow.KIND.equals(ref.getKind()) && JobFlow.API_VERSION.equals(ref.getApiVersion())) {
        return ref.getUid();
      }
    }
    return null;
  }
}
