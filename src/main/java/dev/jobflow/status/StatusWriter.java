package dev.jobflow.status;

import dev.jobflow.api.JobFlow;
import dev.jobflow.api.JobFlowStatus;
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
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the status subresource of JobFlows. Coalesced: a flow gets at most one write per interval and the
 * latest status wins, so a burst of step transitions costs one API call: a JSON patch of the status subresource
 * that tests the flow's uid, so it never lands on a re-created flow, and needs no read before it.
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
    JobFlowStatus latest;
    long lastWriteNanos = Long.MIN_VALUE / 2;
    boolean scheduled;
  }

  private final KubernetesClient client;
  private final ScheduledExecutorService scheduler;
  private final long intervalNanos;
  private final Observer observer;
  private final Map<Target, Slot> slots = new HashMap<>();

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

  /**
   * One JSON patch of the status subresource, with no read before it: its test of the uid keeps the status off a
   * flow re-created under the same name, and its {@code add} replaces the status whole (a merge patch would keep
   * fields the new status no longer has). Only a refused patch costs a read, to tell "not this flow" from a fault.
   */
  private void write(Target target, JobFlowStatus status) {
    String patch = "[{\"op\":\"test\",\"path\":\"/metadata/uid\",\"value\":" + Serialization.asJson(target.uid())
        + "},{\"op\":\"add\",\"path\":\"/status\",\"value\":" + Serialization.asJson(status) + "}]";
    HttpClient http = client.getHttpClient();
    for (int attempt = 0; attempt <= MAX_CONFLICT_RETRIES; attempt++) {
      HttpResponse<String> response;
      try {
        response = http.sendAsync(http.newHttpRequestBuilder().uri(statusUrl(target))
            .method("PATCH", "application/json-patch+json", patch).build(), String.class).get(WRITE_TIMEOUT_SECONDS,
            TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (ExecutionException | TimeoutException e) {
        observer.failed(0);
        throw new KubernetesClientException("status patch of " + target.namespace() + "/" + target.name()
            + " failed: " + e.getMessage(), e);
      }
      int code = response.code();
      if (response.isSuccessful()) {
        observer.written();
        return;
      }
      if (code == 409) {
        observer.conflicted();
        continue;
      }
      if (code == 404 || (code == 422 && !sameFlow(target))) {
        return; // gone, or a new flow of the same name: this status belongs to neither
      }
      observer.failed(code);
      throw new KubernetesClientException("status patch of " + target.namespace() + "/" + target.name()
          + " refused (" + code + "): " + response.body(), code, null);
    }
    observer.failed(409);
    log.warn("status of {}/{} not written after {} conflicts", target.namespace(), target.name(), MAX_CONFLICT_RETRIES);
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
