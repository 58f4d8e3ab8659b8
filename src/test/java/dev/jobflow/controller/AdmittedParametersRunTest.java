package dev.jobflow.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.jobflow.api.FlowPhase;
import dev.jobflow.api.JobFlow;
import dev.jobflow.api.JobFlowYaml;
import dev.jobflow.validation.JobFlowValidator;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Whatever the validator (the webhook's and {@code jobflow validate}'s rule) admits, the controller runs, with the
 * placeholders substituted as {@link dev.jobflow.expr.Placeholders} says: in one pass, in values and in map keys.
 */
class AdmittedParametersRunTest {
  @TempDir
  static Path dir;
  static ControllerHarness harness;

  @BeforeAll
  static void start() throws Exception {
    harness = new ControllerHarness(dir);
  }

  @AfterAll
  static void stop() {
    harness.close();
  }

  static String flow(String name, String parameters, String labels, String command) {
    return """
        apiVersion: jobflow.dev/v1alpha1
        kind: JobFlow
        metadata: {name: %s, namespace: default}
        spec:
          parameters: %s
          steps:
            - name: a
              template:
                template:
                  metadata:
                    labels: %s
                    annotations: {sim.jobflow.dev/duration: 50ms, sim.jobflow.dev/outcome: Succeeded}
                  spec:
                    restartPolicy: Never
                    containers: [{name: main, image: busybox, command: [sh, -c, "%s"]}]
        """.formatted(name, parameters, labels, command);
  }

  static Job admitThenRun(String yaml) throws Exception {
    JobFlow flow = JobFlowYaml.read(yaml);
    assertEquals(List.of(), new JobFlowValidator().validate(flow), "admitted");
    harness.submit(yaml);
    String name = flow.getMetadata().getName();
    JobFlow done = harness.awaitPhase(name, FlowPhase.Succeeded);
    assertEquals(FlowPhase.Succeeded, done.getStatus().getPhase(), String.valueOf(done.getStatus().getMessage()));
    return harness.jobs(name).get(name + "-a-1");
  }

  @Test
  void aParameterWhoseValueIsAPlaceholderIsInsertedAsWritten() throws Exception {
    // The case: the value of x is text, never scanned again, so the Job gets "{{params.y}}b".
    Job job = admitThenRun(flow("param-in-param", "[{name: x, value: \"{{params.y}}\"}, {name: y, value: b}]", "{}",
        "echo {{params.x}}{{params.y}}"));
    assertEquals("echo {{params.y}}b", job.getSpec().getTemplate().getSpec().getContainers().get(0).getCommand().get(2));
  }

  @Test
  void aPlaceholderInAMapKeyIsSubstituted() throws Exception {
    Job job = admitThenRun(flow("param-in-key", "[{name: k, value: team}, {name: v, value: data}]",
        "{\"{{params.k}}\": \"{{params.v}}\"}", "true"));
    assertEquals("data", job.getSpec().getTemplate().getMetadata().getLabels().get("team"),
        String.valueOf(job.getSpec().getTemplate().getMetadata().getLabels()));
  }
}
