package dev.jobflow.cli;

import static dev.jobflow.cli.CliCluster.flow;
import static dev.jobflow.cli.CliCluster.unique;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jobflow.api.FlowPhase;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@code jobflow watch}: follows flows to their end and exits with their outcome. */
@ExtendWith(CliCluster.Resolver.class)
class WatchCommandTest {
  static CliCluster cluster;

  @BeforeAll
  static void start(CliCluster shared) {
    cluster = shared;
  }

  String submit(String name, String... steps) {
    CliRun run = cluster.cli("submit", cluster.write(name + ".yaml", flow(name, steps)).toString());
    assertEquals(0, run.exit(), run.toString());
    return name;
  }

  @Test
  void followsSeveralFlowsAndExitsOneIfAnyFailed() {
    String good = submit(unique("w-good"), "a: sleep 1", "b<a: true");
    String bad = submit(unique("w-bad"), "a: sleep 1", "b<a: exit 2");
    CliRun run = cluster.cli("watch", good, bad);
    assertEquals(1, run.exit(), run.toString());
    assertTrue(run.out().contains("default/" + good + " Succeeded in "), run.out());
    assertTrue(run.out().contains("default/" + bad + " Failed in "), run.out());
    CliRun alone = cluster.cli("watch", good);
    assertEquals(0, alone.exit(), alone.toString());
  }

  @Test
  void anUnknownFlowExitsOneNamingIt() {
    CliRun run = cluster.cli("watch", "ghost-flow");
    assertEquals(1, run.exit(), run.toString());
    assertEquals("jobflow: JobFlow default/ghost-flow not found\n", run.err());
  }

  @Test
  void aTimeoutExitsThreeAndSaysWhereTheFlowWas() {
    String name = submit(unique("w-slow"), "a: sleep 60");
    cluster.awaitPhase(name, FlowPhase.Running);
    CliRun run = cluster.cli("watch", name, "--timeout", "500ms");
    assertEquals(3, run.exit(), run.toString());
    assertTrue(run.err().contains("timed out after 500ms: default/" + name + " is still Running (0/1)"), run.err());
    cluster.cli("terminate", name);
  }

  @Test
  void aFlowDeletedWhileWatchedEndsTheWatchWithExitOne() throws Exception {
    String name = submit(unique("w-gone"), "a: sleep 60");
    cluster.awaitPhase(name, FlowPhase.Running);
    CliRun.Running watching = cluster.start("watch", name);
    // Delete only once the watch has its first list (its first line): from there on it sees every change.
    await().atMost(Duration.ofSeconds(60)).until(() -> watching.outSoFar().contains("default/" + name + " Running"));
    assertEquals(0, cluster.cli("delete", name).exit());
    CliRun run = watching.await();
    assertEquals(1, run.exit(), run.toString());
    // Either the watch saw the object go, or first the status the controller wrote on its way out.
    assertTrue(run.out().contains("default/" + name + " was deleted")
        || run.out().contains("default/" + name + " Cancelled in ") && run.out().contains("the JobFlow was deleted"), run.out());
  }
}
