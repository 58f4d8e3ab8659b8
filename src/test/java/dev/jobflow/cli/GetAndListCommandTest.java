package dev.jobflow.cli;

import static dev.jobflow.cli.CliCluster.flow;
import static dev.jobflow.cli.CliCluster.unique;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.jobflow.api.FlowPhase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@code jobflow get} and {@code jobflow list}: the status tree, conditions and Events; the kubectl columns. */
@ExtendWith(CliCluster.Resolver.class)
class GetAndListCommandTest {
  static CliCluster cluster;
  static String done;
  static String failed;

  @BeforeAll
  static void start(CliCluster shared) {
    cluster = shared;
    done = unique("listed");
    failed = unique("listed-bad");
    String yaml = flow(done, "extract: echo rows", "load<extract: echo loaded").replace("{name: " + done + "}",
        "{name: " + done + ", labels: {team: data}}") + "---\n" + flow(failed, "broken: exit 4");
    assertEquals(0, cluster.cli("submit", cluster.write(done + ".yaml", yaml).toString()).exit());
    cluster.awaitPhase(done, FlowPhase.Succeeded);
    cluster.awaitPhase(failed, FlowPhase.Failed);
    // A flow's Events of one reason are folded for a moment before they are written: wait for the last of each.
    org.awaitility.Awaitility.await("the flows' last Events").atMost(java.time.Duration.ofSeconds(30))
        .until(() -> cluster.cli("get", done).out().contains("FlowSucceeded")
            && cluster.cli("get", failed).out().contains("FlowFailed"));
  }

  @Test
  void getShowsTheStepTreeConditionsAndLatestEvents() {
    CliRun run = cluster.cli("get", done);
    assertEquals(0, run.exit(), run.toString());
    List<String> lines = run.out().lines().toList();
    assertTrue(lines.contains("Name:        default/" + done), run.out());
    assertTrue(lines.stream().anyMatch(l -> l.matches("NAME\\s+PHASE\\s+ATTEMPT\\s+DURATION\\s+MESSAGE")), run.out());
    assertTrue(lines.stream().anyMatch(l -> l.matches("default/" + done + " \\(2/2\\)\\s+Succeeded\\s+\\S+\\s+all 2 steps succeeded")),
        run.out());
    assertTrue(lines.stream().anyMatch(l -> l.matches("\\S+ extract\\s+Succeeded\\s+1\\s+\\S+")), run.out());
    assertTrue(lines.stream().anyMatch(l -> l.matches("\\s+Ready\\s+True\\s+Succeeded\\s+\\S+\\s+all 2 steps succeeded")), run.out());
    assertTrue(lines.stream().anyMatch(l -> l.matches("\\s+\\S+\\s+Normal\\s+StepStarted\\s+step extract attempt 1: Job "
        + done + "-extract-1(; .*)?")), run.out()); // Events of one reason in a moment fold into one
    assertTrue(lines.stream().anyMatch(l -> l.contains("FlowSucceeded")), run.out());
  }

  @Test
  void getOfAFailedFlowShowsWhyOnItsStep() {
    CliRun run = cluster.cli("get", failed, "-o", "wide", "--events", "1");
    assertEquals(0, run.exit(), run.toString());
    assertTrue(run.out().lines().anyMatch(l -> l.matches("\\S+ broken\\s+Failed\\s+1\\s+\\S+\\s+\\S+\\s+" + failed
        + "-broken-1\\s+BackoffLimitExceeded: .*")), run.out());
    assertTrue(run.out().contains("Events (latest 1 of "), run.out());
    assertTrue(run.out().lines().anyMatch(l -> l.matches("\\s+Failed\\s+True\\s+StepFailed\\s+\\S+\\s+step 'broken' failed: BackoffLimitExceeded.*")), run.out());
  }

  @Test
  void getPrintsTheObjectAsJsonOrYaml() throws Exception {
    JsonNode json = new ObjectMapper().readTree(cluster.cli("get", done, "-o", "json").out());
    assertEquals("Succeeded", json.path("status").path("phase").asText());
    JsonNode yaml = new YAMLMapper().readTree(cluster.cli("get", done, "-o", "yaml").out());
    assertEquals(json, yaml);
  }

