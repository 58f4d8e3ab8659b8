package dev.jobflow.validation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.api.model.batch.v1.JobSpec;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The getter walk visits exactly the strings, at exactly the paths, of the JSON Jackson writes. */
class TemplateStringsTest {
  static final String RICH = """
      backoffLimit: 2
      activeDeadlineSeconds: 600
      podFailurePolicy:
        rules: [{action: Ignore, onPodConditions: [{type: "{{x.disruption}}"}]}]
      template:
        metadata:
          labels: {app: "{{x.app}}", "{{x.key}}": v}
          annotations: {"sim.jobflow.dev/duration": "{{x.duration}}"}
        spec:
          restartPolicy: Never
          nodeSelector: {zone: "{{x.zone}}"}
          tolerations: [{key: "{{x.taint}}", operator: Exists}]
          volumes:
            - name: data
              emptyDir: {sizeLimit: "{{x.size}}"}
            - name: cfg
              configMap: {name: "cfg-{{x.cfg}}", items: [{key: a, path: "{{x.path}}"}]}
          initContainers: [{name: init, image: "busybox:{{x.tag}}"}]
          containers:
            - name: main
              image: busybox
              command: [sh, -c, "echo {{x.one}} {{x.two}}"]
              args: ["{{x.arg}}"]
              workingDir: "/work/{{x.dir}}"
              env:
                - {name: A, value: "{{x.a}}"}
                - name: B
                  valueFrom: {configMapKeyRef: {name: "{{x.cm}}", key: b}}
              ports: [{containerPort: 8080, name: "{{x.port}}"}]
              resources:
                limits: {cpu: "{{x.cpu}}", memory: 1Gi}
              livenessProbe:
                httpGet: {path: /healthz, port: "{{x.probeport}}"}
              comand: ["{{x.typo}}"]
              securityContext: {runAsUser: 1000, capabilities: {add: ["{{x.cap}}"]}}
      """;

  @Test
  void visitsWhatJacksonWouldWrite() throws Exception {
    JobSpec spec = new YAMLMapper().readValue(RICH, JobSpec.class);
    List<String> walked = new ArrayList<>();
    TemplateStrings.visit(spec, (text, path) -> walked.add(path + " = " + text));

    List<String> written = new ArrayList<>();
    ObjectMapper json = new ObjectMapper();
    try (JsonParser p = json.getFactory().createParser(json.writeValueAsString(spec))) {
      for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
        if ((t == JsonToken.VALUE_STRING || t == JsonToken.FIELD_NAME) && p.getText().contains("{{")) {
          written.add(TemplateStrings.jsonPath(p.getParsingContext()) + " = " + p.getText());
        }
      }
    }
    assertEquals(written.stream().sorted().toList(), walked.stream().sorted().toList());
    assertTrue(walked.size() >= 20, walked.toString());
    assertTrue(walked.contains(".template.spec.containers[0].command[2] = echo {{x.one}} {{x.two}}"), walked.toString());
    assertTrue(walked.contains(".template.metadata.annotations[\"sim.jobflow.dev/duration\"] = {{x.duration}}"), walked.toString());
    assertTrue(walked.contains(".template.spec.containers[0].resources.limits.cpu = {{x.cpu}}"), walked.toString());
    assertTrue(walked.contains(".template.spec.containers[0].comand[0] = {{x.typo}}"), walked.toString());
  }
}
