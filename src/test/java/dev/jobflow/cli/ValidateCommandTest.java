package dev.jobflow.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ValidateCommandTest {
  static final String VALID = """
      apiVersion: jobflow.dev/v1alpha1
      kind: JobFlow
      metadata: {name: good}
      spec:
        steps:
          - name: a
            template: {template: {spec: {containers: [{name: main, image: busybox}]}}}
          - name: b
            dependsOn: [a]
            template: {template: {spec: {containers: [{name: main, image: busybox}]}}}
      """;
  static final String INVALID = """
      apiVersion: jobflow.dev/v1alpha1
      kind: JobFlow
      metadata: {name: bad}
      spec:
        steps:
          - name: a
            dependsOn: [ghost]
            template: {template: {spec: {containers: [{name: main}]}}}
      """;
  static final String CONFIG_MAP = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm}\n";

  @TempDir
  Path dir;

  private String write(String name, String text) throws Exception {
    Path file = dir.resolve(name);
    Files.writeString(file, text);
    return file.toString();
  }

  @Test
  void validFlowsExitZeroWithOneLineEach() throws Exception {
    String file = write("good.yaml", VALID);
    CliRun run = CliRun.run("validate", file);
    assertEquals(ExitCodes.OK, run.exit(), run.err());
    assertEquals(file + ": good: valid\n", run.out().replace("\r", ""));
    assertEquals("", run.err());
  }

  @Test
  void invalidFlowsExitOneWithEveryProblemOnItsOwnLine() throws Exception {
    String file = write("bad.yaml", INVALID);
    CliRun run = CliRun.run("validate", file);
    assertEquals(ExitCodes.INVALID, run.exit());
    String[] lines = run.out().strip().split("\\R");
    assertEquals(2, lines.length, run.out());
    assertEquals(file + ": bad: spec.steps[0].dependsOn[0]: no step named 'ghost' in spec.steps", lines[0]);
    assertEquals(file + ": bad: spec.steps[0].template.template.spec.containers[0].image: every container needs an image", lines[1]);
  }

  @Test
  void misspelledFieldsAreProblems() {
    CliRun run = CliRun.withStdin(VALID.replace("dependsOn", "dependOn"), "validate", "-");
    assertEquals(ExitCodes.INVALID, run.exit());
    assertEquals("<stdin>: good: spec.steps[1].dependOn: unknown field 'dependOn' (a typo?)", run.out().strip());
  }

  @Test
  void multiDocumentStdinIsReadWithDash() {
    CliRun run = CliRun.withStdin(VALID + "---\n" + INVALID + "---\n", "validate", "-");
    assertEquals(ExitCodes.INVALID, run.exit());
    assertTrue(run.out().contains("<stdin>: good: valid"), run.out());
    assertTrue(run.out().contains("<stdin>: bad: spec.steps[0].dependsOn[0]"), run.out());
  }

  @Test
  void unreadableOrForeignInputExitsTwoAndStillChecksTheRest() throws Exception {
    String good = write("good.yaml", VALID);
    String mixed = write("mixed.yaml", CONFIG_MAP + "---\n" + INVALID);
    String broken = write("broken.yaml", "spec: [unclosed\n");
    String empty = write("empty.yaml", "");
    CliRun run = CliRun.run("validate", good, mixed, broken, empty, dir.resolve("missing.yaml").toString());
    assertEquals(ExitCodes.ERROR, run.exit());
    assertTrue(run.out().contains(good + ": good: valid"), run.out());
    assertTrue(run.out().contains(mixed + ": bad: spec.steps[0].dependsOn[0]"), run.out());
    String err = run.err();
    assertTrue(err.contains("jobflow: " + mixed + ": document 1 is a v1 ConfigMap, not a jobflow.dev/v1alpha1 JobFlow"), err);
    assertTrue(err.contains("jobflow: " + broken + ": not valid YAML (document 1): "), err);
    assertTrue(err.contains("line 2"), err);
    assertTrue(err.contains("jobflow: " + empty + ": holds no JobFlow"), err);
    assertTrue(err.contains("missing.yaml: no such file"), err);
    assertEquals(4, err.strip().split("\\R").length, err);
    assertFalse(err.contains("\tat "), "no stack trace without --debug");
  }

  @Test
  void jsonOutputListsEveryFlowWithItsProblems() throws Exception {
    String file = write("both.yaml", VALID + "---\n" + INVALID);
    CliRun run = CliRun.run("validate", "--output", "JSON", file, dir.resolve("nope.yaml").toString());
    assertEquals(ExitCodes.ERROR, run.exit());
    JsonNode report = new ObjectMapper().readTree(run.out());
    assertEquals(3, report.size(), run.out());
    assertEquals(file, report.get(0).get("file").asText());
    assertEquals("good", report.get(0).get("name").asText());
    assertTrue(report.get(0).get("valid").asBoolean());
    assertEquals(0, report.get(0).get("problems").size());
    JsonNode bad = report.get(1);
    assertEquals("bad", bad.get("name").asText());
    assertFalse(bad.get("valid").asBoolean());
    assertEquals(2, bad.get("problems").size());
    assertEquals("spec.steps[0].dependsOn[0]", bad.get("problems").get(0).get("path").asText());
    assertEquals("no step named 'ghost' in spec.steps", bad.get("problems").get(0).get("message").asText());
    assertEquals("no such file", report.get(2).get("error").asText());
    assertTrue(report.get(2).get("name").isNull());
    assertEquals("", run.err());
  }

  @Test
  void usageErrorsExitTwoWithoutAStackTrace() {
    CliRun noFile = CliRun.run("validate");
    assertEquals(ExitCodes.ERROR, noFile.exit());
    assertTrue(noFile.err().contains("Missing required parameter"), noFile.err());
    CliRun badOutput = CliRun.run("validate", "--output", "xml", "x.yaml");
    assertEquals(ExitCodes.ERROR, badOutput.exit());
    assertFalse(badOutput.err().contains("\tat "), badOutput.err());
  }

  @Test
  void anInternalFailureIsOneLineUnlessDebug() {
    java.io.InputStream failing = new java.io.InputStream() {
      @Override
      public int read() {
        throw new IllegalStateException("stdin went away");
      }
    };
    java.io.StringWriter err = new java.io.StringWriter();
    int exit = JobflowCommand.execute(failing, new java.io.PrintWriter(new java.io.StringWriter()),
        new java.io.PrintWriter(err, true), "validate", "-");
    assertEquals(ExitCodes.ERROR, exit);
    assertEquals("jobflow: stdin went away", err.toString().strip());

    java.io.StringWriter debugErr = new java.io.StringWriter();
    JobflowCommand.execute(failing, new java.io.PrintWriter(new java.io.StringWriter()),
        new java.io.PrintWriter(debugErr, true), "validate", "--debug", "-");
    assertTrue(debugErr.toString().contains("\tat "), "a stack trace with --debug: " + debugErr);
  }

  @Test
  void theExamplesValidateAsTheReadmeSays() throws Exception {
    Path examples = Path.of(System.getProperty("jobflow.project.dir", "."), "examples");
    String[] args;
    try (var files = Files.list(examples)) {
      args = java.util.stream.Stream.concat(java.util.stream.Stream.of("validate"),
          files.filter(f -> f.toString().endsWith(".yaml")).sorted().map(Path::toString)).toArray(String[]::new);
    }
    CliRun run = CliRun.run(args);
    assertEquals(ExitCodes.OK, run.exit(), run.out() + run.err());
    // One line per flow: a file may hold several (remediation-mutex.yaml holds two).
    String[] lines = run.out().strip().split("\\R");
    assertTrue(lines.length >= args.length - 1, run.out());
    assertTrue(java.util.Arrays.stream(lines).allMatch(l -> l.endsWith(": valid")), run.out());
  }

  @Test
  void helpListsTheSubcommands() {
    CliRun run = CliRun.run("--help");
    assertEquals(ExitCodes.OK, run.exit());
    assertTrue(run.out().contains("validate"), run.out());
    assertTrue(run.out().contains("graph"), run.out());
  }

  @Test
  void templatesFlowsThatNameThemAndSchedulesAreCheckedTogether() throws Exception {
    Path dir = java.nio.file.Files.createTempDirectory("validate-templates");
    Path template = dir.resolve("template.yaml");
    java.nio.file.Files.writeString(template, """
        apiVersion: jobflow.dev/v1alpha1
        kind: JobFlowTemplate
        metadata: {name: etl}
        spec:
          parameters: [{name: region}]
          steps:
            - name: a
              template: {template: {spec: {restartPolicy: Never, containers: [{name: m, image: busybox, command: [echo, '{{params.region}}']}]}}}
        """);
    Path flows = dir.resolve("flows.yaml");
    java.nio.file.Files.writeString(flows, """
        apiVersion: jobflow.dev/v1alpha1
        kind: JobFlow
        metadata: {name: ok}
        spec: {templateRef: {name: etl}, parameters: [{name: region, value: eu}]}
        ---
        apiVersion: jobflow.dev/v1alpha1
        kind: JobFlow
        metadata: {name: no-region}
        spec: {templateRef: {name: etl}}
        ---
        apiVersion: jobflow.dev/v1alpha1
        kind: CronJobFlow
        metadata: {name: nightly}
        spec: {schedule: '0 25 * * *', timeZone: Europe/Berln, flowSpec: {templateRef: {name: etl}}}
        """);
    CliRun run = CliRun.run("validate", template.toString(), flows.toString());
    assertEquals(ExitCodes.INVALID, run.exit(), run.err());
    String out = run.out().replace("\r", "");
    assertTrue(out.contains(template + ": etl: valid"), out);
    assertTrue(out.contains(flows + ": ok: valid"), out);
    assertTrue(out.contains(flows + ": no-region: spec.parameters: JobFlowTemplate 'etl' requires parameter 'region'"), out);
    assertTrue(out.contains(flows + ": nightly: spec.schedule: '0 25 * * *' is not a cron schedule"), out);
    assertTrue(out.contains(flows + ": nightly: spec.timeZone: unknown time zone 'Europe/Berln'"), out);

    CliRun alone = CliRun.run("validate", flows.toString());
    assertTrue(alone.out().contains("ok: spec.templateRef.name: no JobFlowTemplate 'etl' among the files given"),
        alone.out());
    CliRun graph = CliRun.run("graph", flows.toString(), template.toString(), "--name", "ok");
    assertEquals(ExitCodes.OK, graph.exit(), graph.err());
    assertTrue(graph.out().contains("s0[\"a\"]"), graph.out());
  }
}