  @Test
  void anUnknownFlowExitsOneNamingIt() {
    CliRun run = cluster.cli("get", "no-such-flow");
    assertEquals(1, run.exit(), run.toString());
    assertEquals("jobflow: JobFlow default/no-such-flow not found\n", run.err());
  }

  @Test
  void listHasTheKubectlColumnsAndWideAddsTheMessage() {
    CliRun run = cluster.cli("list");
    assertEquals(0, run.exit(), run.toString());
    List<String> lines = run.out().lines().toList();
    assertTrue(lines.get(0).matches("NAME\\s+PHASE\\s+PROGRESS\\s+AGE"), lines.get(0));
    assertTrue(lines.stream().anyMatch(l -> l.matches(done + "\\s+Succeeded\\s+2/2\\s+\\d+[smhd]\\S*")), run.out());
    assertTrue(lines.stream().anyMatch(l -> l.matches(failed + "\\s+Failed\\s+1/1\\s+\\S+")), run.out());
    CliRun wide = cluster.cli("ls", "-o", "wide", "-A");
    assertTrue(wide.out().lines().findFirst().orElse("").matches("NAMESPACE\\s+NAME\\s+PHASE\\s+PROGRESS\\s+AGE\\s+MESSAGE"),
        wide.out());
    assertTrue(wide.out().lines().anyMatch(l -> l.matches("default\\s+" + done + "\\s+Succeeded\\s+2/2\\s+\\S+\\s+all 2 steps succeeded")),
        wide.out());
  }

  @Test
  void listSelectsByLabelAndSaysWhenNothingMatches() throws Exception {
    CliRun run = cluster.cli("list", "-l", "team=data", "-o", "json");
    assertEquals(0, run.exit(), run.toString());
    JsonNode list = new ObjectMapper().readTree(run.out());
    assertEquals("List", list.path("kind").asText());
    assertEquals(1, list.path("items").size(), run.out());
    assertEquals(done, list.path("items").get(0).path("metadata").path("name").asText());
    CliRun none = cluster.cli("list", "-l", "team=nobody");
    assertEquals(0, none.exit());
    assertEquals("", none.out());
    assertEquals("No JobFlows found in namespace default matching team=nobody.\n", none.err());
  }

  @Test
  void theContextAndItsNamespaceComeFromTheKubeconfig() throws Exception {
    String name = unique("in-team");
    assertEquals(0, cluster.cli("submit", "-n", "team-a", cluster.write(name + ".yaml", flow(name, "ok: true")).toString()).exit());
    // A kubeconfig with two contexts onto the same server: the current one's namespace is team-a.
    String original = Files.readString(cluster.dev.kubeconfig());
    String server = original.lines().filter(l -> l.trim().startsWith("server:")).findFirst().orElseThrow().trim().substring(8);
    Path two = cluster.write("two-contexts.kubeconfig", """
        apiVersion: v1
        kind: Config
        clusters: [{name: c, cluster: {server: "%s"}}]
        users: [{name: u, user: {token: t}}]
        contexts:
          - {name: team, context: {cluster: c, user: u, namespace: team-a}}
          - {name: plain, context: {cluster: c, user: u}}
        current-context: team
        """.formatted(server));
    CliRun team = CliRun.run("list", "--kubeconfig", two.toString());
    assertTrue(team.out().lines().anyMatch(l -> l.startsWith(name + " ")), team.toString());
    CliRun plain = CliRun.run("list", "--kubeconfig", two.toString(), "--context", "plain");
    assertFalse(plain.out().contains(name), plain.out());
    assertTrue(plain.out().contains(done), plain.out());
    CliRun unknown = CliRun.run("list", "--kubeconfig", two.toString(), "--context", "prod");
    assertEquals(2, unknown.exit(), unknown.toString());
    assertEquals("jobflow: --context prod: no such context in the kubeconfig (contexts: plain, team)\n", unknown.err());
  }
}
