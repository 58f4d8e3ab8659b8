package dev.jobflow.validation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jobflow.api.JobFlow;
import dev.jobflow.api.JobFlowYaml;
import dev.jobflow.api.Step;
import io.fabric8.kubernetes.api.model.batch.v1.JobSpec;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every rule of the one validator, each problem with its field path, all reported at once. */
class JobFlowValidatorTest {
  private final JobFlowValidator validator = new JobFlowValidator();

  static final String CONTAINER = """
            template:
              template:
                spec:
                  restartPolicy: Never
                  containers: [{name: main, image: busybox, command: [sh, -c, "echo hi"]}]
      """;

  static JobFlow flow(String yaml) throws Exception {
    return JobFlowYaml.read(yaml);
  }

  /** A flow named {@code name} whose spec is the given YAML (indented by two). */
  static JobFlow spec(String name, String specYaml) throws Exception {
    return flow("apiVersion: jobflow.dev/v1alpha1\nkind: JobFlow\nmetadata: {name: " + name + "}\nspec:\n" + specYaml);
  }

  /** A step with a usable template, for the steps: list. */
  static String step(String name, String... dependsOn) {
    return "    - name: " + name + "\n"
        + (dependsOn.length == 0 ? "" : "      dependsOn: [" + String.join(", ", dependsOn) + "]\n")
        + CONTAINER;
  }

  private List<Problem> problems(JobFlow flow) {
    return validator.validate(flow);
  }

  private static void assertProblem(List<Problem> problems, String path, String messagePart) {
    assertTrue(problems.stream().anyMatch(p -> p.path().equals(path) && p.message().contains(messagePart)),
        "expected a problem at " + path + " containing '" + messagePart + "', got " + problems);
  }

  @Test
  void aFullFlowIsValid() throws Exception {
    JobFlow f = flow("""
        apiVersion: jobflow.dev/v1alpha1
        kind: JobFlow
        metadata: {name: nightly-etl}
        spec:
          parallelism: 4
          failurePolicy: FailFast
          timeout: 2h
          ttlSecondsAfterFinished: 0
          parameters: [{name: date, value: "2026-11-23"}, {name: out_dir, value: /tmp}]
          steps:
            - name: extract
              timeout: 1h30m
              template:
                backoffLimit: 0
                template:
                  metadata: {annotations: {sim.jobflow.dev/duration: 2s}}
                  spec:
                    restartPolicy: OnFailure
                    initContainers: [{name: init, image: busybox}]
                    containers:
                      - {name: main, image: busybox, command: [sh, -c, "echo {{params.date}} {{ params.out_dir }}"]}
            - name: transform
              dependsOn: [extract]
              retries: {limit: 100, backoff: {duration: 10s, factor: 1, maxDuration: 10s}}
              template:
                template:
                  spec:
                    containers: [{name: main, image: busybox}]
          finally:
            - name: notify
              template:
                template:
                  spec:
                    containers: [{name: main, image: busybox}]
        """);
    assertEquals(List.of(), problems(f));
  }

  @Test
  void aFlowNeedsStepsAndASpec() throws Exception {
    assertEquals(List.of(new Problem("spec.steps", "a flow needs at least one step")),
        problems(spec("empty", "  steps: []\n")));
    JobFlow noSpec = flow("apiVersion: jobflow.dev/v1alpha1\nkind: JobFlow\nmetadata: {name: x}\n");
    noSpec.setSpec(null);
    assertProblem(problems(noSpec), "spec", "at least one step");
  }

  @Test
  void flowNameIsALabelShortEnoughForJobNames() throws Exception {
    String ok30 = "a".repeat(NameLimits.MAX_FLOW_NAME);
    assertEquals(List.of(), problems(spec(ok30, "  steps:\n" + step("s"))));
    List<Problem> tooLong = problems(spec(ok30 + "b", "  steps:\n" + step("s")));
    assertProblem(tooLong, "metadata.name", "flow names are at most 30");
    assertProblem(problems(spec("Nightly_ETL", "  steps:\n" + step("s"))), "metadata.name", "DNS-1123 label");
    assertProblem(problems(spec("etl.daily", "  steps:\n" + step("s"))), "metadata.name", "DNS-1123 label");
    assertProblem(problems(flow("apiVersion: jobflow.dev/v1alpha1\nkind: JobFlow\nspec:\n  steps:\n" + step("s"))),
        "metadata.name", "needs a name");
  }

