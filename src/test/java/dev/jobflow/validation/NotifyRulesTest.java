package dev.jobflow.validation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static dev.jobflow.validation.ApprovalRulesTest.assertProblem;

import dev.jobflow.api.JobFlow;
import dev.jobflow.api.JobFlowTemplate;
import dev.jobflow.api.JobFlowYaml;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Notification sinks: a URL to POST to, known events, headers that are neither secret nor the notifier's own. */
class NotifyRulesTest {
  static List<Problem> problems(String notify) throws Exception {
    JobFlow flow = JobFlowYaml.read("""
        apiVersion: jobflow.dev/v1alpha1
        kind: JobFlow
        metadata: {name: told}
        spec:
          steps:
          - name: build
            template: {template: {spec: {containers: [{name: c, image: busybox}]}}}
          notify:
        %s
        """.formatted(notify.strip().indent(2)));
    return new JobFlowValidator().validate(flow);
  }

  @Test
  void validSinksHaveNoProblem() throws Exception {
    assertEquals(List.of(), problems("""
        - url: https://hooks.example.com/jobflow
          events: [flow.failed, step.failed, approval.requested]
          headers: {X-Team: data}
          bearerTokenSecretRef: {name: hook-token, key: token}
        - url: http://receiver.ops.svc:8080/"""));
  }

  @Test
  void everyProblemNamesItsField() throws Exception {
    List<Problem> p = problems("""
        - url: ftp://files.example.com/
        - url: https://user:pass@hooks.example.com/
          events: [flow.failed, flow.exploded, flow.failed]
          headers: {Authorization: Bearer x, Content-Type: text/plain, ce-id: "1", "bad header": x}
          bearerTokenSecretRef: {name: Not_A_Name, key: ""}
        - url: "https:///events"
        - events: [flow.failed]""");
    assertProblem(p, "spec.notify[0].url", "http:// or https://");
    assertProblem(p, "spec.notify[1].url", "credentials");
    assertProblem(p, "spec.notify[1].events[1]", "unknown event 'flow.exploded'");
    assertProblem(p, "spec.notify[1].events[2]", "listed twice");
    assertProblem(p, "spec.notify[1].headers.Authorization", "bearerTokenSecretRef");
    assertProblem(p, "spec.notify[1].headers.Content-Type", "set by the notifier");
    assertProblem(p, "spec.notify[1].headers.ce-id", "set by the notifier");
    assertProblem(p, "spec.notify[1].headers", "'bad header' is not an HTTP header name");
    assertProblem(p, "spec.notify[1].bearerTokenSecretRef.name", "Not_A_Name");
    assertProblem(p, "spec.notify[1].bearerTokenSecretRef.key", "must not be empty");
    assertProblem(p, "spec.notify[2].url", "no host");
    assertProblem(p, "spec.notify[3].url", "needs a url");
  }

  @Test
  void aFlowFromATemplateAndTheTemplateAreCheckedToo() throws Exception {
    JobFlow flow = JobFlowYaml.read("""
        apiVersion: jobflow.dev/v1alpha1
        kind: JobFlow
        metadata: {name: from-template}
        spec:
          templateRef: {name: etl}
          notify: [{url: "mailto:ops@example.com"}]
        """);
    assertProblem(new JobFlowValidator().validate(flow), "spec.notify[0].url", "http:// or https://");
    JobFlowTemplate template = new com.fasterxml.jackson.dataformat.yaml.YAMLMapper().readValue("""
        apiVersion: jobflow.dev/v1alpha1
        kind: JobFlowTemplate
        metadata: {name: etl}
        spec:
          steps:
          - name: build
            template: {template: {spec: {containers: [{name: c, image: busybox}]}}}
          notify: [{url: "https://hooks.example.com/", events: [flow.done]}]
        """, JobFlowTemplate.class);
    assertProblem(new JobFlowValidator().validate(template), "spec.notify[0].events[0]", "unknown event 'flow.done'");
  }

  @Test
  void tooManySinksAreRefused() throws Exception {
    StringBuilder many = new StringBuilder();
    for (int i = 0; i <= NotifyRules.MAX_SINKS; i++) {
      many.append("- url: https://hooks.example.com/").append(i).append('\n');
    }
    assertProblem(problems(many.toString()), "spec.notify", "at most " + NotifyRules.MAX_SINKS);
  }
}
