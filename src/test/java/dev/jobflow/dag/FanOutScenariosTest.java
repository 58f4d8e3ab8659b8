package dev.jobflow.dag;

import static dev.jobflow.api.StepPhase.Failed;
import static dev.jobflow.api.StepPhase.Running;
import static dev.jobflow.api.StepPhase.Skipped;
import static dev.jobflow.api.StepPhase.Succeeded;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jobflow.api.FailurePolicy;
import dev.jobflow.api.FlowPhase;
import dev.jobflow.api.StepPhase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Fan-out in the rules: the list fixed once when the step becomes ready, instances named {@code <step>-<index>} each
 * a step of its own (retries, when with its item, outcome), both parallelisms, FailFast and ContinueIndependent over
 * instances, fan-in operands, the limits, a restart mid-run, and a 100,000-instance flow.
 */
class FanOutScenariosTest {

  private static FanOut sequence(int n, Integer parallelism) {
    return new FanOut(StaticItems.sequence((long) n, null, null, null), 100_000, parallelism);
  }

  private static DagDriver driver(FlowGraph g, Integer parallelism, FailurePolicy policy) {
    return new DagDriver(g, parallelism, policy, null, false).settle();
  }

  private static FlowGraph.Builder fanOutStep(FlowGraph.Builder b, String name, FanOut f, String... deps) {
    return b.step(name, Depends.allOf(List.of(deps)), RetryRule.NONE, null, null, false, f);
  }

  private static Set<String> running(DagDriver d) {
    return new HashSet<>(d.running());
  }

  /** Succeeds every running attempt until nothing runs. */
  private static void succeedAll(DagDriver d) {
    while (!d.running().isEmpty()) {
      for (String s : d.running()) {
        d.succeed(s);
      }
    }
  }

  @Test
  void theListIsFixedWhenTheStepBecomesReadyAndItsInstancesRunWithinItsParallelism() {
    FlowGraph.Builder b = FlowGraph.builder().step("list");
    fanOutStep(b, "shard", sequence(5, 2), "list");
    FlowGraph g = b.step("merge", "shard").build();
    DagDriver d = driver(g, null, FailurePolicy.FailFast);
    assertEquals(List.of(), d.expanded, "not before its dependency is met");
    d.succeed("list");
    assertEquals(List.of("shard=5"), d.expanded);
    assertEquals(Set.of("shard-0", "shard-1"), running(d), "in item order, at most the step's parallelism");
    assertEquals(Running, d.phase("shard"));
    d.succeed("shard-1");
    assertEquals(Set.of("shard-0", "shard-2"), running(d));
    d.succeed("shard-0").succeed("shard-2").succeed("shard-3");
    assertEquals(StepPhase.Pending, d.phase("merge"), "a bare name waits for every instance");
    d.succeed("shard-4");
    assertEquals(Succeeded, d.phase("shard"));
    assertEquals(Reasons.INSTANCES_SUCCEEDED, d.state.progress(d.index("shard")).reason());
    assertEquals(List.of("merge"), d.running());
    d.succeed("merge");
    assertEquals(FlowPhase.Succeeded, d.outcome());
    assertEquals(2, d.maxRunning);
    assertEquals(List.of("shard=5"), d.expanded, "expanded once");
  }

  @Test
  void flowAndStepParallelismBothHold() {
    FlowGraph.Builder b = FlowGraph.builder();
    fanOutStep(b, "a", sequence(10, 2));
    fanOutStep(b, "b", sequence(10, 2));
    DagDriver d = driver(b.build(), 3, FailurePolicy.FailFast);
    int maxA = 0;
    int maxB = 0;
    while (!d.running().isEmpty()) {
      List<String> now = d.running();
      maxA = Math.max(maxA, (int) now.stream().filter(s -> s.startsWith("a-")).count());
      maxB = Math.max(maxB, (int) now.stream().filter(s -> s.startsWith("b-")).count());
      assertTrue(now.size() <= 3, "flow parallelism: " + now);
      d.succeed(now.get(0));
    }
    assertEquals(2, maxA);
    assertEquals(2, maxB);
    assertEquals(FlowPhase.Succeeded, d.outcome());
    assertEquals(20, d.starts.size());
  }

