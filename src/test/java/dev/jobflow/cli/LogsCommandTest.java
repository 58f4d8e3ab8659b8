package dev.jobflow.cli;

import static dev.jobflow.cli.CliCluster.flow;
import static dev.jobflow.cli.CliCluster.unique;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jobflow.api.FlowPhase;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@code jobflow logs}: the pod logs the emulator's process executor serves, per step, attempt, and followed. */
@ExtendWith(CliCluster.Resolver.class)
class LogsCommandTest {
  static CliCluster cluster;
  static String flow;

  @BeforeAll
  static void start(CliCluster shared) {
    cluster = shared;
    flow = unique("logged");
    // "flaky" fails its first attempt and passes its second: the marker file outlives the first pod.
    String marker = shared.dir.resolve(flow + ".marker").toString();
    String yaml = flow(flow, "extract: echo extracted 500 rows", "flaky<extract: if [ -f " + marker + " ]; then echo second try; else touch "
        + marker + "; echo first try; exit 1; fi")
        .replace("    - name: flaky\n", "    - name: flaky\n      retries: {limit: 1, backoff: {duration: 100ms}}\n");
    assertEquals(0, cluster.cli("submit", "--wait", cluster.write(flow + ".yaml", yaml).toString()).exit());
  }

  static List<String> output(CliRun run) {
    return run.out().lines().filter(l -> !l.contains("| --- ")).toList(); // the executor's own header per pod
  }

  @Test
  void everyStepsLogPrefixedByItsStepInFlowOrder() {
    CliRun run = cluster.cli("logs", flow);
    assertEquals(0, run.exit(), run.toString());
    assertEquals(List.of("extract | extracted 500 rows", "flaky   | second try"), output(run).stream()
        .filter(l -> !l.endsWith("| ")).toList(), run.out());
  }

  @Test
  void oneStepAndAnEarlierAttempt() {
    CliRun latest = cluster.cli("logs", flow, "flaky", "--no-prefix");
    assertEquals(0, latest.exit(), latest.toString());
    assertTrue(latest.out().lines().anyMatch("second try"::equals), latest.out());
    CliRun first = cluster.cli("logs", flow, "flaky", "--attempt", "1");
    assertEquals(0, first.exit(), first.toString());
    assertTrue(first.out().lines().anyMatch("flaky | first try"::equals), first.out());
    assertTrue(output(first).stream().noneMatch(l -> l.contains("second try")), first.out());
    CliRun third = cluster.cli("logs", flow, "flaky", "--attempt", "3");
    assertEquals(1, third.exit(), third.toString());
    assertTrue(third.err().contains("step flaky of default/" + flow + " has had 2 attempts: there is no attempt 3"), third.err());
  }

  @Test
  void anUnknownStepOrFlowExitsOneNamingIt() {
    CliRun step = cluster.cli("logs", flow, "lodd");
    assertEquals(1, step.exit(), step.toString());
    assertEquals("jobflow: JobFlow default/" + flow + " has no step 'lodd' (its steps: extract, flaky)\n", step.err());
    CliRun none = cluster.cli("logs", "no-such-flow");
    assertEquals(1, none.exit(), none.toString());
    assertEquals("jobflow: JobFlow default/no-such-flow not found\n", none.err());
  }

  @Test
  void followPrintsEachLineOnceAsItIsWrittenAlsoOfLaterStepsUntilTheFlowEnds() throws Exception {
    String name = unique("followed");
    String yaml = flow(name, "ticker: for i in 1 2 3 4; do echo tick $i; sleep 0.5; done", "after<ticker: echo after");
    assertEquals(0, cluster.cli("submit", cluster.write(name + ".yaml", yaml).toString()).exit());
    cluster.await(name, f -> f.getStatus() != null && f.getStatus().getSteps().containsKey("ticker")
        && f.getStatus().getSteps().get("ticker").getPhase() == dev.jobflow.api.StepPhase.Running);
    CliRun run = cluster.cli("logs", name, "-f");
    assertEquals(0, run.exit(), run.toString());
    assertEquals(FlowPhase.Succeeded, cluster.flow(name).getStatus().getPhase());
    List<String> lines = output(run);
    assertEquals(List.of("ticker | tick 1", "ticker | tick 2", "ticker | tick 3", "ticker | tick 4", "after  | after"),
        lines.stream().filter(l -> !l.endsWith("| ")).toList(), run.out());
  }
}
