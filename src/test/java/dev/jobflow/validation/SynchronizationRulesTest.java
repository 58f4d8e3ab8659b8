package dev.jobflow.validation;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.jobflow.api.JobFlow;
import dev.jobflow.api.JobFlowYaml;
import dev.jobflow.flow.FlowDefinition;
import dev.jobflow.flow.FlowLock;
import java.util.List;
import org.junit.jupiter.api.Test;

/** spec.synchronization names exactly one lock by a ConfigMap-key name; spec.priority is read as given. */
class SynchronizationRulesTest {
  static JobFlow flow(String specLines) throws Exception {
    return JobFlowYaml.read("""
        apiVersion: jobflow.dev/v1alpha1
        kind: JobFlow
        metadata: {name: locked, namespace: ops, uid: u-1, creationTimestamp: "2026-11-23T08:00:00Z"}
        spec:
          %s
          steps:
          - name: work
            template: {template: {spec: {containers: [{name: c, image: busybox}]}}}
        """.formatted(specLines.strip().replace("\n", "\n  ")));
  }

  static List<Problem> problems(String specLines) throws Exception {
    return new JobFlowValidator().validate(flow(specLines));
  }

  @Test
  void aMutexOrASemaphoreWithAPriorityIsFineAndReadAsALockOfTheNamespace() throws Exception {
    assertEquals(List.of(), problems("priority: 7\nsynchronization: {mutex: db-1.prod_eu}"));
    assertEquals(List.of(), problems("priority: -3\nsynchronization: {semaphore: gpu}"));
    FlowDefinition def = FlowDefinition.from(flow("priority: 7\nsynchronization: {mutex: db-1}"));
    assertEquals(FlowLock.mutex("ops", "db-1"), def.synchronization());
    assertEquals(7, def.effectivePriority());
    assertEquals(java.time.Instant.parse("2026-11-23T08:00:00Z"), def.createdAt());
    assertEquals(0, FlowDefinition.from(flow("parallelism: 1")).effectivePriority(), "priority defaults to 0");
  }

  @Test
  void eachProblemNamesItsField() throws Exception {
    assertEquals(List.of(new Problem("spec.synchronization", "set exactly one of mutex and semaphore")),
        problems("synchronization: {mutex: a, semaphore: b}"));
    assertEquals(List.of(new Problem("spec.synchronization", "set exactly one of mutex and semaphore")),
        problems("synchronization: {}"));
    List<Problem> p = problems("synchronization: {mutex: 'ns:target'}");
    assertEquals("spec.synchronization.mutex", p.get(0).path());
    assertEquals("'ns:target' must be 1 to 253 characters of letters, digits, '-', '_' and '.' (a ConfigMap key)",
        p.get(0).message());
    assertEquals("spec.synchronization.semaphore", problems("synchronization: {semaphore: ''}").get(0).path());
  }
}
