package dev.jobflow.flow;

import static dev.jobflow.flow.Flows.flow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import dev.jobflow.api.FanOutLimits;
import dev.jobflow.api.StepPhase;
import dev.jobflow.dag.Reasons;
import dev.jobflow.flow.FlowCommand.SpecSeen;
import dev.jobflow.step.JobResults;
import dev.jobflow.step.JobState;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The controller's fan-out cap ({@code jobflow.engine.fan-out.max-items-cap}) as the engine applies it: recorded in
 * the flow when it is accepted, so the journal alone says which cap held, whatever the controller is configured with
 * when it replays.
 */
class FanOutCapTest extends EntityHarness {

  static FlowDefinition perFile(String uid) {
    return flow("cap", uid).step("list")
        .step(new StepDefinition("per-file", List.of("list"), 0, null, null, null, null, Flows.TEMPLATE, null, null,
            null, new FanOutDefinition(null, "steps.list.outputs.files", null, null, null, null, null, null, null)))
        .build();
  }

  @Test
  void aListLongerThanTheConfiguredCapFailsTheStepAndTheCapIsRecorded() {
    settings = settings.withFanOut(new FanOutLimits(3));
    runtime.finishWith(a -> JobState.Succeeded);
    runtime.results("cap-list-1", new JobResults(Map.of("files", "[\"a\",\"b\",\"c\",\"d\"]"), 0, null));
    ActorRef<FlowCommand> ref = spawn("cap-1");
    ref.tell(new SpecSeen(perFile("cap-1")));
    TestProbe<Object> probe = testKit.createTestProbe();
    probe.expectTerminated(ref, Duration.ofSeconds(10));

    List<FlowEvent> events = events("cap-1");
    FlowEvent.FlowAccepted accepted = (FlowEvent.FlowAccepted) events.get(0);
    assertEquals(3, accepted.definition().maxItemsCap(), "the cap is in the journal");
    FlowEvent.StepFailed failed = events.stream().filter(e -> e instanceof FlowEvent.StepFailed f
        && f.step().equals("per-file")).map(e -> (FlowEvent.StepFailed) e).findFirst().orElseThrow();
    assertEquals(Reasons.TOO_MANY_ITEMS, failed.reason());
    assertTrue(failed.message().contains("more than maxItems (3)"), failed.message());
  }

  @Test
  void aReplayAppliesTheRecordedCapNotTheConfiguredOne() {
    FlowDefinition recorded = perFile("cap-2").withLimits(new FanOutLimits(3));
    FlowState replayed = FlowState.empty().apply(new FlowEvent.FlowAccepted(
        new FlowEvent.EventMeta(clock.instant(), WRITER, null), recorded));
    var graph = replayed.dag().graph();
    assertEquals(3, graph.step(graph.indexOf("per-file")).fanOut().maxItems());

    FlowState beforeTheSetting = FlowState.empty().apply(new FlowEvent.FlowAccepted(
        new FlowEvent.EventMeta(clock.instant(), WRITER, null), perFile("cap-3")));
    var old = beforeTheSetting.dag().graph();
    assertEquals(FanOutLimits.DEFAULT_MAX_ITEMS, old.step(old.indexOf("per-file")).fanOut().maxItems(),
        "a flow accepted before the cap was recorded runs under the default, as it did");
    assertEquals(StepPhase.Pending, beforeTheSetting.dag().phase(old.indexOf("per-file")));
  }
}
