package dev.jobflow.cli;

import static dev.jobflow.cli.CliCluster.flow;
import static dev.jobflow.cli.CliCluster.unique;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.jobflow.api.FlowPhase;
import dev.jobflow.api.JobFlow;
import dev.jobflow.api.JobFlowTemplate;
import dev.jobflow.api.JobFlowYaml;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@code jobflow submit} against jobflow dev through the fabric8 client: what is sent, when nothing is, and the exit codes. */
@ExtendWith(CliCluster.Resolver.class)
class SubmitCommandTest {
  static CliCluster cluster;

  @BeforeAll
  static void start(CliCluster shared) {
    cluster = shared;
  }

  @Test
  void submitsEveryFlowOfAFileAndSaysWhatItCreated() {
    String a = unique("sub-a");
    String b = unique("sub-b");
    Path file = cluster.write(a + ".yaml", flow(a, "only: true") + "---\n" + flow(b, "only: true"));
    CliRun run = cluster.cli("submit", file.toString());
    assertEquals(0, run.exit(), run.toString());
    assertTrue(run.out().contains("default/" + a + " submitted"), run.out());
    assertTrue(run.out().contains("default/" + b + " submitted"), run.out());
    // The mutating webhook saw it on the way in: the flow really went through the API server.
    assertEquals(86400L, cluster.flow(a).getSpec().getTtlSecondsAfterFinished());
    cluster.awaitPhase(b, FlowPhase.Succeeded);
  }

  @Test
  void standardInputWithParametersAndAGeneratedNameWaitsForSuccess() {
    String base = unique("gen");
    String yaml = flow(base, "say: echo {{params.word}}").replace("spec:\n", "spec:\n  parameters: [{name: word, value: hello}]\n");
    CliRun run = cluster.cliWithStdin(yaml, "submit", "-", "-p", "word=bonjour", "--generate-name", "--wait");
    assertEquals(0, run.exit(), run.toString());
    String line = run.out().lines().filter(l -> l.endsWith(" submitted")).findFirst().orElseThrow();
    String name = line.substring("default/".length(), line.length() - " submitted".length());
    assertTrue(name.matches(base + "-[a-z0-9]{5}"), name);
    JobFlow stored = cluster.flow(name);
    assertEquals("bonjour", stored.getSpec().getParameters().get(0).getValue());
    assertEquals(base + "-", stored.getMetadata().getGenerateName());
    assertTrue(run.out().contains("default/" + name + " Succeeded in "), run.out());
  }

  @Test
  void waitExitsOneWithTheReasonWhenAFlowFails() {
    String name = unique("fails");
    CliRun run = cluster.cli("submit", "--wait", cluster.write(name + ".yaml", flow(name, "broken: exit 3")).toString());
    assertEquals(1, run.exit(), run.toString());
    String last = run.out().lines().reduce((x, y) -> y).orElse("");
    assertTrue(last.startsWith("default/" + name + " Failed in "), run.out());
    assertTrue(last.contains("broken"), last);
  }

  @Test
  void watchOnAPipePrintsAProgressLinePerChangeThenTheTreeAndTheOutcome() {
    String name = unique("watched");
    Path file = cluster.write(name + ".yaml", CliCluster.flowWith(name,
        "  finally:\n" + CliCluster.step("tidy: echo tidy"), "first: sleep 1", "second<first: echo second"));
    CliRun run = cluster.cli("submit", "--watch", file.toString());
    assertEquals(0, run.exit(), run.toString());
    List<String> lines = run.out().lines().toList();
    assertTrue(lines.contains("default/" + name + " Running 0/3 running: first"), run.out());
    assertTrue(lines.stream().anyMatch(l -> l.startsWith("default/" + name + " Succeeded 3/3")), run.out());
    // Then the tree: the flow, its steps, and finally on a branch of its own.
    assertTrue(lines.stream().anyMatch(l -> l.matches("default/" + name + " \\(3/3\\)\\s+Succeeded.*")), run.out());
    assertTrue(lines.stream().anyMatch(l -> l.matches("\\S+ second\\s+Succeeded\\s+1\\s+\\S+")), run.out());
    assertTrue(lines.stream().anyMatch(l -> l.matches("\\s+\\S+ tidy\\s+Succeeded\\s+1\\s+\\S+")), run.out());
    assertTrue(lines.get(lines.size() - 1).startsWith("default/" + name + " Succeeded in "), run.out());
  }

