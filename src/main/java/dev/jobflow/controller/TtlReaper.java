package dev.jobflow.controller;

import dev.jobflow.api.JobFlow;
import dev.jobflow.api.JobFlowStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes finished flows once {@code ttlSecondsAfterFinished} has passed since {@code status.finishedAt}.
 * It reads the expiry from the object, not from a timer, so a flow whose TTL ran out while the controller
 * was down goes at the first sweep after start. Deleting goes through the finalizer, so the journal
 * records FlowDeleted; the history stays.
 */
public final class TtlReaper {
  private static final Logger log = LoggerFactory.getLogger(TtlReaper.class);
  public static final long DEFAULT_TTL_SECONDS = 86_400;

  private final KubernetesClient client;
  private final Supplier<List<JobFlow>> flows;
  private final Clock clock;

  public TtlReaper(KubernetesClient client, Supplier<List<JobFlow>> flows, Clock clock) {
    this.client = client;
    this.flows = flows;
    this.clock = clock;
  }

  /** One pass over every known flow; returns how many it deleted. */
  public int sweep() {
    int deleted = 0;
    Instant now = clock.instant();
    for (JobFlow flow : flows.get()) {
      Instant expiry = expiry(flow);
      if (expiry != null && !now.isBefore(expiry) && flow.getMetadata().getDeletionTimestamp() == null) {
        if (delete(flow)) {
          deleted++;
        }
      }
    }
    return deleted;
  }

  /** When the flow may be deleted, or null while it runs or when it has no finish time. */
  public static Instant expiry(JobFlow flow) {
    JobFlowStatus status = flow.getStatus();
    if (status == null || status.getPhase() == null || !status.getPhase().isFinished() || status.getFinishedAt() == null) {
      return null;
    }
    Long ttl = flow.getSpec() == null ? null : flow.getSpec().getTtlSecondsAfterFinished();
    try {
      return Instant.parse(status.getFinishedAt()).plusSeconds(ttl == null ? DEFAULT_TTL_SECONDS : ttl);
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  private boolean delete(JobFlow flow) {
    String ns = flow.getMetadata().getNamespace();
    String name = flow.getMetadata().getName();
    try {
      // Guarded by resourceVersion: a flow re-created or changed meanwhile is not deleted on stale grounds.
      client.resources(JobFlow.class).inNamespace(ns).withName(name)
          .lockResourceVersion(flow.getMetadata().getResourceVersion()).delete();
      log.info("deleted {}/{}: ttlSecondsAfterFinished expired", ns, name);
      return true;
    } catch (KubernetesClientException e) {
      if (e.getCode() != 404 && e.getCode() != 409) {
        log.warn("could not delete expired flow {}/{}: {}", ns, name, e.getMessage());
      }
      return false;
    }
  }
}
