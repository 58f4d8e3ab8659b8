package dev.jobflow.dag;

import static dev.jobflow.api.StepPhase.Cancelled;
import static dev.jobflow.api.StepPhase.Failed;
import static dev.jobflow.api.StepPhase.Pending;
import static dev.jobflow.api.StepPhase.Retrying;
import static dev.jobflow.api.StepPhase.Running;
import static dev.jobflow.api.StepPhase.Skipped;
import static dev.jobflow.api.StepPhase.Succeeded;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.jobflow.api.FailurePolicy;
import dev.jobflow.api.FlowPhase;
import dev.jobflow.api.GoDuration;
import dev.jobflow.api.ShutdownPolicy;
import dev.jobflow.api.StepPhase;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every rule of the scheduler, and their combinations, as a table: a flow (steps written
 * {@code name<dep,dep rN tDUR}, {@code !name} for finally steps), what the cluster does, and how every
 * step and the flow end up.
 */
class SchedulerScenariosTest {

  record Scenario(String name, List<String> steps, Integer parallelism, FailurePolicy policy, String timeout,
                  boolean suspended, Consumer<DagDriver> script, Map<String, StepPhase> expected,
                  FlowPhase outcome, String outcomeReason) {
    @Override
    public String toString() {
      return name;
    }
  }

  static final class Builder {
    private final String name;
    private List<String> steps;
    private Integer parallelism;
    private FailurePolicy policy = FailurePolicy.FailFast;
    private String timeout;
    private boolean suspended;
    private Consumer<DagDriver> script = d -> {};
    private final Map<String, StepPhase> expected = new LinkedHashMap<>();

    Builder(String name) {
      this.name = name;
    }

    Builder steps(String... steps) {
      this.steps = Arrays.asList(steps);
      return this;
    }

    Builder parallelism(int p) {
      parallelism = p;
      return this;
    }

    Builder continueIndependent() {
      policy = FailurePolicy.ContinueIndependent;
      return this;
    }

    Builder timeout(String t) {
      timeout = t;
      return this;
    }

    Builder suspended() {
      suspended = true;
      return this;
    }

    Builder run(Consumer<DagDriver> s) {
      script = s;
      return this;
    }

    Builder expect(StepPhase phase, String... names) {
      for (String n : names) {
        expected.put(n, phase);
      }
      return this;
    }

    Builder expectReason(String reason, String... names) {
      Consumer<DagDriver> before = script;
      script = d -> {
        before.accept(d);
        for (String n : names) {
          assertEquals(reason, d.reason(n), "reason of " + n);
        }
      };
      return this;
    }

    Scenario ends(FlowPhase outcome, String reason) {
      return new Scenario(name, steps, parallelism, policy, timeout, suspended, script, expected, outcome, reason);
    }
  }

  static Builder scenario(String name) {
    return new Builder(name);
  }

  /**
   * Steps written {@code name<dep,dep rN tDUR d=DEPENDS w=WHEN c} ({@code !name} for finally steps): dependsOn, retries,
   * timeout, a {@code depends} expression (no spaces), a condition ({@link TestConditions}) and continueOn.failed.
   */
  static FlowGraph graph(List<String> specs) {
    FlowGraph.Builder b = FlowGraph.builder();
    for (String spec : specs) {
      String[] parts = spec.split(" ");
      String head = parts[0];
      RetryRule retry = RetryRule.NONE;
      Duration timeout = null;
      Depends depends = null;
      Condition when = null;
      boolean continues = false;
      for (int i = 1; i < parts.length; i++) {
        if (parts[i].startsWith("d=")) {
          depends = Depends.parse(parts[i].substring(2));
        } else if (parts[i].startsWith("w=")) {
          when = TestConditions.parse(parts[i].substring(2));
        } else if (parts[i].equals("c")) {
          continues = true;
        } else if (parts[i].startsWith("r")) {
          retry = new RetryRule(Integer.parseInt(parts[i].substring(1)), Duration.ofSeconds(10), 2, Duration.ofSeconds(15));
        } else if (parts[i].startsWith("t")) {
          timeout = GoDuration.parse(parts[i].substring(1));
        }
      }
      if (head.startsWith("!")) {
        b.finallyStep(head.substring(1), retry, timeout, when, continues);
      } else {
        String[] nd = head.split("<");
        List<String> deps = nd.length > 1 ? List.of(nd[1].split(",")) : List.of();
        b.step(nd[0], depends != null ? depends : Depends.allOf(deps), retry, timeout, when, continues);
      }
    }
    return b.build();
  }

  static final Duration S10 = Duration.ofSeconds(10);

