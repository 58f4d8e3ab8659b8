package dev.jobflow.flow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jobflow.api.FailurePolicy;
import dev.jobflow.api.JobFlow;
import dev.jobflow.api.JobFlowYaml;
import dev.jobflow.api.ShutdownPolicy;
import dev.jobflow.dag.FlowGraph;
import dev.jobflow.dag.RetryRule;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FlowDefinitionTest {
  static final String YAML = """
      apiVersion: jobflow.dev/v1alpha1
      kind: JobFlow
      metadata: {name: nightly-etl, namespace: data, uid: 1234-abcd, generation: 3}
      spec:
        parallelism: 4
        failurePolicy: ContinueIndependent
        timeout: 2h
        suspend: true
        shutdown: Stop
        parameters: [{name: date, value: "2026-11-23"}]
        steps:
          - name: extract
            template: {template: {spec: {restartPolicy: Never, containers: [{name: main, image: busybox}]}}}
          - name: transform
            dependsOn: [extract]
            retries: {limit: 3, backoff: {duration: 10s, factor: 2, maxDuration: 5m}}
            timeout: 30m
            template: {template: {spec: {containers: [{name: main, image: "etl:{{params.date}}"}]}}}
        finally:
          - name: notify
            template: {template: {spec: {containers: [{name: main, image: curl}]}}}
      """;

  @Test
  void readsEverySpecValueTheEngineUses() throws Exception {
    FlowDefinition d = FlowDefinition.from(JobFlowYaml.read(YAML));
    assertEquals(new FlowId("data", "nightly-etl", "1234-abcd"), d.id());
    assertEquals(3, d.generation());
    assertEquals(4, d.parallelism());
    assertEquals(FailurePolicy.ContinueIndependent, d.failurePolicy());
    assertEquals(Duration.ofHours(2), d.timeout());
    assertTrue(d.suspend());
    assertEquals(ShutdownPolicy.Stop, d.shutdown());
    assertEquals(Map.of("date", "2026-11-23"), d.parameters());
    StepDefinition t = d.step("transform");
    assertEquals(List.of("extract"), t.dependsOn());
    assertEquals(new RetryRule(3, Duration.ofSeconds(10), 2, Duration.ofMinutes(5)), t.retryRule());
    assertEquals(Duration.ofMinutes(30), t.timeout());
    assertEquals("etl:{{params.date}}", t.jobSpec().getTemplate().getSpec().getContainers().get(0).getImage());
    assertEquals("notify", d.finallySteps().get(0).name());
    assertEquals(RetryRule.NONE, d.step("extract").retryRule());
    assertNull(d.step("extract").timeout());

    FlowGraph g = d.toGraph();
    assertEquals(3, g.size());
    assertEquals(2, g.dagSize());
    assertTrue(g.step(g.indexOf("notify")).isFinally());
  }

  @Test
  void defaultsWhenUnset() throws Exception {
    JobFlow flow = JobFlowYaml.read("""
        apiVersion: jobflow.dev/v1alpha1
        kind: JobFlow
        metadata: {name: f, namespace: ns, uid: u}
        spec:
          steps:
            - name: a
              retries: {limit: 2}
              template: {template: {spec: {containers: [{name: main, image: busybox}]}}}
        """);
    FlowDefinition d = FlowDefinition.from(flow);
    assertNull(d.parallelism());
    assertEquals(FailurePolicy.FailFast, d.failurePolicy());
    assertEquals(0, d.generation());
    assertEquals(new RetryRule(2, RetryRule.DEFAULT_DURATION, RetryRule.DEFAULT_FACTOR, null), d.step("a").retryRule());
  }

  @Test
  void aBadDurationNamesItsField() throws Exception {
    JobFlow flow = JobFlowYaml.read(YAML.replace("timeout: 30m", "timeout: soon"));
    var e = assertThrows(IllegalArgumentException.class, () -> FlowDefinition.from(flow));
    assertTrue(e.getMessage().startsWith("spec.steps[1].timeout: 'soon' is not a duration"), e.getMessage());
  }

  @Test
  void anUnknownStepIsNamedInTheError() throws Exception {
    FlowDefinition d = FlowDefinition.from(JobFlowYaml.read(YAML));
    var e = assertThrows(IllegalArgumentException.class, () -> d.step("nope"));
    assertTrue(e.getMessage().contains("'nope'"), e.getMessage());
  }
}
