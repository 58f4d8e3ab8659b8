package dev.jobflow.flow;

import static dev.jobflow.flow.Flows.flow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.typed.ActorRef;
import dev.jobflow.api.ApprovalDecision;
import dev.jobflow.api.FlowPhase;
import dev.jobflow.dag.Reasons;
import dev.jobflow.flow.FlowCommand.SpecSeen;
import dev.jobflow.step.JobState;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Approval steps beside fan-out steps, through the entity: an approval downstream of a fan-out asks once every
 * instance has ended; a fan-out downstream of an approval fixes its list only once approved, and a rejection skips it
 * without expanding it.
 */
class FanOutApprovalTest extends EntityHarness {
  static final ApprovalDefinition ALICE = new ApprovalDefinition("Ship it?", null, false, List.of("alice"), List.of());

  static StepDefinition shard(String... dependsOn) {
    return new StepDefinition("shard", List.of(dependsOn), 0, null, null, null, null, Flows.TEMPLATE, null, null, null,
        new FanOutDefinition(List.of("\"a\"", "\"b\"", "\"c\""), null, null, null, null, null, null, null, null));
  }

  static StepDefinition gate(String... dependsOn) {
    return new StepDefinition("gate", List.of(dependsOn), 0, null, null, null, null, null, null, null, null, ALICE);
  }

  static ApprovalDecision decision(boolean approved) {
    return new ApprovalDecision(approved, "alice", List.of(), null, "2026-11-23T08:01:00Z");
  }

  @Test
  void anApprovalAfterAFanOutAsksOnceEveryInstanceHasEnded() {
    runtime.finishWith(a -> JobState.Succeeded);
    String uid = "u-fan-then-gate";
    ActorRef<FlowCommand> entity = spawn(uid);
    entity.tell(new SpecSeen(flow("rel", uid).step(shard()).step(gate("shard")).step("deploy", "gate").build()));
    awaitEvent(uid, FlowEvent.StepApprovalRequested.class);
    List<String> decided = decisions(events(uid));
    int asked = types(events(uid)).indexOf("StepApprovalRequested");
    for (int i = 0; i < 3; i++) {
      int done = decided.indexOf("StepSucceeded shard-" + i + "#1");
      assertTrue(done >= 0 && done < asked, "shard-" + i + " ended before the gate asked: " + decided);
    }
    assertEquals(FlowPhase.Running, replayed(uid).phase());

    entity.tell(new FlowCommand.ApprovalsSeen(Map.of("gate", decision(true))));
    awaitEvent(uid, FlowEvent.FlowSucceeded.class);
    assertTrue(decisions(events(uid)).contains("StepSucceeded deploy#1"));
    assertEquals(1, types(events(uid)).stream().filter("StepApprovalRequested"::equals).count());
    testKit.createTestProbe().expectTerminated(entity, Duration.ofSeconds(10));
  }

  @Test
  void aFanOutAfterAnApprovalExpandsOnlyOnceApproved() {
    runtime.finishWith(a -> JobState.Succeeded);
    String uid = "u-gate-then-fan";
    ActorRef<FlowCommand> entity = spawn(uid);
    entity.tell(new SpecSeen(flow("rel", uid).step(gate()).step(shard("gate")).build()));
    awaitEvent(uid, FlowEvent.StepApprovalRequested.class);
    assertEquals(List.of(), eventsAfterCommandsHandled(entity, uid).stream()
        .filter(e -> e instanceof FlowEvent.StepExpanded).toList(), "no list before the decision");

    entity.tell(new FlowCommand.ApprovalsSeen(Map.of("gate", decision(true))));
    awaitEvent(uid, FlowEvent.FlowSucceeded.class);
    List<String> types = types(events(uid));
    assertTrue(types.indexOf("StepApproved") < types.indexOf("StepExpanded"), types.toString());
    assertEquals(3, decisions(events(uid)).stream().filter(d -> d.startsWith("StepSucceeded shard-")).count());
    testKit.createTestProbe().expectTerminated(entity, Duration.ofSeconds(10));
  }

  @Test
  void aRejectionSkipsTheFanOutWithoutExpandingIt() {
    runtime.finishWith(a -> JobState.Succeeded);
    String uid = "u-gate-rejected";
    ActorRef<FlowCommand> entity = spawn(uid);
    entity.tell(new SpecSeen(flow("rel", uid).step(gate()).step(shard("gate")).build()));
    awaitEvent(uid, FlowEvent.StepApprovalRequested.class);
    entity.tell(new FlowCommand.ApprovalsSeen(Map.of("gate", decision(false))));
    awaitEvent(uid, FlowEvent.FlowFailed.class);
    List<FlowEvent> events = events(uid);
    assertEquals(List.of(), events.stream().filter(e -> e instanceof FlowEvent.StepExpanded).toList());
    FlowEvent.StepSkipped skipped = events.stream().filter(e -> e instanceof FlowEvent.StepSkipped s
        && s.step().equals("shard")).map(e -> (FlowEvent.StepSkipped) e).findFirst().orElseThrow();
    assertEquals(Reasons.FAIL_FAST, skipped.reason(), "the rejection failed the gate; FailFast skips the rest");
    assertEquals(Map.of(), runtime.allCreations(), "no Job at all");
    testKit.createTestProbe().expectTerminated(entity, Duration.ofSeconds(10));
  }
}