  @Test
  void fanInOperandsOverInstancesUnderContinueIndependent() {
    FlowGraph.Builder b = FlowGraph.builder();
    fanOutStep(b, "shard", sequence(3, null));
    FlowGraph g = b.step("all", "shard")
        .step("any", Depends.parse("shard.AnySucceeded"), RetryRule.NONE, null, null, false)
        .step("allFailed", Depends.parse("shard.AllFailed"), RetryRule.NONE, null, null, false)
        .step("failed", Depends.parse("shard.Failed"), RetryRule.NONE, null, null, false)
        .build();
    DagDriver d = driver(g, null, FailurePolicy.ContinueIndependent);
    assertEquals(Set.of("shard-0", "shard-1", "shard-2"), running(d));
    d.fail("shard-1").succeed("shard-0").succeed("shard-2");
    assertEquals(Failed, d.phase("shard"));
    assertEquals(Reasons.INSTANCES_FAILED, d.state.progress(d.index("shard")).reason());
    assertEquals(Skipped, d.phase("all"), "a bare name needs every instance to succeed");
    assertEquals(Reasons.UPSTREAM_FAILED, d.state.progress(d.index("all")).reason());
    assertEquals(Skipped, d.phase("allFailed"));
    assertEquals(Set.of("any", "failed"), running(d));
    d.succeed("any").succeed("failed");
    assertEquals(FlowPhase.Failed, d.outcome());
  }

  @Test
  void allFailedIsTrueWhenEveryInstanceFailed() {
    FlowGraph.Builder b = FlowGraph.builder();
    fanOutStep(b, "shard", sequence(2, null));
    FlowGraph g = b.step("report", Depends.parse("shard.AllFailed"), RetryRule.NONE, null, null, false).build();
    DagDriver d = driver(g, null, FailurePolicy.ContinueIndependent);
    d.fail("shard-0").fail("shard-1");
    assertEquals(List.of("report"), d.running());
  }

  @Test
  void failFastStopsStartingInstancesAndLetsRunningOnesFinish() {
    FlowGraph.Builder b = FlowGraph.builder();
    fanOutStep(b, "shard", sequence(6, 2));
    FlowGraph g = b.step("handler", Depends.parse("shard.AnySucceeded"), RetryRule.NONE, null, null, false)
        .step("after", "shard").build();
    DagDriver d = driver(g, null, FailurePolicy.FailFast);
    d.succeed("shard-0");
    assertEquals(Set.of("shard-1", "shard-2"), running(d));
    d.fail("shard-2");
    assertEquals(List.of("shard-1"), d.running(), "no new instance starts; the running one goes on");
    for (int i = 3; i < 6; i++) {
      assertEquals(Skipped, d.phase("shard-" + i));
      assertEquals(Reasons.FAIL_FAST, d.state.progress(d.index("shard-" + i)).reason());
    }
    assertEquals(List.of(new InstanceCounts("shard", 6, 0, 1, 0, 1, 1, 3, 0)), d.state.instanceCounts());
    assertEquals(StepPhase.Pending, d.phase("handler"), "a failure handler over the instances waits for them");
    d.succeed("shard-1");
    assertEquals(Failed, d.phase("shard"));
    assertEquals(List.of("handler"), d.running(), "AnySucceeded: it runs despite FailFast");
    assertEquals(Skipped, d.phase("after"));
    d.succeed("handler");
    assertEquals(FlowPhase.Failed, d.outcome());
    assertEquals(Reasons.STEP_FAILED, d.state.outcomeReason());
  }

  @Test
  void eachInstanceIsRetriedOnItsOwn() {
    FlowGraph g = FlowGraph.builder()
        .step("shard", Depends.none(), new RetryRule(1, Duration.ofSeconds(10), 2, null), null, null, false,
            sequence(2, null))
        .build();
    DagDriver d = driver(g, null, FailurePolicy.FailFast);
    assertEquals(List.of(new InstanceCounts("shard", 2, 0, 2, 0, 0, 0, 0, 0)), d.state.instanceCounts());
    d.fail("shard-1");
    assertEquals(StepPhase.Retrying, d.phase("shard-1"));
    assertEquals(List.of("shard-0"), d.running());
    assertEquals(List.of(new InstanceCounts("shard", 2, 0, 1, 1, 0, 0, 0, 0)), d.state.instanceCounts(),
        "a retrying instance is counted as such, not as running or pending");
    d.advance(Duration.ofSeconds(10));
    assertEquals(2, d.state.attempts(d.index("shard-1")));
    assertEquals(1, d.state.attempts(d.index("shard-0")));
    assertEquals(List.of(new InstanceCounts("shard", 2, 0, 2, 0, 0, 0, 0, 0)), d.state.instanceCounts());
    d.succeed("shard-1").succeed("shard-0");
    assertEquals(FlowPhase.Succeeded, d.outcome());
    assertEquals(List.of(new InstanceCounts("shard", 2, 0, 0, 0, 2, 0, 0, 0)), d.state.instanceCounts());
    assertEquals(List.of("shard-0#1", "shard-1#1", "shard-1#2"), d.starts);
  }

