package dev.jobflow.controller;

import dev.jobflow.api.FlowPhase;
import dev.jobflow.api.JobFlow;
import dev.jobflow.kube.Finalizers;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Hands the engine again the flows that show no sign of having reached their entity: created (or being deleted)
 * longer ago than the grace, and still without a phase past Pending (or still holding the finalizer). Remembered
 * entities bring back every flow that had started; this covers the command that was on its way to a replica
 * when it was lost, before its entity existed, which would otherwise wait for the next informer resync (minutes).
 * Runs on the cluster's leader only, from its informer cache: one replica's sweep, no API call.
 */
final class FlowLagSweep {
  /** Longer than a flow normally takes from creation to Running, so a healthy flow is never delivered twice. */
  static final Duration GRACE = Duration.ofSeconds(15);

  private final Supplier<List<JobFlow>> flows;
  private final FlowInformer.Listener engine;
  private final BooleanSupplier isLeader;
  private final Clock clock;

  FlowLagSweep(Supplier<List<JobFlow>> flows, FlowInformer.Listener engine, BooleanSupplier isLeader, Clock clock) {
    this.flows = flows;
    this.engine = engine;
    this.isLeader = isLeader;
    this.clock = clock;
  }

  /** One pass; returns how many flows it delivered again. */
  int sweep() {
    if (!isLeader.getAsBoolean()) {
      return 0;
    }
    Instant now = clock.instant();
    int delivered = 0;
    for (JobFlow flow : flows.get()) {
      if (lagging(flow, now)) {
        engine.onFlow(flow);
        delivered++;
      }
    }
    return delivered;
  }

  /** Not started though created before the grace, or a deletion not journaled though begun before it. */
  static boolean lagging(JobFlow flow, Instant now) {
    Instant deadline = now.minus(GRACE);
    if (Finalizers.isBeingDeleted(flow)) {
      return Finalizers.has(flow) && before(flow.getMetadata().getDeletionTimestamp(), deadline);
    }
    FlowPhase phase = flow.getStatus() == null ? null : flow.getStatus().getPhase();
    return (phase == null || phase == FlowPhase.Pending) && before(flow.getMetadata().getCreationTimestamp(), deadline);
  }

  private static boolean before(String timestamp, Instant deadline) {
    try {
      return timestamp != null && Instant.parse(timestamp).isBefore(deadline);
    } catch (DateTimeParseException e) {
      return false;
    }
  }
}
