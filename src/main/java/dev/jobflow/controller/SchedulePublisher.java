package dev.jobflow.controller;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jobflow.api.CronJobFlow;
import dev.jobflow.status.EventRecorder;
import dev.jobflow.metrics.JobflowMetrics;
import dev.jobflow.schedule.FiringRules;
import dev.jobflow.schedule.ScheduleDefinition;
import dev.jobflow.schedule.ScheduleEvent;
import dev.jobflow.schedule.ScheduleObserver;
import dev.jobflow.schedule.ScheduleStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What schedule entities report, made visible: the CronJobFlow status subresource (written only when it changed, the
 * latest one winning, so its own update events do not loop back into writes), Kubernetes Events, and metrics.
 */
public final class SchedulePublisher implements ScheduleObserver {
  private static final Logger log = LoggerFactory.getLogger(SchedulePublisher.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final KubernetesClient client;
  private final Executor io;
  private final EventRecorder events;
  private final JobflowMetrics metrics;
  private final Clock clock;
  /** The last status written per schedule uid, with when its Ready condition last changed. */
  private final Map<String, Written> written = new ConcurrentHashMap<>();
  private final Map<String, ScheduleStatus> pending = new ConcurrentHashMap<>();

  private record Written(ScheduleStatus status, String readyReason, Instant since) {}

  public SchedulePublisher(KubernetesClient client, Executor io, EventRecorder events, JobflowMetrics metrics,
                           Clock clock) {
    this.client = client;
    this.io = io;
    this.events = events;
    this.metrics = metrics;
    this.clock = clock;
  }

  @Override
  public void statusChanged(ScheduleStatus status) {
    if (status.namespace() == null) {
      return; // its spec has not been seen yet
    }
    Written last = written.get(status.uid());
    if (last != null && last.status().equals(status)) {
      return;
    }
    if (last == null) {
      metrics.scheduleSeen(status.namespace());
    }
    if (pending.put(status.uid(), status) == null) {
      io.execute(() -> write(status.uid()));
    }
  }

  private void write(String uid) {
    ScheduleStatus status = pending.remove(uid);
    if (status == null) {
      return;
    }
    Written last = written.get(uid);
    String reason = status.problem() != null ? "InvalidSpec" : status.suspended() ? "Suspended" : "Scheduled";
    Instant since = last != null && last.readyReason().equals(reason) ? last.since() : clock.instant();
    try {
      client.resources(CronJobFlow.class).inNamespace(status.namespace()).withName(status.name())
          .subresource("status").patch(PatchContext.of(PatchType.JSON_MERGE), patch(status, reason, since));
      written.put(uid, new Written(status, reason, since));
    } catch (KubernetesClientException e) {
      if (e.getCode() != 404) {
        log.warn("could not write the status of CronJobFlow {}/{}: {}", status.namespace(), status.name(),
            e.getMessage());
        metrics.kubeApiError("patch", "cronjobflows/status", e.getCode());
      }
    }
  }

  static String patch(ScheduleStatus s, String reason, Instant since) {
    ObjectNode status = JSON.createObjectNode();
    status.put("observedGeneration", s.observedGeneration());
    status.put("lastScheduleTime", s.lastScheduleTime() == null ? null : s.lastScheduleTime().toString());
    status.put("lastSuccessfulTime", s.lastSuccessfulTime() == null ? null : s.lastSuccessfulTime().toString());
    status.put("nextScheduleTime", s.nextScheduleTime() == null ? null : s.nextScheduleTime().toString());
    ArrayNode active = status.putArray("active");
    for (ScheduleStatus.ActiveRun run : s.active()) {
      ObjectNode r = active.addObject().put("name", run.name()).put("scheduledTime", run.scheduledTime().toString());
      if (run.uid() != null) {
        r.put("uid", run.uid());
      }
    }
    String message = switch (reason) {
      case "InvalidSpec" -> s.problem();
      case "Suspended" -> "spec.suspend is true: no new runs start";
      default -> s.nextScheduleTime() == null ? "no run is due" : "next run at " + s.nextScheduleTime();
    };
    status.putArray("conditions").addObject().put("type", "Ready")
        .put("status", reason.equals("Scheduled") ? "True" : "False").put("reason", reason)
        .put("message", message).put("lastTransitionTime", since.toString())
        .put("observedGeneration", s.observedGeneration());
    ObjectNode root = JSON.createObjectNode();
    root.set("status", status);
    return root.toString();
  }

  @Override
  public void eventRecorded(ScheduleDefinition schedule, ScheduleEvent event) {
    if (schedule == null) {
      return;
    }
    var ref = new EventRecorder.FlowRef(schedule.namespace(), schedule.name(), schedule.uid(), CronJobFlow.KIND);
    if (event instanceof ScheduleEvent.ScheduleFired e) {
      metrics.scheduleFired(schedule.namespace(), e.missed());
      events.record(ref, EventRecorder.Type.Normal, "ScheduleFired", "started " + e.flowName() + " for "
          + e.scheduledTime() + (e.missed() > 0 ? " (" + e.missed() + " earlier times missed)" : "")
          + (e.replacing().isEmpty() ? "" : "; cancelling " + String.join(", ", e.replacing())));
    } else if (event instanceof ScheduleEvent.FiringSkipped e) {
      metrics.scheduleSkipped(schedule.namespace(), e.reason(), 1);
      events.record(ref, EventRecorder.Type.Normal, e.reason(), e.message());
    } else if (event instanceof ScheduleEvent.FiringsMissed e) {
      metrics.scheduleSkipped(schedule.namespace(), FiringRules.MISSED_STARTING_DEADLINE, e.count());
      events.record(ref, EventRecorder.Type.Warning, FiringRules.MISSED_STARTING_DEADLINE, e.message());
    } else if (event instanceof ScheduleEvent.ScheduledFlowFailed e) {
      metrics.scheduleSkipped(schedule.namespace(), "FlowRefused", 1);
      events.record(ref, EventRecorder.Type.Warning, e.reason(), e.message());
    } else if (event instanceof ScheduleEvent.ScheduleDeleted) {
      written.remove(schedule.uid());
      events.forget(schedule.uid());
    }
  }
}