  @Test
  void eachInstanceHasItsWhenEvaluatedWithItsItem() {
    Condition even = new Condition() {
      @Override
      public String source() {
        return "index % 2 == 0";
      }

      @Override
      public Verdict evaluate(ConditionInputs in) {
        assertEquals(Integer.toString(in.index() * 10), in.item(), "the instance's own item");
        return in.index() % 2 == 0 ? Verdict.run() : Verdict.skip();
      }
    };
    FanOut tens = new FanOut(StaticItems.list(List.of("0", "10", "20", "30")), 10, null);
    FlowGraph g = FlowGraph.builder().step("shard", Depends.none(), RetryRule.NONE, null, even, false, tens)
        .step("after", "shard").build();
    DagDriver d = driver(g, null, FailurePolicy.FailFast);
    assertEquals(List.of("shard-0=RUN", "shard-1=SKIP", "shard-2=RUN", "shard-3=SKIP"), d.evaluated);
    d.succeed("shard-0").succeed("shard-2");
    assertEquals(Succeeded, d.phase("shard"), "skipped by their when, instances count as settled");
    d.succeed("after");
    assertEquals(FlowPhase.Succeeded, d.outcome());
  }

  @Test
  void aListOverMaxItemsFailsTheStepWithTooManyItems() {
    FlowGraph.Builder b = FlowGraph.builder();
    fanOutStep(b, "grid", new FanOut(StaticItems.matrix(Map.of("a", List.of("1", "2", "3"), "b", List.of("x", "y"))),
        5, null));
    DagDriver d = driver(b.step("after", "grid").build(), null, FailurePolicy.FailFast);
    assertEquals(List.of("grid=" + Reasons.TOO_MANY_ITEMS), d.expanded);
    StepProgress p = d.state.progress(d.index("grid"));
    assertEquals(Failed, p.phase());
    assertEquals(0, p.attempts());
    assertEquals("matrix gives 6 items, more than maxItems (5)", p.message());
    assertEquals(FlowPhase.Failed, d.outcome());
  }

  @Test
  void aSourceThatGivesNoListFailsTheStepWithBadItems() {
    ItemSource broken = new ItemSource() {
      @Override
      public String field() {
        return "withParam";
      }

      @Override
      public Items expand(ConditionInputs inputs, int maxItems) {
        return Items.bad(field(), "the value is not a list: 7");
      }
    };
    FlowGraph.Builder b = FlowGraph.builder();
    fanOutStep(b, "each", new FanOut(broken, 10, null));
    DagDriver d = driver(b.build(), null, FailurePolicy.FailFast);
    StepProgress p = d.state.progress(d.index("each"));
    assertEquals(Failed, p.phase());
    assertEquals(Reasons.BAD_ITEMS, p.reason());
    assertTrue(Reasons.isError(p.reason()), "an Errored result for depends");
  }

  @Test
  void anEmptyListSucceedsAtOnce() {
    FlowGraph.Builder b = FlowGraph.builder();
    fanOutStep(b, "none", new FanOut(StaticItems.list(List.of()), 10, null));
    DagDriver d = driver(b.step("after", "none").build(), null, FailurePolicy.FailFast);
    assertEquals(Reasons.NO_ITEMS, d.state.progress(d.index("none")).reason());
    assertEquals(List.of("after"), d.running());
  }