  @Test
  void generateNameLeavesRoomForTheGeneratedSuffix() throws Exception {
    String head = "apiVersion: jobflow.dev/v1alpha1\nkind: JobFlow\nmetadata: {generateName: ";
    assertEquals(List.of(), problems(flow(head + "nightly-}\nspec:\n  steps:\n" + step("s"))));
    assertProblem(problems(flow(head + "a".repeat(26) + "}\nspec:\n  steps:\n" + step("s"))),
        "metadata.generateName", "at most 25");
    assertProblem(problems(flow(head + "Bad_}\nspec:\n  steps:\n" + step("s"))),
        "metadata.generateName", "not a valid name prefix");
  }

  @Test
  void stepNamesAreLabelsShortEnoughAndUniqueAcrossStepsAndFinally() throws Exception {
    String ok28 = "s".repeat(NameLimits.MAX_STEP_NAME);
    assertEquals(List.of(), problems(spec("f", "  steps:\n" + step(ok28))));
    List<Problem> p = problems(spec("f", "  steps:\n" + step(ok28 + "x") + step("Load_Data") + step("a")
        + step("a") + "  finally:\n" + step("a") + "    - template: {template: {spec: {containers: [{name: m, image: i}]}}}\n"));
    assertProblem(p, "spec.steps[0].name", "step names are at most 28");
    assertProblem(p, "spec.steps[1].name", "DNS-1123 label");
    assertProblem(p, "spec.steps[3].name", "duplicate step name 'a': spec.steps[2] has it too");
    assertProblem(p, "spec.finally[0].name", "duplicate step name 'a': spec.steps[2] has it too");
    assertProblem(p, "spec.finally[1].name", "every step needs a name");
    assertEquals(5, p.size(), p.toString());
  }

  @Test
  void jobNamesOfTheLongestNamesFitALabel() {
    String job = "f".repeat(NameLimits.MAX_FLOW_NAME) + "-" + "s".repeat(NameLimits.MAX_STEP_NAME) + "-" + NameLimits.MAX_ATTEMPT;
    assertEquals(NameLimits.MAX_JOB_NAME, job.length());
    assertTrue(NameLimits.isDnsLabel(job));
    assertEquals(NameLimits.MAX_ATTEMPT_DIGITS, String.valueOf(NameLimits.MAX_ATTEMPT).length());
  }

  @Test
  void dependenciesNameStepsOfSpecSteps() throws Exception {
    List<Problem> p = problems(spec("f", "  steps:\n" + step("a") + step("b", "a", "a", "b", "nope", "notify", "\"\"")
        + "  finally:\n" + step("notify", "a")));
    assertProblem(p, "spec.steps[1].dependsOn[1]", "'a' is listed twice");
    assertProblem(p, "spec.steps[1].dependsOn[2]", "step 'b' cannot depend on itself");
    assertProblem(p, "spec.steps[1].dependsOn[3]", "no step named 'nope' in spec.steps");
    assertProblem(p, "spec.steps[1].dependsOn[4]", "'notify' is a finally step");
    assertProblem(p, "spec.steps[1].dependsOn[5]", "empty dependency");
    assertProblem(p, "spec.finally[0].dependsOn", "cannot have dependsOn");
    assertEquals(6, p.size(), p.toString());
  }

  @Test
  void aCycleIsNamedByItsPath() throws Exception {
    List<Problem> p = problems(spec("f", "  steps:\n" + step("extract", "transform") + step("transform", "extract")));
    assertEquals(List.of(new Problem("spec.steps[0].dependsOn[0]",
        "dependency cycle: extract -> transform -> extract (each step waits for the one before it); remove one of these dependencies")), p);
  }

  @Test
  void everyIndependentCycleIsReported() throws Exception {
    List<Problem> p = problems(spec("f", "  steps:\n" + step("a", "c") + step("b", "a") + step("c", "b")
        + step("ok", "a") + step("x", "y") + step("y", "ok", "x")));
    assertProblem(p, "spec.steps[0].dependsOn[0]", "dependency cycle: a -> b -> c -> a");
    assertProblem(p, "spec.steps[4].dependsOn[0]", "dependency cycle: x -> y -> x");
    assertEquals(2, p.size(), p.toString());
  }