  @Test
  void anInvalidFileGetsEveryProblemWithItsPathAndNothingIsSent() {
    String good = unique("good");
    String bad = unique("bad");
    String badFlow = """
        apiVersion: jobflow.dev/v1alpha1
        kind: JobFlow
        metadata: {name: %s}
        spec:
          steps:
            - name: a
              dependsOn: [ghost]
              template: {template: {spec: {containers: [{name: main}]}}}
        """.formatted(bad);
    Path file = cluster.write(bad + ".yaml", flow(good, "ok: true") + "---\n" + badFlow);
    CliRun run = cluster.cli("submit", file.toString());
    assertEquals(1, run.exit(), run.toString());
    assertTrue(run.err().contains(file + ": " + bad + ": spec.steps[0].dependsOn[0]: no step named 'ghost'"), run.err());
    assertTrue(run.err().contains(file + ": " + bad + ": spec.steps[0].template.template.spec.containers[0].image:"), run.err());
    assertTrue(run.err().contains("nothing was submitted"), run.err());
    assertEquals("", run.out());
    // The valid flow before it was not sent either.
    assertNull(cluster.flow(good));
    assertNull(cluster.flow(bad));
  }

  @Test
  void usageMistakesExitTwoAndSendNothing() {
    String name = unique("usage");
    Path file = cluster.write(name + ".yaml", flow(name, "ok: true"));
    CliRun unknownParameter = cluster.cli("submit", file.toString(), "-p", "colour=red");
    assertEquals(2, unknownParameter.exit(), unknownParameter.toString());
    assertTrue(unknownParameter.err().contains("-p colour: " + file + ": " + name + " declares no parameter 'colour'"),
        unknownParameter.err());
    CliRun otherNamespace = cluster.cli("submit", cluster.write(name + "-ns.yaml",
        flow(name, "ok: true").replace("{name: " + name + "}", "{name: " + name + ", namespace: prod}")).toString(), "-n", "dev");
    assertEquals(2, otherNamespace.exit(), otherNamespace.toString());
    assertTrue(otherNamespace.err().contains("is in namespace prod, not dev (-n)"), otherNamespace.err());
    CliRun missing = cluster.cli("submit", file.resolveSibling("no-such.yaml").toString());
    assertEquals(2, missing.exit(), missing.toString());
    assertTrue(missing.err().contains("no-such.yaml: no such file"), missing.err());
    CliRun neither = cluster.cli("submit");
    assertEquals(2, neither.exit(), neither.toString());
    CliRun both = cluster.cli("submit", file.toString(), "--from", "template/x");
    assertEquals(2, both.exit(), both.toString());
    assertNull(cluster.flow(name));
  }

  @Test
  void aFlowTheServerRefusesExitsOneWithItsAnswer() {
    String name = unique("twice");
    Path file = cluster.write(name + ".yaml", flow(name, "ok: true"));
    assertEquals(0, cluster.cli("submit", file.toString()).exit());
    CliRun again = cluster.cli("submit", file.toString());
    assertEquals(1, again.exit(), again.toString());
    assertTrue(again.err().contains(name + " was refused: ") && again.err().contains("already exists"), again.err());
  }

  @Test
  void waitGivesUpAfterItsTimeoutWithExitThree() {
    String name = unique("slow");
    CliRun run = cluster.cli("submit", "--wait", "--timeout", "1s",
        cluster.write(name + ".yaml", flow(name, "sleeps: sleep 60")).toString());
    assertEquals(3, run.exit(), run.toString());
    assertTrue(run.err().contains("timed out after 1s: default/" + name + " is still "), run.err());
    assertEquals(0, cluster.cli("terminate", name).exit());
    cluster.awaitPhase(name, FlowPhase.Cancelled);
  }

  @Test
  void waitEndsWithExitOneWhenTheFlowIsTerminatedMeanwhile() throws Exception {
    String name = unique("cut");
    Path file = cluster.write(name + ".yaml", flow(name, "sleeps: sleep 60"));
    CliRun.Running waiting = cluster.start("submit", "--wait", file.toString());
    cluster.await(name, f -> f.getStatus() != null && f.getStatus().getPhase() == FlowPhase.Running);
    assertEquals(0, cluster.cli("terminate", name).exit());
    CliRun run = waiting.await();
    assertEquals(1, run.exit(), run.toString());
    assertTrue(run.out().contains("default/" + name + " Cancelled"), run.out());
  }

