package dev.jobflow.validation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jobflow.api.JobFlow;
import dev.jobflow.api.JobFlowYaml;
import java.util.List;
import org.junit.jupiter.api.Test;

/** An approval step: no Job fields, someone to decide, a timeout that parses, a name that fits the annotation. */
class ApprovalRulesTest {
  static List<Problem> problems(String gate) throws Exception {
    JobFlow flow = JobFlowYaml.read("""
        apiVersion: jobflow.dev/v1alpha1
        kind: JobFlow
        metadata: {name: gated}
        spec:
          steps:
          - name: build
            template: {template: {spec: {containers: [{name: c, image: busybox}]}}}
          - name: %s
        """.formatted(gate.strip().replace("\n", "\n    ")));
    return new JobFlowValidator().validate(flow);
  }

  static void assertProblem(List<Problem> problems, String path, String part) {
    assertTrue(problems.stream().anyMatch(p -> p.path().equals(path) && p.message().contains(part)),
        "expected " + path + ": ..." + part + "... in " + problems);
  }

  @Test
  void aValidApprovalStepHasNoProblem() throws Exception {
    assertEquals(List.of(), problems("""
        gate
        dependsOn: [build]
        approval: {message: 'ship it', timeout: 4h, onTimeout: approve, approvers: {groups: [release-managers]}}"""));
  }

  @Test
  void everyProblemNamesItsField() throws Exception {
    List<Problem> p = problems("""
        gate
        timeout: 1h
        retries: {limit: 2}
        template: {template: {spec: {containers: [{name: c, image: busybox}]}}}
        approval: {timeout: soon, onTimeout: maybe, approvers: {users: ['']}}""");
    assertProblem(p, "spec.steps[1].template", "not both");
    assertProblem(p, "spec.steps[1].retries", "never retried");
    assertProblem(p, "spec.steps[1].timeout", "approval.timeout");
    assertProblem(p, "spec.steps[1].approval.timeout", "soon");
    assertProblem(p, "spec.steps[1].approval.onTimeout", "must be fail or approve, got 'maybe'");
    assertProblem(p, "spec.steps[1].approval.approvers.users[0]", "must not be empty");
  }

  @Test
  void someoneMustBeAbleToDecideAndOnTimeoutNeedsATimeout() throws Exception {
    List<Problem> p = problems("""
        gate
        approval: {onTimeout: approve}""");
    assertProblem(p, "spec.steps[1].approval.approvers", "at least one user or group");
    assertProblem(p, "spec.steps[1].approval.onTimeout", "needs approval.timeout");
  }
}