  @Test
  void tenThousandStepChainsNeitherOverflowNorFlood() throws Exception {
    int n = 10_000;
    JobFlow chain = spec("chain", "  steps:\n" + step("s0"));
    JobSpec template = chain.getSpec().getSteps().get(0).getTemplate();
    List<Step> steps = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      steps.add(new Step("s" + i, List.of("s" + ((i + n - 1) % n)), template));
    }
    chain.getSpec().setSteps(steps);
    List<Problem> cyclic = problems(chain);
    assertEquals(1, cyclic.size(), "one cycle through all steps");
    assertEquals("spec.steps[0].dependsOn[0]", cyclic.get(0).path());
    assertTrue(cyclic.get(0).message().startsWith("dependency cycle: s0 -> s1 -> s2 -> s3 -> s4 -> s5 -> ... (9988 more steps) -> s9994"),
        cyclic.get(0).message());
    assertTrue(cyclic.get(0).message().contains("-> s9999 -> s0 "), cyclic.get(0).message());

    steps.get(0).setDependsOn(List.of());
    assertEquals(List.of(), problems(chain));
  }

  @Test
  void durationsParseAndNumbersAreInBounds() throws Exception {
    List<Problem> p = problems(spec("f", """
          parallelism: 0
          timeout: soon
          ttlSecondsAfterFinished: -1
          steps:
            - name: a
              timeout: 0s
              retries: {limit: 101, backoff: {duration: 1x, factor: 0.5, maxDuration: 5m}}
        """ + CONTAINER + """
            - name: b
              timeout: 90
              retries: {limit: -1, backoff: {duration: 10m, maxDuration: 1m}}
        """ + CONTAINER));
    assertProblem(p, "spec.parallelism", "at least 1");
    assertProblem(p, "spec.timeout", "'soon' is not a duration");
    assertProblem(p, "spec.ttlSecondsAfterFinished", "0 or more");
    assertProblem(p, "spec.steps[0].timeout", "longer than 0");
    assertProblem(p, "spec.steps[0].retries.limit", "between 0 and 100, got 101");
    assertProblem(p, "spec.steps[0].retries.backoff.duration", "'1x' is not a duration");
    assertProblem(p, "spec.steps[0].retries.backoff.factor", "at least 1, got 0.5");
    assertProblem(p, "spec.steps[1].timeout", "'90' is not a duration");
    assertProblem(p, "spec.steps[1].retries.limit", "got -1");
    assertProblem(p, "spec.steps[1].retries.backoff.maxDuration", "shorter than duration '10m'");
    assertEquals(10, p.size(), p.toString());
  }

  @Test
  void templatesAreUsableJobSpecs() throws Exception {
    List<Problem> p = problems(spec("f", """
          steps:
            - name: no-template
            - name: no-pod
              template: {backoffLimit: -1, activeDeadlineSeconds: 0}
            - name: no-spec
              template: {template: {metadata: {labels: {a: b}}}}
            - name: no-containers
              template: {template: {spec: {restartPolicy: Always, containers: []}}}
            - name: bad-containers
              template:
                template:
                  spec:
                    initContainers: [{name: main}]
                    containers: [{name: main, image: busybox}, {image: busybox}, {name: Side_Car, image: " "}]
          finally:
            - name: notify
              template: {template: {spec: {containers: [{name: main, image: busybox}, {name: second}]}}}
        """));
    assertProblem(p, "spec.steps[0].template", "a step needs a template");
    assertProblem(p, "spec.steps[1].template.backoffLimit", "0 or more");
    assertProblem(p, "spec.steps[1].template.activeDeadlineSeconds", "more than 0");
    assertProblem(p, "spec.steps[1].template.template", "needs a pod template");
    assertProblem(p, "spec.steps[2].template.template.spec", "needs a spec");
    assertProblem(p, "spec.steps[3].template.template.spec.restartPolicy", "'Always' is not allowed in a Job");
    assertProblem(p, "spec.steps[3].template.template.spec.containers", "at least one container");
    assertProblem(p, "spec.steps[4].template.template.spec.containers[1].name", "every container needs a name");
    assertProblem(p, "spec.steps[4].template.template.spec.containers[2].name", "not a valid container name");
    assertProblem(p, "spec.steps[4].template.template.spec.containers[2].image", "every container needs an image");
    assertProblem(p, "spec.steps[4].template.template.spec.initContainers[0].name", "duplicate container name 'main'");
    assertProblem(p, "spec.steps[4].template.template.spec.initContainers[0].image", "needs an image");
    assertProblem(p, "spec.finally[0].template.template.spec.containers[1].image", "every container needs an image");
    assertEquals(13, p.size(), p.toString());
  }

  @Test
  void unknownFieldsAreReportedAsTypos() throws Exception {
    String yaml = """
        apiVersion: jobflow.dev/v1alpha1
        kind: JobFlow
        metadata: {name: f, lables: {team: data}}
        spec:
          parallelsm: 2
          steps:
            - name: a
              dependOn: [b]
              retries: {limit: 1, backof: {duration: 1s}}
              template:
                backofLimit: 2
                template:
                  metdata: {labels: {a: b}}
                  spec:
                    restartPolcy: Never
                    containers: [{name: main, image: busybox, comand: [sh]}]
        """;
    List<Problem> p = problems(flow(yaml));
    String base = "spec.steps[0].template.";
    assertProblem(p, base + "backofLimit", "unknown field 'backofLimit' in a batch/v1 JobSpec");
    assertProblem(p, base + "template.metdata", "unknown field 'metdata' in a pod template");
    assertProblem(p, base + "template.spec.restartPolcy", "unknown field 'restartPolcy' in a pod spec");
    assertProblem(p, base + "template.spec.containers[0].comand", "unknown field 'comand' in a container");
    assertProblem(p, "metadata.lables", "unknown field 'lables' in metadata");
    assertEquals(5, p.size(), p.toString());

    var tree = new com.fasterxml.jackson.dataformat.yaml.YAMLMapper().readTree(yaml);
    List<Problem> outside = UnknownFields.find(tree);
    assertEquals(List.of(
        new Problem("spec.parallelsm", "unknown field 'parallelsm' (a typo?)"),
        new Problem("spec.steps[0].dependOn", "unknown field 'dependOn' (a typo?)"),
        new Problem("spec.steps[0].retries.backof", "unknown field 'backof' (a typo?)")), outside);
  }

  @Test
  void parametersAreDeclaredUniqueAndWellNamed() throws Exception {
    List<Problem> p = problems(spec("f", """
          parameters: [{name: date, value: x}, {name: date, value: y}, {name: 9lives}, {value: z}]
          steps:
            - name: a
              template:
                template:
                  metadata:
                    annotations: {"example.com/{{params.key}}": v}
                  spec:
                    containers:
                      - name: main
                        image: "busybox:{{params.tag}}"
                        command: [sh, -c, "echo {{params.date}} {{ params.9lives }} {{params.dat}} {{params.}}"]
                        env: [{name: OUT, value: "{{params.out}}"}]
        """));
    assertProblem(p, "spec.parameters[1].name", "duplicate parameter 'date': spec.parameters[0] has it too");
    assertProblem(p, "spec.parameters[2].name", "'9lives' is not a valid parameter name");
    assertProblem(p, "spec.parameters[3].name", "every parameter needs a name");
    assertProblem(p, "spec.parameters[2].value", "parameter '9lives' has no value and no default: give it a value when you submit the flow");
    String base = "spec.steps[0].template.template.";
    assertProblem(p, base + "metadata.annotations[\"example.com/{{params.key}}\"]", "unknown parameter 'key'");
    assertProblem(p, base + "spec.containers[0].image", "unknown parameter 'tag'");
    assertProblem(p, base + "spec.containers[0].command[2]", "unknown parameter 'dat' in {{params.dat}}: declare it in spec.parameters");
    assertProblem(p, base + "spec.containers[0].command[2]", "'{{params.}}' names no parameter");
    assertProblem(p, base + "spec.containers[0].env[0].value", "unknown parameter 'out'");
    assertEquals(9, p.size(), p.toString());
  }

  @Test
  void everyProblemIsReportedAtOnceInDocumentOrder() throws Exception {
    List<Problem> p = problems(flow("""
        apiVersion: jobflow.dev/v1alpha1
        kind: JobFlow
        metadata: {name: Bad}
        spec:
          parallelism: 0
          steps:
            - name: a
              dependsOn: [b, ghost]
              template: {template: {spec: {containers: [{name: main}]}}}
            - name: b
              dependsOn: [a]
              timeout: forever
              template: {template: {spec: {containers: [{name: main, image: "x:{{params.v}}"}]}}}
            -
          finally:
            - name: a
              template: {template: {spec: {containers: [{name: main, image: busybox}]}}}
        """));
    assertEquals(List.of(
        "metadata.name",
        "spec.parallelism",
        "spec.steps[2]",
        "spec.steps[0].dependsOn[1]",
        "spec.steps[0].template.template.spec.containers[0].image",
        "spec.steps[1].timeout",
        "spec.steps[1].template.template.spec.containers[0].image",
        "spec.finally[0].name",
        "spec.steps[0].dependsOn[0]"), p.stream().map(Problem::path).toList(), p.toString());
    assertProblem(p, "spec.steps[0].dependsOn[0]", "a -> b -> a");
  }
}