  @Test
  void outputJsonPrintsTheCreatedObjectAndWithWaitYamlTheEndedOne() throws Exception {
    String name = unique("objects");
    Path file = cluster.write(name + ".yaml", flow(name, "ok: true"));
    CliRun created = cluster.cli("submit", file.toString(), "-o", "json");
    assertEquals(0, created.exit(), created.toString());
    JsonNode json = new ObjectMapper().readTree(created.out());
    assertEquals("JobFlow", json.path("kind").asText());
    assertEquals(name, json.path("metadata").path("name").asText());
    assertFalse(json.path("metadata").path("uid").asText().isEmpty());

    String other = unique("objects");
    CliRun ended = cluster.cli("submit", cluster.write(other + ".yaml", flow(other, "ok: true")).toString(),
        "--wait", "-o", "yaml");
    assertEquals(0, ended.exit(), ended.toString());
    JsonNode yaml = new YAMLMapper().readTree(ended.out());
    assertEquals("Succeeded", yaml.path("status").path("phase").asText(), ended.out());
  }

  @Test
  void aFlowFromATemplateInTheClusterRunsWithTheParametersGiven() throws Exception {
    String template = unique("greeter");
    var yaml = new YAMLMapper().readTree("""
        apiVersion: jobflow.dev/v1alpha1
        kind: JobFlowTemplate
        metadata: {name: %s, namespace: default}
        spec:
          parameters: [{name: who}, {name: greeting, default: hello}]
          steps:
            - name: greet
              template: {template: {spec: {containers: [{name: main, image: busybox, command: [sh, -c, "echo {{params.greeting}} {{params.who}}"]}]}}}
        """.formatted(template));
    cluster.client().resources(JobFlowTemplate.class).inNamespace("default")
        .resource((JobFlowTemplate) JobFlowYaml.objectFromTree(yaml, "the template")).create();

    CliRun run = cluster.cli("submit", "--from", "template/" + template, "-p", "who=world", "--wait");
    assertEquals(0, run.exit(), run.toString());
    String name = run.out().lines().findFirst().orElseThrow().replaceFirst("default/(\\S+) submitted.*", "$1");
    assertTrue(name.matches(template + "-[a-z0-9]{5}"), run.out());
    assertTrue(run.out().contains("default/" + name + " Succeeded in "), run.out());
    CliRun logs = cluster.cli("logs", name);
    assertTrue(logs.out().lines().anyMatch("greet | hello world"::equals), logs.toString());
    CliRun get = cluster.cli("get", name);
    assertTrue(get.out().lines().anyMatch(l -> l.matches("\\S+ greet\\s+Succeeded\\s+1\\s+\\S+")), get.out());

    // The webhook judges the template and its parameters: a missing one is refused with its field path.
    CliRun missing = cluster.cli("submit", "--from", "template/" + template);
    assertEquals(1, missing.exit(), missing.toString());
    assertTrue(missing.err().contains("was refused") && missing.err().contains("who"), missing.err());
    CliRun noTemplate = cluster.cli("submit", "--from", "template/no-such-template");
    assertEquals(1, noTemplate.exit(), noTemplate.toString());
    assertTrue(noTemplate.err().contains("spec.templateRef"), noTemplate.err());
  }

  @Test
  void aFileThatHoldsATemplateIsNotSubmitted() {
    String name = unique("tmpl");
    Path file = cluster.write(name + ".yaml", """
        apiVersion: jobflow.dev/v1alpha1
        kind: JobFlowTemplate
        metadata: {name: %s}
        spec:
          steps: [{name: a, template: {template: {spec: {containers: [{name: main, image: busybox}]}}}}]
        """.formatted(name));
    CliRun run = cluster.cli("submit", file.toString());
    assertEquals(2, run.exit(), run.toString());
    assertTrue(run.err().contains("JobFlowTemplate " + name + " is not a JobFlow: submit creates flows"), run.err());
  }

  @Test
  void watchWithOutputJsonStreamsEachNewStateOfTheFlow() throws Exception {
    String name = unique("stream");
    CliRun run = cluster.cli("submit", "--watch", "-o", "json",
        cluster.write(name + ".yaml", flow(name, "first: sleep 1", "second<first: true")).toString());
    assertEquals(0, run.exit(), run.toString());
    List<String> phases = new java.util.ArrayList<>();
    var parser = new ObjectMapper().getFactory().createParser(run.out());
    for (var it = new ObjectMapper().readValues(parser, JsonNode.class); it.hasNext(); ) {
      phases.add(it.next().path("status").path("phase").asText("none"));
    }
    assertTrue(phases.size() >= 3, phases.toString());
    assertEquals("Succeeded", phases.get(phases.size() - 1), phases.toString());
    assertTrue(phases.contains("Running"), phases.toString());
  }
}
