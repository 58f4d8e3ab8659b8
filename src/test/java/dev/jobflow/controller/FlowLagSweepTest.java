package dev.jobflow.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.jobflow.api.FlowPhase;
import dev.jobflow.api.JobFlow;
import dev.jobflow.api.JobFlowStatus;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** The leader delivers again the flows whose command may have gone to a lost replica before their entity existed. */
class FlowLagSweepTest {
  private static final Instant NOW = Instant.parse("2026-12-02T04:00:00Z");
  private final List<String> delivered = new ArrayList<>();
  private final FlowInformer.Listener engine = new FlowInformer.Listener() {
    @Override
    public void onFlow(JobFlow flow) {
      delivered.add(flow.getMetadata().getName());
    }

    @Override
    public void onFlowGone(JobFlow lastKnown) {}

    @Override
    public void onStatusOrMetadata(JobFlow flow) {}
  };

  private static JobFlow flow(String name, int secondsAgo, FlowPhase phase) {
    JobFlow f = new JobFlow();
    f.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace("data").withUid("u-" + name)
        .withCreationTimestamp(NOW.minusSeconds(secondsAgo).toString()).build());
    if (phase != null) {
      JobFlowStatus status = new JobFlowStatus();
      status.setPhase(phase);
      f.setStatus(status);
    }
    return f;
  }

  private static JobFlow deleting(String name, int secondsAgo, boolean withFinalizer) {
    JobFlow f = flow(name, 600, FlowPhase.Running);
    f.getMetadata().setDeletionTimestamp(NOW.minusSeconds(secondsAgo).toString());
    if (withFinalizer) {
      f.getMetadata().setFinalizers(List.of(dev.jobflow.kube.JobflowLabels.FINALIZER));
    }
    return f;
  }

  @Test
  void onlyFlowsThatShowNoSignOfTheirEntityAfterTheGraceAreDeliveredAgain() {
    List<JobFlow> flows = List.of(
        flow("new", 2, null),                      // just created: its command is on its way
        flow("lost", 60, null),                    // never reached an entity
        flow("pending", 60, FlowPhase.Pending),    // accepted by nobody yet
        flow("running", 60, FlowPhase.Running),    // has an entity (remembered: restarts by itself)
        flow("done", 60, FlowPhase.Succeeded),
        deleting("deleting", 60, true),            // FlowDeleted not journaled yet
        deleting("just-deleting", 2, true),
        deleting("released", 60, false));          // finalizer gone: nothing left to do
    AtomicBoolean leader = new AtomicBoolean(true);
    FlowLagSweep sweep = new FlowLagSweep(() -> flows, engine, leader::get, Clock.fixed(NOW, ZoneOffset.UTC));
    assertEquals(3, sweep.sweep());
    assertEquals(List.of("lost", "pending", "deleting"), delivered);

    delivered.clear();
    leader.set(false);
    assertEquals(0, sweep.sweep(), "one replica sweeps for all");
    assertEquals(List.of(), delivered);
  }
}
