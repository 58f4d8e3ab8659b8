package dev.jobflow.status;

import dev.jobflow.api.JobFlow;
import dev.jobflow.api.JobFlowStatus;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.http.HttpResponse;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the status subresource of JobFlows. Coalesced: a flow gets at most one write per interval and the
 * latest status wins, so a burst of step transitions costs one API call: a JSON patch of the status subresource
 * that tests the flow's uid, so it never lands on a re-created flow, and needs no read before it.
 *
 * <p>Level-triggered: it remembers a fingerprint of the status it last wrote for each flow, so
 * {@link #isCurrent} tells whether the status the API server holds is still the journal's projection (a
 * status someone else wrote is not), and a write that would change nothing (seen by the read before its first
 * write of a flow) is skipped. A condition whose
 * status did not change keeps the {@code lastTransitionTime} the API server holds, so a status re-sent after
 * a restart is the same status, not a new one.
 */
public final class StatusWriter {
  private static final Logger log = LoggerFactory.getLogger(StatusWriter.class);
  private static final int MAX_CONFLICT_RETRIES = 5;
  private static final long WRITE_TIMEOUT_SECONDS = 30;

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
    /** Renders the newest status when it is written: offers between two writes cost no rendering. */
    Supplier<JobFlowStatus> latest;
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
  /** uid -> the status last written (or found already there): what the next write starts from, with no read. */
  private final Map<String, JobFlowStatus> held = new ConcurrentHashMap<>();

  public StatusWriter(KubernetesClient client, ScheduledExecutorService scheduler, Duration interval, Observer observer) {
    this.client = client;
    this.scheduler = scheduler;
    this.intervalNanos = interval.toNanos();
    this.observer = observer;
  }

  /** Offers the newest status of a flow; it is written within one interval unless a newer one replaces it. */
  public void offer(Target target, JobFlowStatus status) {
    offer(target, () -> status);
  }

  /**
   * Offers the newest status of a flow, rendered when it is written (on the writer's thread, once per write): the
   * renderer must then give the newest status there is.
   */
  public void offer(Target target, Supplier<JobFlowStatus> renderer) {
    long delay;
    synchronized (slots) {
      Slot slot = slots.computeIfAbsent(target, t -> new Slot());
      slot.latest = renderer;
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
    held.remove(target.uid());
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
    Supplier<JobFlowStatus> renderer;
    synchronized (slots) {
      Slot slot = slots.get(target);
      if (slot == null || slot.latest == null) {
        return;
      }
      renderer = slot.latest;
      slot.latest = null;
      slot.scheduled = false;
      slot.lastWriteNanos = System.nanoTime();
    }
    try {
      write(target, renderer.get());
    } catch (RuntimeException e) {
      log.warn("status of {}/{} not written: {}", target.namespace(), target.name(), e.getMessage());
    }
  }

  /**
   * One JSON patch of the status subresource: its test of the uid keeps the status off a flow re-created under
   * the same name, and its {@code add} replaces the status whole (a merge patch would keep fields the new status
   * no longer has). The status the API server holds is read only before this writer's first write of a flow
   * (after a start, to keep its transition times and skip a write that would change nothing); after that it is
   * the status this writer last wrote, so there is no read before each write. A refused patch reads once to tell
   * a re-created flow from a fault.
   */
  private void write(Target target, JobFlowStatus status) {
    JobFlowStatus known = held.get(target.uid());
    boolean read = known == null;
    if (read) {
      JobFlow current = client.resources(JobFlow.class).inNamespace(target.namespace()).withName(target.name()).get();
      if (current == null || !target.uid().equals(current.getMetadata().getUid())) {
        return; // gone, or a new flow of the same name: this status belongs to neither
      }
      known = current.getStatus();
    }
    JobFlowStatus next = keepingTransitionTimes(known, status);
    int fingerprint = fingerprint(next);
    // Recorded before the write, so the informer's echo of it already finds it current.
    written.put(target.uid(), fingerprint);
    if (read && known != null && fingerprint == fingerprint(known)) {
      held.put(target.uid(), next);
      return; // already there (e.g. re-sent after a restart): no write
    }
    String patch = "[{\"op\":\"test\",\"path\":\"/metadata/uid\",\"value\":" + Serialization.asJson(target.uid())
        + "},{\"op\":\"add\",\"path\":\"/status\",\"value\":" + Serialization.asJson(next) + "}]";
    for (int attempt = 0; attempt <= MAX_CONFLICT_RETRIES; attempt++) {
      HttpResponse<String> response = patchStatus(target, patch);
      int code = response.code();
      if (response.isSuccessful()) {
        held.put(target.uid(), next);
        observer.written();
        return;
      }
      written.remove(target.uid());
      held.remove(target.uid());
      if (code == 409) {
        observer.conflicted();
        written.put(target.uid(), fingerprint);
        continue;
      }
      if (code == 404 || (code == 422 && !sameFlow(target))) {
        return; // gone, or a new flow of the same name: this status belongs to neither
      }
      observer.failed(code);
      throw new KubernetesClientException("status patch of " + target.namespace() + "/" + target.name()
          + " refused (" + code + "): " + response.body(), code, null);
    }
    written.remove(target.uid());
    observer.failed(409);
    log.warn("status of {}/{} not written after {} conflicts", target.namespace(), target.name(), MAX_CONFLICT_RETRIES);
  }

  private HttpResponse<String> patchStatus(Target target, String patch) {
    HttpClient http = client.getHttpClient();
    try {
      return http.sendAsync(http.newHttpRequestBuilder().uri(statusUrl(target))
          .method("PATCH", "application/json-patch+json", patch).build(), String.class)
          .get(WRITE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KubernetesClientException("interrupted writing the status of " + target.name(), e);
    } catch (ExecutionException | TimeoutException e) {
      written.remove(target.uid());
      held.remove(target.uid());
      observer.failed(0);
      throw new KubernetesClientException("status patch of " + target.namespace() + "/" + target.name()
          + " failed: " + e.getMessage(), e);
    }
  }

  private boolean sameFlow(Target target) {
    JobFlow current = client.resources(JobFlow.class).inNamespace(target.namespace()).withName(target.name()).get();
    return current != null && target.uid().equals(current.getMetadata().getUid());
  }

  private String statusUrl(Target target) {
    String base = client.getMasterUrl().toString().replaceFirst("/$", "");
    return base + "/apis/" + HasMetadata.getGroup(JobFlow.class) + "/" + HasMetadata.getVersion(JobFlow.class)
        + "/namespaces/" + target.namespace() + "/" + HasMetadata.getPlural(JobFlow.class) + "/" + target.name()
        + "/status";
  }
}
