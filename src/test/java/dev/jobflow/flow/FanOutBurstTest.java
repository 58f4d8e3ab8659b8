package dev.jobflow.flow;

import static dev.jobflow.flow.Flows.flow;
import static org.junit.jupiter.api.Assertions.assertEquals;

import akka.actor.typed.ActorRef;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.jobflow.api.FlowPhase;
import dev.jobflow.flow.FlowCommand.SpecSeen;
import dev.jobflow.step.JobState;
import java.time.Duration;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Thousands of instances that end at once. Each stored batch of their events asks the entity to decide again; with
 * one request per batch those piled up in the stash while a write was in flight, and Akka unstashes commands that
 * store nothing one inside the other, so 2,000 instances ending together overflowed the default thread stack. At
 * most one such request is ever on its way now; this pins it on the default stack.
 */
class FanOutBurstTest extends EntityHarness {
  static final int INSTANCES = 3_000;

  /**
   * The testkit's journal, when it serializes, deserializes every stored event of the entity on each write (its
   * storage maps the whole event vector): 12,000 events made the test take minutes in the harness, not the engine.
   * Events are kept as objects here; the golden files and the other entity tests cover their serialization.
   */
  @Override
  Config config() {
    return ConfigFactory.parseString("akka.persistence.testkit.events.serialize = off\n"
        + "akka.persistence.testkit.snapshots.serialize = off").withFallback(CONFIG);
  }

  @Test
  void threeThousandInstancesEndingTogetherFinishTheFlow() {
    String uid = "u-burst";
    FlowDefinition definition = flow("burst", uid)
        .step(new StepDefinition("shard", List.of(), 0, null, null, null, null, Flows.TEMPLATE, null, null, null,
            new FanOutDefinition(null, null, (long) INSTANCES, null, null, null, null, null, null)))
        .step("merge", "shard")
        .build();
    ActorRef<FlowCommand> entity = spawn(uid, new SpecSeen(definition));
    Awaitility.await("every instance has its Job").atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(200))
        .until(() -> runtime.allCreations().size() == INSTANCES);

    runtime.finishWith(a -> JobState.Succeeded); // merge, created later, succeeds at once
    for (int k = 0; k < INSTANCES; k++) {
      runtime.set("data", "burst-shard-" + k + "-1", JobState.Succeeded, null, null);
    }
    testKit.createTestProbe().expectTerminated(entity, Duration.ofMinutes(3));

    FlowState state = replayed(uid);
    assertEquals(FlowPhase.Succeeded, state.phase(), () -> "events: " + types(events(uid)).subList(0, 20));
    assertEquals(INSTANCES + 1, runtime.allCreations().size());
    assertEquals(List.of(1), runtime.allCreations().values().stream().distinct().toList(), "each Job created once");
  }
}