  static Stream<Scenario> scenarios() {
    return Stream.of(
        scenario("a chain runs in order and succeeds")
            .steps("a", "b<a", "c<b")
            .run(d -> {
              assertEquals(List.of("a"), d.running());
              d.succeed("a").succeed("b").succeed("c");
              assertEquals(List.of("a#1", "b#1", "c#1"), d.starts);
            })
            .expect(Succeeded, "a", "b", "c").ends(FlowPhase.Succeeded, Reasons.SUCCEEDED),
        scenario("a diamond starts both branches together, joins after both")
            .steps("a", "b<a", "c<a", "d<b,c")
            .run(d -> {
              d.succeed("a");
              assertEquals(List.of("b", "c"), d.running());
              d.succeed("b");
              assertEquals(List.of("c"), d.running());
              d.succeed("c").succeed("d");
            })
            .expect(Succeeded, "a", "b", "c", "d").ends(FlowPhase.Succeeded, Reasons.SUCCEEDED),
        scenario("parallelism caps running attempts")
            .steps("a", "b", "c", "d", "e").parallelism(2)
            .run(d -> {
              assertEquals(List.of("a", "b"), d.running());
              d.succeed("a");
              assertEquals(List.of("b", "c"), d.running());
              d.succeed("b").succeed("c").succeed("d").succeed("e");
              assertEquals(2, d.maxRunning);
            })
            .expect(Succeeded, "a", "b", "c", "d", "e").ends(FlowPhase.Succeeded, Reasons.SUCCEEDED),
        scenario("a failed attempt is retried at an absolute time, then succeeds")
            .steps("a r2")
            .run(d -> {
              d.fail("a");
              assertEquals(Retrying, d.phase("a"));
              assertEquals(DagDriver.T0.plus(S10), d.state.progress(0).nextAttemptAt());
              assertEquals(DagDriver.T0.plus(S10), d.wakeAt());
              d.advance(Duration.ofSeconds(9));
              assertEquals(Retrying, d.phase("a"));
              d.advance(Duration.ofSeconds(1));
              assertEquals(List.of("a#1", "a#2"), d.starts);
              d.succeed("a");
            })
            .expect(Succeeded, "a").ends(FlowPhase.Succeeded, Reasons.SUCCEEDED),
        scenario("backoff grows by factor and is capped at maxDuration")
            .steps("a r3")
            .run(d -> {
              d.fail("a");
              assertEquals(d.now.plus(S10), d.state.progress(0).nextAttemptAt());
              d.advance(S10).fail("a");
              assertEquals(d.now.plus(Duration.ofSeconds(15)), d.state.progress(0).nextAttemptAt(), "20s capped at 15s");
              d.advance(Duration.ofSeconds(15)).fail("a");
              d.advance(Duration.ofSeconds(15)).succeed("a");
              assertEquals(4, d.state.attempts(0));
            })
            .expect(Succeeded, "a").ends(FlowPhase.Succeeded, Reasons.SUCCEEDED),
        scenario("retries spent: the step and the flow fail")
            .steps("a r1", "b<a")
            .run(d -> d.fail("a").advance(S10).fail("a"))
            .expect(Failed, "a").expect(Skipped, "b").ends(FlowPhase.Failed, Reasons.STEP_FAILED),
        scenario("FailFast: no new steps after a failure, running ones finish")
            .steps("a", "b<a", "c", "d<c")
            .run(d -> {
              d.fail("a");
              assertEquals(List.of("c"), d.running());
              assertEquals(Skipped, d.phase("b"));
              assertEquals(Reasons.FAIL_FAST, d.reason("b"));
              assertNull(d.outcome(), "c still runs");
              d.succeed("c");
            })
            .expect(Failed, "a").expect(Skipped, "b", "d").expect(Succeeded, "c").ends(FlowPhase.Failed, Reasons.STEP_FAILED),
        scenario("FailFast abandons a retry that is waiting")
            .steps("a r3", "b")
            .run(d -> {
              d.fail("a");
              d.fail("b");
              assertEquals(Failed, d.phase("a"));
              assertEquals(Reasons.FAIL_FAST, d.reason("a"));
            })
            .expect(Failed, "a", "b").ends(FlowPhase.Failed, Reasons.STEP_FAILED),
        scenario("ContinueIndependent: downstream skipped, independent branches run")
            .steps("a", "b<a", "c", "d<c", "e<b,d").continueIndependent()
            .run(d -> {
              d.fail("a");
              assertEquals(Reasons.UPSTREAM_FAILED, d.reason("b"));
              d.succeed("c");
              assertEquals(List.of("d"), d.running());
              d.succeed("d");
            })
            .expect(Failed, "a").expect(Skipped, "b", "e").expect(Succeeded, "c", "d").ends(FlowPhase.Failed, Reasons.STEP_FAILED),
        scenario("ContinueIndependent skips a whole downstream chain in one decision")
            .steps("a", "b<a", "c<b", "d<c").continueIndependent()
            .run(d -> {
              int before = d.decisions.size();
              d.fail("a");
              assertEquals(before + 2, d.decisions.size(), "one decision skips b, c, d; one ends the flow");
            })
            .expect(Failed, "a").expect(Skipped, "b", "c", "d").ends(FlowPhase.Failed, Reasons.STEP_FAILED),
        scenario("step timeout fails the attempt with StepTimedOut and retries it")
            .steps("a r1 t1m")
            .run(d -> {
              assertEquals(DagDriver.T0.plus(Duration.ofMinutes(1)), d.wakeAt());
              d.advance(Duration.ofMinutes(1));
              assertEquals(Retrying, d.phase("a"));
              assertEquals(Reasons.STEP_TIMED_OUT, d.reason("a"));
              d.advance(S10).succeed("a");
            })
            .expect(Succeeded, "a").ends(FlowPhase.Succeeded, Reasons.SUCCEEDED),
        scenario("step timeout without retries fails the step")
            .steps("a t30s", "b<a")
            .run(d -> d.advance(Duration.ofSeconds(30)))
            .expect(Failed, "a").expect(Skipped, "b").ends(FlowPhase.Failed, Reasons.STEP_FAILED),
        scenario("flow timeout terminates running attempts, skips the rest, still runs finally")
            .steps("a", "b<a", "c", "!notify").timeout("5m")
            .run(d -> {
              d.succeed("c");
              d.advance(Duration.ofMinutes(5));
              assertEquals(Cancelled, d.phase("a"));
              assertEquals(Reasons.FLOW_TIMED_OUT, d.reason("a"));
              assertEquals(List.of("notify"), d.running());
              d.succeed("notify");
            })
            .expect(Cancelled, "a").expect(Skipped, "b").expect(Succeeded, "c", "notify")
            .ends(FlowPhase.Failed, Reasons.FLOW_TIMED_OUT),
        scenario("flow timeout during finally terminates the finally steps")
            .steps("a", "!f1", "!f2").timeout("1m").parallelism(1)
            .run(d -> {
              d.succeed("a");
              assertEquals(List.of("f1"), d.running());
              d.advance(Duration.ofMinutes(1));
            })
            .expect(Succeeded, "a").expect(Cancelled, "f1").expect(Skipped, "f2").ends(FlowPhase.Failed, Reasons.FLOW_TIMED_OUT),
        scenario("finally steps start once the DAG has succeeded")
            .steps("a", "!f1", "!f2")
            .run(d -> {
              assertEquals(List.of("a"), d.running());
              d.succeed("a");
              assertEquals(List.of("f1", "f2"), d.running());
              d.succeed("f1").succeed("f2");
            })
            .expect(Succeeded, "a", "f1", "f2").ends(FlowPhase.Succeeded, Reasons.SUCCEEDED),
        scenario("a failed finally step fails a succeeded flow")
            .steps("a", "!f")
            .run(d -> d.succeed("a").fail("f"))
            .expect(Succeeded, "a").expect(Failed, "f").ends(FlowPhase.Failed, Reasons.FINALLY_STEP_FAILED),
        scenario("finally runs after a failure; the flow fails for the step")
            .steps("a", "b<a", "!f r1")
            .run(d -> d.fail("a").fail("f").advance(S10).succeed("f"))
            .expect(Failed, "a").expect(Skipped, "b").expect(Succeeded, "f").ends(FlowPhase.Failed, Reasons.STEP_FAILED),
        scenario("suspended from the start: nothing starts until resumed")
            .steps("a", "b<a").suspended()
            .run(d -> {
              assertEquals(List.of(), d.running());
              assertEquals(FlowPhase.Suspended, d.state.flowPhase());
              d.suspend(false).succeed("a").succeed("b");
            })
            .expect(Succeeded, "a", "b").ends(FlowPhase.Succeeded, Reasons.SUCCEEDED),
        scenario("suspended mid-flow: running attempts finish, no retry or new step starts")
            .steps("a r1", "b", "c<b")
            .run(d -> {
              d.suspend(true).fail("a").succeed("b");
              d.advance(Duration.ofMinutes(1));
              assertEquals(List.of(), d.running());
              assertEquals(Retrying, d.phase("a"));
              assertEquals(Pending, d.phase("c"));
              assertNull(d.wakeAt(), "a suspended flow waits for resume, not for time");
              d.suspend(false);
              assertEquals(List.of("a", "c"), d.running());
              d.succeed("a").succeed("c");
            })
            .expect(Succeeded, "a", "b", "c").ends(FlowPhase.Succeeded, Reasons.SUCCEEDED),
        scenario("shutdown Stop: running finish, nothing new, finally runs, Cancelled")
            .steps("a", "b<a", "c r2", "!f")
            .run(d -> {
              d.fail("c");
              d.shutdown(ShutdownPolicy.Stop);
              assertEquals(List.of("a"), d.running());
              d.succeed("a");
              assertEquals(List.of("f"), d.running());
              d.succeed("f");
            })
            .expect(Succeeded, "a", "f").expect(Skipped, "b").expect(Failed, "c").ends(FlowPhase.Cancelled, Reasons.STOPPED),
        scenario("shutdown Terminate: running attempts stop at once, finally skipped")
            .steps("a", "b<a", "!f")
            .run(d -> d.shutdown(ShutdownPolicy.Terminate))
            .expect(Cancelled, "a").expect(Skipped, "b", "f").ends(FlowPhase.Cancelled, Reasons.TERMINATED),
        scenario("Terminate after Stop terminates the finally steps too")
            .steps("a", "!f")
            .run(d -> {
              d.shutdown(ShutdownPolicy.Stop).succeed("a");
              assertEquals(List.of("f"), d.running());
              d.shutdown(ShutdownPolicy.Terminate);
              d.shutdown(ShutdownPolicy.Stop);
              assertEquals(ShutdownPolicy.Terminate, d.state.shutdown(), "Stop never softens Terminate");
            })
            .expect(Succeeded, "a").expect(Cancelled, "f").ends(FlowPhase.Cancelled, Reasons.TERMINATED),
        scenario("raising parallelism at run time starts more")
            .steps("a", "b", "c").parallelism(1)
            .run(d -> {
              assertEquals(List.of("a"), d.running());
              d.parallelism(3);
              assertEquals(List.of("a", "b", "c"), d.running());
              d.succeed("a").succeed("b").succeed("c");
            })
            .expect(Succeeded, "a", "b", "c").ends(FlowPhase.Succeeded, Reasons.SUCCEEDED),
        scenario("a due retry waiting for a slot does not spin the timer; the slot starts it")
            .steps("a r1", "b").parallelism(1)
            .run(d -> {
              d.fail("a");
              assertEquals(List.of("b"), d.running());
              d.advance(Duration.ofMinutes(1));
              assertNull(d.wakeAt());
              d.succeed("b");
              assertEquals(List.of("a"), d.running());
              assertEquals(2, d.state.attempts(0));
              d.succeed("a");
            })
            .expect(Succeeded, "a", "b").ends(FlowPhase.Succeeded, Reasons.SUCCEEDED),
        scenario("retries come before new steps when a slot frees")
            .steps("a r1", "b", "c").parallelism(2)
            .run(d -> {
              d.fail("a");
              assertEquals(List.of("b", "c"), d.running());
              d.advance(S10).succeed("b");
              assertEquals(List.of("a", "c"), d.running());
              d.succeed("a").succeed("c");
            })
            .expect(Succeeded, "a", "b", "c").ends(FlowPhase.Succeeded, Reasons.SUCCEEDED),
        scenario("a flow of finally steps only runs them at once")
            .steps("!f")
            .run(d -> d.succeed("f"))
            .expect(Succeeded, "f").ends(FlowPhase.Succeeded, Reasons.SUCCEEDED)
    );
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("scenarios")
  void scenario(Scenario s) {
    play(s);
  }

  /** Plays a scenario and checks how every step and the flow ended. */
  static void play(Scenario s) {
    DagDriver d = new DagDriver(graph(s.steps()), s.parallelism(), s.policy(),
        s.timeout() == null ? null : GoDuration.parse(s.timeout()), s.suspended()).settle();
    s.script().accept(d);
    s.expected().forEach((step, phase) -> assertEquals(phase, d.phase(step), "phase of " + step));
    assertEquals(s.outcome(), d.outcome(), "flow outcome");
    assertEquals(s.outcomeReason(), d.state.outcomeReason(), "flow reason");
    assertEquals(List.of(), d.running(), "nothing runs after the end");
    assertEquals(d.state.graph().size(), d.state.finishedCount(), "every step finished");
    assertNull(d.wakeAt(), "a finished flow needs no timer");
  }
}