  @Test
  void sequencesMatricesAndListsGiveTheirItemsAsJson() {
    ConditionInputs none = null;
    assertEquals(List.of("\"s-08\"", "\"s-09\"", "\"s-10\""),
        StaticItems.sequence(null, 8L, 10L, "s-%02d").expand(none, 10).items());
    assertEquals(List.of("3", "2", "1"), StaticItems.sequence(null, 3L, 1L, null).expand(none, 10).items());
    Map<String, List<String>> m = new LinkedHashMap<>();
    m.put("lr", List.of("0.1", "0.01"));
    m.put("depth", List.of("4", "8"));
    assertEquals(List.of("{\"lr\":\"0.1\",\"depth\":\"4\"}", "{\"lr\":\"0.1\",\"depth\":\"8\"}",
        "{\"lr\":\"0.01\",\"depth\":\"4\"}", "{\"lr\":\"0.01\",\"depth\":\"8\"}"),
        StaticItems.matrix(m).expand(none, 10).items());
    assertEquals(Reasons.TOO_MANY_ITEMS, StaticItems.sequence(1_000_000_000L, null, null, null).expand(none, 10).reason(),
        "refused before a list is built");
    assertEquals(Reasons.BAD_ITEMS, StaticItems.sequence(2L, null, null, "%s %s").expand(none, 10).reason());
  }

  @Test
  void aStepNamedLikeAnInstanceIsRefused() {
    FlowGraph.Builder b = FlowGraph.builder();
    fanOutStep(b, "shard", sequence(2, null));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> b.step("shard-1").build());
    assertEquals("step 'shard-1' has the name of an instance of fan-out step 'shard'", e.getMessage());
  }

  @Test
  void aRestartMidRunStartsNoInstanceTwiceAndLosesNone() {
    FlowGraph.Builder b = FlowGraph.builder().step("list");
    fanOutStep(b, "shard", sequence(8, 3), "list");
    DagDriver d = driver(b.step("merge", "shard").build(), null, FailurePolicy.FailFast);
    d.succeed("list").succeed("shard-0").fail("shard-1");
    d.restart();
    assertEquals(List.of("shard=8"), d.expanded, "a restored state is not expanded again");
    assertEquals(Set.of("shard-2", "shard-3"), running(d), "FailFast carried over; running ones go on");
    d.succeed("shard-2").succeed("shard-3");
    assertEquals(Failed, d.phase("shard"));
    assertEquals(Skipped, d.phase("merge"));
    List<String> started = d.starts.stream().filter(s -> s.startsWith("shard-")).toList();
    assertEquals(new HashSet<>(started).size(), started.size(), "no attempt started twice: " + started);
    assertEquals(FlowPhase.Failed, d.outcome());
  }

  @Test
  void aRestartBetweenExpansionAndStartsStartsEachInstanceOnce() {
    FlowGraph.Builder b = FlowGraph.builder();
    fanOutStep(b, "shard", sequence(4, 2));
    DagDriver d = new DagDriver(b.build(), null, FailurePolicy.FailFast, null, false);
    Decision expand = Scheduler.decide(d.state, d.now);
    assertTrue(expand instanceof Decision.ExpandSteps, "first the list: " + expand);
    Decision.Expansion e = ((Decision.ExpandSteps) expand).expansions().get(0);
    d.state.onExpanded(e.step(), e.items(), d.now);
    d.restart();
    assertEquals(Set.of("shard-0", "shard-1"), running(d));
    succeedAll(d);
    assertEquals(List.of("shard-0#1", "shard-1#1", "shard-2#1", "shard-3#1"),
        d.starts.stream().sorted().toList());
    assertEquals(FlowPhase.Succeeded, d.outcome());
    assertNull(d.state.progress(d.index("shard-0")).items(), "only the fan-out step keeps the list");
  }

  @Test
  void oneHundredThousandInstancesRunToTheEnd() {
    FlowGraph.Builder b = FlowGraph.builder();
    fanOutStep(b, "shard", sequence(100_000, 500));
    DagDriver d = driver(b.step("merge", Depends.parse("shard.AnySucceeded"), RetryRule.NONE, null, null, false)
        .build(), null, FailurePolicy.ContinueIndependent);
    List<String> batch = new ArrayList<>();
    int failed = 0;
    while (!d.running().contains("merge")) {
      batch.clear();
      batch.addAll(d.running());
      assertTrue(batch.size() <= 500, "step parallelism");
      for (String s : batch) {
        if (s.endsWith("7")) {
          d.fail(s);
          failed++;
        } else {
          d.succeed(s);
        }
      }
    }
    assertEquals(10_000, failed);
    assertEquals(100_002, d.state.graph().size());
    assertEquals(Failed, d.phase("shard"));
    assertEquals(100_000 + 1, IntStream.range(0, d.state.graph().size())
        .filter(i -> d.state.progress(i).phase().isFinished()).count());
    d.succeed("merge");
    assertEquals(FlowPhase.Failed, d.outcome());
  }
}
