package dev.jobflow.controller;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jobflow.api.JobFlowTrigger;
import dev.jobflow.metrics.JobflowMetrics;
import dev.jobflow.status.EventRecorder;
import dev.jobflow.trigger.TriggerDefinition;
import dev.jobflow.trigger.TriggerEndpointObserver;
import dev.jobflow.trigger.TriggerEvent;
import dev.jobflow.trigger.TriggerObserver;
import dev.jobflow.trigger.TriggerState;
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
 * What triggers report, made visible: the JobFlowTrigger status subresource (written only when it changed, the
 * latest one winning), Kubernetes Events ({@code FlowTriggered}, {@code TriggeredFlowFailed}), and the endpoint's
 * metrics.
 */
public final class TriggerPublisher implements TriggerObserver, TriggerEndpointObserver {
  private static final Logger log = LoggerFactory.getLogger(TriggerPublisher.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final KubernetesClient client;
  private final Executor io;
  private final EventRecorder events;
  private final JobflowMetrics metrics;
  private final Clock clock;
  /** The last status written per trigger uid (without its transition time), and when Ready last changed. */
  private final Map<String, Written> written = new ConcurrentHashMap<>();
  private final Map<String, Pending> pending = new ConcurrentHashMap<>();

  private record Written(String status, String readyReason, Instant since) {}

  private record Pending(TriggerDefinition trigger, TriggerState state) {}

  public TriggerPublisher(KubernetesClient client, Executor io, EventRecorder events, JobflowMetrics metrics,
                          Clock clock) {
    this.client = client;
    this.io = io;
    this.events = events;
    this.metrics = metrics;
    this.clock = clock;
  }

  @Override
  public void stateChanged(TriggerDefinition trigger, TriggerState state) {
    if (!written.containsKey(trigger.uid())) {
      metrics.triggerSeen(trigger.namespace(), trigger.name());
    }
    if (pending.put(trigger.uid(), new Pending(trigger, state)) == null) {
      io.execute(() -> write(trigger.uid()));
    }
  }

  private void write(String uid) {
    Pending p = pending.remove(uid);
    if (p == null) {
      return;
    }
    String reason = p.trigger().invalid() != null ? "InvalidSpec" : "Listening";
    ObjectNode status = status(p.trigger(), p.state());
    Written last = written.get(uid);
    if (last != null && last.status().equals(status.toString()) && last.readyReason().equals(reason)) {
      return;
    }
    Instant since = last != null && last.readyReason().equals(reason) ? last.since() : clock.instant();
    ObjectNode withConditions = status.deepCopy();
    withConditions.putArray("conditions").addObject().put("type", "Ready")
        .put("status", p.trigger().invalid() == null ? "True" : "False").put("reason", reason)
        .put("message", p.trigger().invalid() != null ? p.trigger().invalid()
            : "POST firings to " + p.trigger().endpoint() + " on the trigger port")
        .put("lastTransitionTime", since.toString()).put("observedGeneration", p.trigger().generation());
    ObjectNode root = JSON.createObjectNode();
    root.set("status", withConditions);
    try {
      client.resources(JobFlowTrigger.class).inNamespace(p.trigger().namespace()).withName(p.trigger().name())
          .subresource("status").patch(PatchContext.of(PatchType.JSON_MERGE), root.toString());
      written.put(uid, new Written(status.toString(), reason, since));
    } catch (KubernetesClientException e) {
      if (e.getCode() != 404) {
        log.warn("could not write the status of JobFlowTrigger {}/{}: {}", p.trigger().namespace(),
            p.trigger().name(), e.getMessage());
        metrics.kubeApiError("patch", "jobflowtriggers/status", e.getCode());
      }
    }
  }

  static ObjectNode status(TriggerDefinition t, TriggerState s) {
    ObjectNode status = JSON.createObjectNode();
    status.put("observedGeneration", t.generation());
    status.put("endpoint", t.endpoint());
    status.put("flowsCreated", s.flowsCreated());
    status.put("lastFlow", s.lastFlow());
    status.put("lastTriggeredTime", s.lastTriggered() == null ? null : s.lastTriggered().toString());
    return status;
  }

  @Override
  public void eventRecorded(TriggerDefinition trigger, TriggerEvent event) {
    var ref = new EventRecorder.FlowRef(trigger.namespace(), trigger.name(), trigger.uid(), JobFlowTrigger.KIND);
    if (event instanceof TriggerEvent.AlertAccepted e) {
      events.record(ref, EventRecorder.Type.Normal, "FlowTriggered", "creating " + e.flowName()
          + (e.alertName() == null ? "" : " for alert " + e.alertName()) + " (fingerprint "
          + e.fingerprint().substring(0, 12) + ")");
    } else if (event instanceof TriggerEvent.TriggeredFlowFailed e) {
      events.record(ref, EventRecorder.Type.Warning, e.reason(), e.message());
    } else if (event instanceof TriggerEvent.TriggerDeleted) {
      written.remove(trigger.uid());
      events.forget(trigger.uid());
    }
  }

  // ---- the endpoint's metrics ----

  @Override
  public void received(String namespace, String trigger, int firings) {
    metrics.triggerReceived(namespace, trigger, firings);
  }

  @Override
  public void filtered(String namespace, String trigger, String filter) {
    metrics.triggerFiltered(namespace, trigger, filter);
  }

  @Override
  public void deduplicated(String namespace, String trigger) {
    metrics.triggerDeduplicated(namespace, trigger);
  }

  @Override
  public void created(String namespace, String trigger) {
    metrics.triggerFlowCreated(namespace, trigger);
  }

  @Override
  public void rejected(String namespace, String trigger, String reason) {
    metrics.triggerRejected(namespace, trigger, reason);
  }
}
