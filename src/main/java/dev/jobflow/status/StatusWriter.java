package dev.jobflow.status;

import dev.jobflow.api.JobFlow;
import dev.jobflow.api.JobFlowStatus;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the status subresource of JobFlows. Coalesced: a flow gets at most one write per interval and the
 * latest status wins, so a burst of step transitions costs one API call. Optimistic: each write carries the
 * resourceVersion and the uid it read, and is retried on conflict, so it never lands on a re-created flow.
 *
 * <p>Level-triggered: it remembers a fingerprint of the status it last wrote for each flow, so
 * {@link #isCurrent} tells whether the status the API server holds is still the journal's projection (a
 * status someone else wrote is not), and a write that would change nothing is skipped. A condition whose
 * status did not change keeps the {@code lastTransitionTime} the API server holds, so a status re-sent after
 * a restart is the same status, not a new one.
 */
public final class StatusWriter {
  private static final Logger log = LoggerFactory.getLogger(StatusWriter.class);
  private static final int MAX_CONFLICT_RETRIES = 5;

  /** Counts what happened to writes, for metrics. */
  public interface Observer {
    void written();

    void conflicted();

    void failed(int code);

    Observer NONE = new Observer() {
      public void written() {}

      public void conflicted() {}

      public void failed(int code) {}
    };
  }

  /** Identifies the flow incarnation a status belongs to. */
  public record Target(String namespace, String name, String uid) {}

  private static final class Slot {
    JobFlowStatus latest;
    long lastWriteNanos = Long.MIN_VALUE / 2;
    boolean scheduled;
  }

  private final KubernetesClient client;
  private final ScheduledExecutorService scheduler;
  private final long intervalNanos;
  private final Observer observer;
  private final Map<Target, Slot> slots = new HashMap<>();
  /** uid -> fingerprint of the status last written (or found already there). */
  private final Map<String, Integer> written = new ConcurrentHashMap<>();

  public StatusWriter(KubernetesClient client, ScheduledExecutorService scheduler, Duration interval, Observer observer) {
    this.client = client;
    this.scheduler = scheduler;
    this.intervalNanos = interval.toNanos();
    this.observer = observer;
  }

  /** Offers the newest status of a flow; it is written within one interval unless a newer one replaces it. */
  public void offer(Target target, JobFlowStatus status) {
    long delay;
    synchronized (slots) {
      Slot slot = slots.computeIfAbsent(target, t -> new Slot());
      slot.latest = status;
      if (slot.scheduled) {
        return;
      }
      slot.scheduled = true;
      delay = Math.max(0, slot.lastWriteNanos + intervalNanos - System.nanoTime());
    }
    scheduler.schedule(() -> writeLatest(target), delay, TimeUnit.NANOSECONDS);
  }

  /** Writes everything still pending, now; used on graceful shutdown. */
  public CompletableFuture<Void> flush() {
    List<Target> pending;
    synchronized (slots) {
      pending = new ArrayList<>(slots.keySet());
    }
    return CompletableFuture.runAsync(() -> pending.forEach(this::writeLatest), scheduler);
  }

  /** Forgets a flow that is gone. */
  public void forget(Target target) {
    synchronized (slots) {
      slots.remove(target);
    }
    written.remove(target.uid());
  }

  /**
   * Whether the flow's status, as observed, is what this writer last wrote for it, or a write is pending that
   * will replace it anyway. False for a flow it has not written since it started: only its entity knows.
   */
  public boolean isCurrent(JobFlow observed) {
    var meta = observed.getMetadata();
    synchronized (slots) {
      Slot slot = slots.get(new Target(meta.getNamespace(), meta.getName(), meta.getUid()));
      if (slot != null && slot.scheduled) {
        return true;
      }
    }
    Integer last = written.get(meta.getUid());
    return last != null && last == fingerprint(observed.getStatus());
  }

  /** Equal for equal statuses whatever the order of their map keys (a real API server sorts them). */
  static int fingerprint(JobFlowStatus status) {
    return status == null ? 0 : Serialization.jsonMapper().valueToTree(status).hashCode();
  }

  /** {@code status} with each condition whose status is unchanged keeping the time it last changed. */
  static JobFlowStatus keepingTransitionTimes(JobFlowStatus current, JobFlowStatus status) {
    if (current == null || current.getConditions() == null || status.getConditions() == null) {
      return status;
    }
    List<Condition> kept = new ArrayList<>(status.getConditions().size());
    for (Condition c : status.getConditions()) {
      Condition before = current.getConditions().stream()
          .filter(b -> c.getType().equals(b.getType()) && c.getStatus().equals(b.getStatus())).findFirst().orElse(null);
      kept.add(before == null || before.getLastTransitionTime() == null ? c
          : new ConditionBuilder(c).withLastTransitionTime(before.getLastTransitionTime()).build());
    }
    JobFlowStatus copy = Serialization.jsonMapper().convertValue(status, JobFlowStatus.class);
    copy.setConditions(kept);
    return copy;
  }

  private void writeLatest(Target target) {
    JobFlowStatus status;
    synchronized (slots) {
      Slot slot = slots.get(target);
      if (slot == null || slot.latest == null) {
        return;
      }
      status = slot.latest;
      slot.latest = null;
      slot.scheduled = false;
      slot.lastWriteNanos = System.nanoTime();
    }
    try {
      write(target, status);
    } catch (RuntimeException e) {
      log.warn("status of {}/{} not written: {}", target.namespace(), target.name(), e.getMessage());
    }
  }

  private void write(Target target, JobFlowStatus status) {
    var resource = client.resources(JobFlow.class).inNamespace(target.namespace()).withName(target.name());
    for (int attempt = 0; attempt <= MAX_CONFLICT_RETRIES; attempt++) {
      JobFlow current = resource.get();
      if (current == null || !target.uid().equals(current.getMetadata().getUid())) {
        return; // gone, or a new flow of the same name: this status belongs to neither
      }
      JobFlowStatus next = keepingTransitionTimes(current.getStatus(), status);
      int fingerprint = fingerprint(next);
      // Recorded before the write, so the informer's echo of it already finds it current.
      written.put(target.uid(), fingerprint);
      if (fingerprint == fingerprint(current.getStatus())) {
        return; // already there (e.g. re-sent after a restart): no write
      }
      current.setStatus(next);
      try {
        client.resources(JobFlow.class).inNamespace(target.namespace()).resource(current).updateStatus();
        observer.written();
        return;
      } catch (KubernetesClientException e) {
        written.remove(target.uid());
        if (e.getCode() == 409) {
          observer.conflicted();
          continue;
        }
        if (e.getCode() == 404) {
          return;
        }
        observer.failed(e.getCode());
        throw e;
      }
    }
    observer.failed(409);
    log.warn("status of {}/{} not written after {} conflicts", target.namespace(), target.name(), MAX_CONFLICT_RETRIES);
  }
}
