package dev.jobflow.dag;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jobflow.api.FailurePolicy;
import dev.jobflow.api.FlowPhase;
import dev.jobflow.api.StepPhase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DagStateTest {

  @Test
  void retryDelaysGrowByFactorAndAreCapped() {
    RetryRule r = new RetryRule(5, Duration.ofSeconds(10), 2, Duration.ofMinutes(1));
    assertEquals(Duration.ofSeconds(10), r.delayAfter(1));
    assertEquals(Duration.ofSeconds(20), r.delayAfter(2));
    assertEquals(Duration.ofSeconds(40), r.delayAfter(3));
    assertEquals(Duration.ofMinutes(1), r.delayAfter(4));
    assertTrue(r.allowsRetryAfter(5));
    assertFalse(r.allowsRetryAfter(6));
    assertEquals(Duration.ofSeconds(10), new RetryRule(1, Duration.ofSeconds(10), 1, null).delayAfter(50));
    assertThrows(IllegalArgumentException.class, () -> new RetryRule(1, Duration.ZERO, 0.5, null));
  }

  @Test
  void graphRefusesUnknownDependenciesDuplicatesAndCycles() {
    var unknown = assertThrows(IllegalArgumentException.class, () -> FlowGraph.builder().step("a", "nope").build());
    assertTrue(unknown.getMessage().contains("'a' depends on 'nope'"), unknown.getMessage());
    assertThrows(IllegalArgumentException.class, () -> FlowGraph.builder().step("a").step("a").build());
    assertThrows(IllegalArgumentException.class, () -> FlowGraph.builder().step("a", "a").build());
    var cycle = assertThrows(IllegalArgumentException.class,
        () -> FlowGraph.builder().step("a", "c").step("b", "a").step("c", "b").step("d").build());
    assertEquals("steps in or behind a dependency cycle can never start: a, b, c", cycle.getMessage());
    var finallyDep = assertThrows(IllegalArgumentException.class,
        () -> FlowGraph.builder().step("a", "f").finallyStep("f").build());
    assertTrue(finallyDep.getMessage().contains("not a step"), finallyDep.getMessage());
  }

  @Test
  void lateReportsOfAnOldAttemptAreNotCurrent() {
    DagDriver d = new DagDriver(FlowGraph.builder().step("a", List.of(), new RetryRule(1, Duration.ofSeconds(1), 1, null), null)
        .build(), null, FailurePolicy.FailFast, null, false).settle();
    assertTrue(Scheduler.isCurrent(d.state, 0, 1));
    d.fail("a").advance(Duration.ofSeconds(1));
    assertFalse(Scheduler.isCurrent(d.state, 0, 1));
    assertNull(Scheduler.resolveFailure(d.state, 0, 1, "x", "y", d.now));
    assertTrue(Scheduler.isCurrent(d.state, 0, 2));
  }

  @Test
  void aSnapshotRestoredMidFlowDecidesExactlyAsTheOriginal() {
    FlowGraph g = SchedulerScenariosTest.graph(List.of("a r2 t1m", "b<a", "c<a", "d<b,c", "e", "f<e", "!fin"));
    DagDriver d = new DagDriver(g, 2, FailurePolicy.ContinueIndependent, Duration.ofHours(1), false).settle();
    d.fail("a");          // a retrying
    d.fail("e");          // e failed: f skipped
    d.advance(Duration.ofSeconds(10));  // a#2 running
    DagSnapshot snap = d.state.snapshot();
    DagState restored = snap.restore(g);
    assertEquals(snap, restored.snapshot());
    for (StepPhase p : StepPhase.values()) {
      assertEquals(d.state.count(p), restored.count(p), "count of " + p);
    }
    assertEquals(Scheduler.decide(d.state, d.now), Scheduler.decide(restored, d.now));
    // Both go on identically.
    DagDriver again = new DagDriver(g, 2, FailurePolicy.ContinueIndependent, Duration.ofHours(1), false);
    again.state = restored;
    again.now = d.now;
    d.succeed("a").succeed("b").succeed("c").succeed("d").succeed("fin");
    again.settle().succeed("a").succeed("b").succeed("c").succeed("d").succeed("fin");
    assertEquals(d.state.snapshot(), again.state.snapshot());
    assertEquals(FlowPhase.Failed, again.outcome());
  }

  @Test
  void tenThousandStepChainAndFanOutRunToTheEnd() {
    FlowGraph.Builder chain = FlowGraph.builder();
    FlowGraph.Builder wide = FlowGraph.builder().step("root");
    for (int i = 0; i < 10_000; i++) {
      chain.step("s" + i, i == 0 ? new String[0] : new String[] {"s" + (i - 1)});
      wide.step("w" + i, "root");
    }
    DagDriver c = DagDriver.of(chain.build());
    for (int i = 0; i < 10_000; i++) {
      c.succeed("s" + i);
    }
    assertEquals(FlowPhase.Succeeded, c.outcome());

    DagDriver w = new DagDriver(wide.build(), 100, FailurePolicy.ContinueIndependent, null, false).settle();
    w.succeed("root");
    assertEquals(100, w.state.runningCount());
    List<String> order = new ArrayList<>();
    while (w.state.runningCount() > 0) {
      String next = w.running().get(0);
      order.add(next);
      w.succeed(next);
    }
    assertEquals(10_000, order.size());
    assertEquals(100, w.maxRunning);
    assertEquals(FlowPhase.Succeeded, w.outcome());
  }
}
