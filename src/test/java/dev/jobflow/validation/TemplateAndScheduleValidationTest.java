package dev.jobflow.validation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jobflow.api.CronJobFlow;
import dev.jobflow.api.JobFlow;
import dev.jobflow.api.JobFlowTemplate;
import dev.jobflow.api.JobFlowYaml;
import java.io.StringReader;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The one validator on templates, flows that name one, and schedules: every problem with its field path. */
class TemplateAndScheduleValidationTest {
  private final JobFlowValidator validator = new JobFlowValidator();

  /** The body of a step (after its name line) whose list items sit at {@code indent} spaces. */
  static String body(int indent) {
    String pad = " ".repeat(indent + 2);
    return pad + "template:\n" + pad + "  template:\n" + pad + "    spec:\n" + pad + "      restartPolicy: Never\n"
        + pad + "      containers: [{name: main, image: busybox, command: [sh, -c, \"echo {{params.date}}\"]}]\n";
  }

  static final String STEP = body(4);

  static <T> T read(String yaml, Class<T> type) throws Exception {
    return type.cast(JobFlowYaml.readAllObjects(new StringReader(yaml)).get(0));
  }

  static JobFlowTemplate template(String name, String specYaml) throws Exception {
    return read("apiVersion: jobflow.dev/v1alpha1\nkind: JobFlowTemplate\nmetadata: {name: " + name + "}\nspec:\n"
        + specYaml, JobFlowTemplate.class);
  }

  static CronJobFlow schedule(String name, String specYaml) throws Exception {
    return read("apiVersion: jobflow.dev/v1alpha1\nkind: CronJobFlow\nmetadata: {name: " + name + "}\nspec:\n"
        + specYaml, CronJobFlow.class);
  }

  private static void assertProblem(List<Problem> problems, String path, String messagePart) {
    assertTrue(problems.stream().anyMatch(p -> p.path().equals(path) && p.message().contains(messagePart)),
        "expected a problem at " + path + " containing '" + messagePart + "', got " + problems);
  }

  @Test
  void aTemplateIsValidatedLikeAFlowWithItsDeclaredParameters() throws Exception {
    JobFlowTemplate ok = template("nightly-etl", "  parameters: [{name: date}]\n  steps:\n    - name: extract\n" + STEP);
    assertEquals(List.of(), validator.validate(ok));

    JobFlowTemplate undeclared = template("nightly-etl", "  steps:\n    - name: extract\n" + STEP);
    assertProblem(validator.validate(undeclared), "spec.steps[0].template.template.spec.containers[0].command[2]",
        "unknown parameter 'date'");
  }

  @Test
  void aTemplateWithACycleIsRejectedWhenApplied() throws Exception {
    JobFlowTemplate cyclic = template("loop", "  parameters: [{name: date, default: today}]\n  steps:\n"
        + "    - name: a\n      dependsOn: [b]\n" + STEP + "    - name: b\n      dependsOn: [a]\n" + STEP);
    assertProblem(validator.validate(cyclic), "spec.steps[0].dependsOn[0]", "dependency cycle: a -> b -> a");
  }

  @Test
  void aFlowNamingATemplateHasNoStepsOfItsOwn() throws Exception {
    JobFlow ok = read("""
        apiVersion: jobflow.dev/v1alpha1
        kind: JobFlow
        metadata: {name: etl-today}
        spec:
          templateRef: {name: nightly-etl}
          parameters: [{name: date, value: "2026-11-23"}]
        """, JobFlow.class);
    assertEquals(List.of(), validator.validate(ok));

    JobFlow both = read("apiVersion: jobflow.dev/v1alpha1\nkind: JobFlow\nmetadata: {name: both}\nspec:\n"
        + "  templateRef: {name: ''}\n  steps:\n    - name: a\n" + STEP, JobFlow.class);
    List<Problem> problems = validator.validate(both);
    assertProblem(problems, "spec.templateRef.name", "name the JobFlowTemplate");
    assertProblem(problems, "spec.steps", "takes its steps from the template");
  }

  @Test
  void badSchedulesUnknownZonesAndBoundsAreReportedWithTheirPaths() throws Exception {
    CronJobFlow bad = schedule("nightly", """
          schedule: "61 * * * *"
          timeZone: Europe/Berln
          startingDeadlineSeconds: -5
          successfulFlowsHistoryLimit: -1
          flowSpec:
            parallelism: 0
            templateRef: {name: nightly-etl}
        """);
    List<Problem> problems = validator.validate(bad);
    assertProblem(problems, "spec.schedule", "not a cron schedule");
    assertProblem(problems, "spec.timeZone", "unknown time zone 'Europe/Berln'");
    assertProblem(problems, "spec.startingDeadlineSeconds", "must be 0 or more");
    assertProblem(problems, "spec.successfulFlowsHistoryLimit", "must be 0 or more");
    assertProblem(problems, "spec.flowSpec.parallelism", "must be at least 1");

    CronJobFlow macro = schedule("nightly", "  schedule: \"@hourly\"\n  timeZone: Europe/Berlin\n  flowSpec:\n"
        + "    parameters: [{name: date, value: x}]\n    steps:\n      - name: a\n"
        + body(6));
    assertEquals(List.of(), validator.validate(macro));
  }

  @Test
  void aScheduleNameLeavesRoomForTheMinuteSuffixOfItsFlows() throws Exception {
    CronJobFlow longName = schedule("a-schedule-name-too-long", "  schedule: \"@daily\"\n  flowSpec:\n"
        + "    templateRef: {name: t}\n");
    assertProblem(validator.validate(longName), "metadata.name", "schedule names are at most 21");
  }
}
