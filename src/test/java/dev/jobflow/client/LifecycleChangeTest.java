package dev.jobflow.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jobflow.api.FlowPhase;
import dev.jobflow.api.JobFlow;
import dev.jobflow.api.JobFlowStatus;
import dev.jobflow.api.MutableSpecFields;
import dev.jobflow.api.ShutdownPolicy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** When each lifecycle change is allowed, already made, or refused, and what it patches. */
class LifecycleChangeTest {
  static JobFlow flow(FlowPhase phase, Boolean suspend, ShutdownPolicy shutdown) {
    JobFlow flow = new JobFlow();
    flow.getMetadata().setNamespace("default");
    flow.getMetadata().setName("etl");
    flow.getMetadata().setResourceVersion("42");
    flow.getSpec().setSuspend(suspend);
    flow.getSpec().setShutdown(shutdown);
    if (phase != null) {
      JobFlowStatus status = new JobFlowStatus();
      status.setPhase(phase);
      flow.setStatus(status);
    }
    return flow;
  }

  @ParameterizedTest
  @EnumSource(LifecycleChange.class)
  void everyChangeSetsOnlyAFieldAStartedFlowMayStillChange(LifecycleChange change) {
    ObjectNode spec = JsonNodeFactory.instance.objectNode();
    change.patchSpec(spec);
    assertEquals(1, spec.size(), spec.toString());
    assertTrue(MutableSpecFields.NAMES.contains(spec.fieldNames().next()), spec.toString());
  }

  @ParameterizedTest
  @EnumSource(LifecycleChange.class)
  void aFinishedFlowTakesNoLifecycleChange(LifecycleChange change) {
    assertEquals("it already Succeeded", change.refusal(flow(FlowPhase.Succeeded, null, null)));
    assertEquals("it already Failed", change.refusal(flow(FlowPhase.Failed, true, null)));
    assertEquals("it was already Cancelled", change.refusal(flow(FlowPhase.Cancelled, null, ShutdownPolicy.Stop)));
  }

  @ParameterizedTest
  @EnumSource(LifecycleChange.class)
  void aFlowBeingDeletedTakesNoLifecycleChange(LifecycleChange change) {
    JobFlow deleting = flow(FlowPhase.Running, null, null);
    deleting.getMetadata().setDeletionTimestamp("2026-11-23T08:00:00Z");
    assertEquals("it is being deleted", change.refusal(deleting));
  }

  @ParameterizedTest
  @EnumSource(LifecycleChange.class)
  void aFlowTheControllerHasNotSeenYetTakesEveryChange(LifecycleChange change) {
    assertNull(change.refusal(flow(null, null, null)));
  }

  @Test
  void suspendAndResumeAreEachOthersUndoAndIdempotent() {
    JobFlow running = flow(FlowPhase.Running, null, null);
    assertFalse(LifecycleChange.SUSPEND.alreadyMade(running));
    assertTrue(LifecycleChange.RESUME.alreadyMade(running));
    JobFlow suspended = flow(FlowPhase.Suspended, true, null);
    assertTrue(LifecycleChange.SUSPEND.alreadyMade(suspended));
    assertFalse(LifecycleChange.RESUME.alreadyMade(suspended));
    assertNull(LifecycleChange.RESUME.refusal(suspended));
  }

  @Test
  void terminateMayFollowStopButStopNeverSoftensTerminate() {
    JobFlow stopping = flow(FlowPhase.Running, null, ShutdownPolicy.Stop);
    assertNull(LifecycleChange.TERMINATE.refusal(stopping));
    assertTrue(LifecycleChange.STOP.alreadyMade(stopping));
    JobFlow terminating = flow(FlowPhase.Running, null, ShutdownPolicy.Terminate);
    assertEquals("it is already being terminated (spec.shutdown: Terminate)", LifecycleChange.STOP.refusal(terminating));
    assertTrue(LifecycleChange.TERMINATE.alreadyMade(terminating));
  }

  @Test
  void thePatchIsPinnedToTheResourceVersionThatWasChecked() {
    assertEquals("{\"metadata\":{\"resourceVersion\":\"42\"},\"spec\":{\"shutdown\":\"Terminate\"}}",
        FlowChanges.patch(flow(FlowPhase.Running, null, null), LifecycleChange.TERMINATE));
    assertEquals("{\"metadata\":{\"resourceVersion\":\"42\"},\"spec\":{\"suspend\":false}}",
        FlowChanges.patch(flow(FlowPhase.Suspended, true, null), LifecycleChange.RESUME));
  }
}
