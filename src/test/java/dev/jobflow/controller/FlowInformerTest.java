package dev.jobflow.controller;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jobflow.api.FlowPhase;
import dev.jobflow.api.JobFlow;
import dev.jobflow.api.JobFlowStatus;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which JobFlow updates reach the engine: the controller's own writes do not come back to it. */
class FlowInformerTest {

  static JobFlow flow(String resourceVersion, long generation) {
    JobFlow f = new JobFlow();
    f.setMetadata(new ObjectMetaBuilder().withName("etl").withNamespace("data").withUid("u-1")
        .withResourceVersion(resourceVersion).withGeneration(generation).build());
    return f;
  }

  @Test
  void aStatusOrFinalizerWriteDoesNotReachTheEngine() {
    JobFlow before = flow("10", 1);
    JobFlow statusWritten = flow("11", 1);
    JobFlowStatus status = new JobFlowStatus();
    status.setPhase(FlowPhase.Running);
    statusWritten.setStatus(status);
    assertFalse(FlowInformer.reachesTheEngine(before, statusWritten));
    JobFlow finalizerAdded = flow("12", 1);
    finalizerAdded.getMetadata().setFinalizers(List.of("jobflow.dev/journal"));
    assertFalse(FlowInformer.reachesTheEngine(statusWritten, finalizerAdded));
  }

  @Test
  void aNewSpecReachesTheEngine() {
    assertTrue(FlowInformer.reachesTheEngine(flow("10", 1), flow("11", 2)));
  }

  @Test
  void theStartOfADeletionReachesTheEngineOnce() {
    JobFlow deleting = flow("11", 1);
    deleting.getMetadata().setDeletionTimestamp("2026-11-23T08:00:00Z");
    assertTrue(FlowInformer.reachesTheEngine(flow("10", 1), deleting));
    JobFlow stillDeleting = flow("12", 1);
    stillDeleting.getMetadata().setDeletionTimestamp("2026-11-23T08:00:00Z");
    assertFalse(FlowInformer.reachesTheEngine(deleting, stillDeleting), "e.g. the finalizer going: no news");
  }

  /** A resync delivers the object unchanged: a controller that missed its last status write sends it again. */
  @Test
  void aResyncReachesTheEngine() {
    JobFlow same = flow("10", 1);
    assertTrue(FlowInformer.reachesTheEngine(same, same));
  }
}
