package dev.jobflow.flow;

import static dev.jobflow.flow.Flows.flow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.typed.ActorRef;
import dev.jobflow.flow.FlowCommand.SpecSeen;
import dev.jobflow.step.JobResults;
import dev.jobflow.step.JobState;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Gathering a fan-out step's outputs through the entity: the steps after it read {@code steps.shard.outputs.KEY} as
 * a JSON list in instance order ({@code null} where an instance wrote none), in a template placeholder, in a
 * {@code when} and as a {@code withParam}; the instances' Pods are read because their step's outputs are.
 */
class FanOutOutputsTest extends EntityHarness {

  static FlowDefinition definition(String uid) {
    String merge = Flows.TEMPLATE.replace("echo {{params.date}}", "merge {{steps.shard.outputs.n}}");
    return flow("g", uid).continueIndependent()
        .step(new StepDefinition("shard", List.of(), 0, null, null, null, null, Flows.TEMPLATE, null, null, null,
            new FanOutDefinition(List.of("\"a\"", "\"b\"", "\"c\""), null, null, null, null, null, null, null, null)))
        .step(new StepDefinition("merge", List.of(), 0, null, null, null, null, merge, "shard.AnySucceeded",
            "steps.shard.outputs.n.startsWith('[\"A\"')", null))
        .step(new StepDefinition("again", List.of(), 0, null, null, null, null, Flows.TEMPLATE, "shard.AnySucceeded",
            null, null, new FanOutDefinition(null, "steps.shard.outputs.n", null, null, null, null, null, null, null)))
        .build();
  }

  @Test
  void theStepsAfterAFanOutReadItsInstancesOutputsAsAListInInstanceOrder() {
    runtime.finishWith(a -> a.step().equals("shard-1") ? JobState.Failed : JobState.Succeeded);
    runtime.results("g-shard-0-1", new JobResults(Map.of("n", "A"), 0, null));
    runtime.results("g-shard-1-1", new JobResults(Map.of(), 1, null));
    runtime.results("g-shard-2-1", new JobResults(Map.of("n", "C", "extra", "x"), 0, null));
    String uid = "u-gather";
    ActorRef<FlowCommand> entity = spawn(uid);
    entity.tell(new SpecSeen(definition(uid)));
    testKit.createTestProbe().expectTerminated(entity, Duration.ofSeconds(10));

    assertEquals("[\"A\",null,\"C\"]", runtime.spec("g-merge-1").stepValues().get("steps.shard.outputs.n"),
        "the placeholder: one element per instance, null for the failed one");
    List<FlowEvent> events = events(uid);
    assertTrue(events.stream().anyMatch(e -> e instanceof FlowEvent.StepConditionEvaluated c
        && c.step().equals("merge") && c.result()), "the when read the list");
    FlowEvent.StepExpanded again = events.stream().filter(e -> e instanceof FlowEvent.StepExpanded x
        && x.step().equals("again")).map(e -> (FlowEvent.StepExpanded) e).findFirst().orElseThrow();
    assertEquals(List.of("\"A\"", "null", "\"C\""), again.items(), "a withParam over the gathered list");

    FlowState state = FlowState.empty();
    events.forEach(state::apply);
    int shard = state.dag().graph().indexOf("shard");
    assertEquals(Map.of("extra", "[null,null,\"x\"]", "n", "[\"A\",null,\"C\"]"), state.dag().resultOutputs(shard),
        "every key any instance wrote, from the journal");
    assertEquals(null, state.stepView(shard).outputs(), "the status does not carry the list (it grows with the "
        + "instances); each instance's outputs are there");
  }
}
