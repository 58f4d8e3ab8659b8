package dev.jobflow.schedule;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jobflow.api.ConcurrencyPolicy;
import dev.jobflow.api.CronJobFlow;
import dev.jobflow.api.CronJobFlowSpec;
import dev.jobflow.flow.JsonSerializable;
import java.time.Duration;
import java.time.Instant;

/**
 * A CronJobFlow as its entity runs it: the values of its spec at one generation, the flow to create kept as JSON text
 * (like a step's template: the entity does not depend on the fabric8 model's classes).
 *
 * @param createdAt the CronJobFlow's creationTimestamp: no run is due before it
 * @param startingDeadlineSeconds null for none
 * @param flowTemplate {@code {"metadata": {labels, annotations}, "spec": <JobFlowSpec>}} of each created flow
 * @param invalid why this spec cannot run (the validator's problems), null when it can: nothing fires meanwhile
 */
public record ScheduleDefinition(String namespace, String name, String uid, long generation, Instant createdAt,
                                 String schedule, String timeZone, ConcurrencyPolicy concurrencyPolicy,
                                 Long startingDeadlineSeconds, boolean suspend, int successfulFlowsHistoryLimit,
                                 int failedFlowsHistoryLimit, String flowTemplate, String invalid)
    implements JsonSerializable {
  /** CronJob's defaults (the mutating webhook writes them; these apply where it did not run). */
  public static final int DEFAULT_SUCCESSFUL_HISTORY = 3;
  public static final int DEFAULT_FAILED_HISTORY = 1;
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Reads a CronJobFlow as the controller received it; {@code invalid}: the validator's verdict, null if valid. */
  public static ScheduleDefinition from(CronJobFlow cron, String invalid) {
    var meta = cron.getMetadata();
    CronJobFlowSpec spec = cron.getSpec();
    ObjectNode template = JSON.createObjectNode();
    template.set("metadata", JSON.valueToTree(spec.getFlowMetadata() == null
        ? new dev.jobflow.api.FlowMetadata() : spec.getFlowMetadata()));
    template.set("spec", JSON.valueToTree(spec.getFlowSpec()));
    return new ScheduleDefinition(meta.getNamespace(), meta.getName(), meta.getUid(),
        meta.getGeneration() == null ? 0 : meta.getGeneration(),
        meta.getCreationTimestamp() == null ? Instant.EPOCH : Instant.parse(meta.getCreationTimestamp()),
        spec.getSchedule(), spec.getTimeZone(), spec.getConcurrencyPolicy(), spec.getStartingDeadlineSeconds(),
        Boolean.TRUE.equals(spec.getSuspend()),
        spec.getSuccessfulFlowsHistoryLimit() == null ? DEFAULT_SUCCESSFUL_HISTORY : spec.getSuccessfulFlowsHistoryLimit(),
        spec.getFailedFlowsHistoryLimit() == null ? DEFAULT_FAILED_HISTORY : spec.getFailedFlowsHistoryLimit(),
        template.toString(), invalid);
  }

  /** The rules' view; null when the spec is invalid (then nothing fires). */
  public ScheduleSpec scheduleSpec() {
    if (invalid != null) {
      return null;
    }
    return new ScheduleSpec(CronSchedule.parse(schedule, timeZone), concurrencyPolicy,
        startingDeadlineSeconds == null ? null : Duration.ofSeconds(startingDeadlineSeconds), suspend);
  }
}
