package dev.jobflow.validation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.jobflow.api.CronJobFlow;
import dev.jobflow.api.FailurePolicy;
import dev.jobflow.api.JobFlowTemplate;
import dev.jobflow.template.TemplateLookup;
import dev.jobflow.template.TemplateResolver;
import dev.jobflow.api.JobFlow;
import dev.jobflow.api.JobFlowYaml;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Every flow in examples/ passes the one validator, and the set covers what the README promises. */
class ExamplesTest {
  static final Path EXAMPLES = Path.of(System.getProperty("jobflow.project.dir", "."), "examples");

  @Test
  void everyExampleIsValid() throws Exception {
    List<JobFlow> all = new ArrayList<>();
    List<JobFlow> templated = new ArrayList<>();
    List<JobFlowTemplate> templates = new ArrayList<>();
    List<CronJobFlow> schedules = new ArrayList<>();
    try (Stream<Path> files = Files.list(EXAMPLES)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
        for (JsonNode doc : new YAMLMapper().readValues(new YAMLFactory().createParser(file.toFile()), JsonNode.class).readAll()) {
          assertEquals(List.of(), UnknownFields.find(doc), file.toString());
        }
        try (Reader in = Files.newBufferedReader(file)) {
          for (var object : JobFlowYaml.readAllObjects(in)) {
            if (object instanceof JobFlow flow) {
              assertEquals(List.of(), new JobFlowValidator().validate(flow), file.toString());
              if (!flow.getSpec().usesTemplate()) {
                all.add(flow);
              } else {
                templated.add(flow);
              }
            } else if (object instanceof JobFlowTemplate t) {
              assertEquals(List.of(), new JobFlowValidator().validate(t), file.toString());
              templates.add(t);
            } else if (object instanceof CronJobFlow c) {
              assertEquals(List.of(), new JobFlowValidator().validate(c), file.toString());
              schedules.add(c);
            }
          }
        }
      }
    }
    assertTrue(all.size() >= 6, "hello plus at least five realistic flows, got " + all.size());
    List<String> names = all.stream().map(f -> f.getMetadata().getName()).toList();
    assertTrue(names.containsAll(List.of("hello", "etl-diamond", "ml-train-evaluate", "retries-backoff",
        "finally-notification", "continue-independent")), names.toString());
    assertTrue(all.stream().anyMatch(f -> !f.getSpec().getFinallySteps().isEmpty()), "a finally example");
    assertTrue(all.stream().anyMatch(f -> f.getSpec().getNotify() != null && f.getSpec().getNotify().stream()
        .anyMatch(s -> s.getBearerTokenSecretRef() != null && s.getEvents() != null)), "a notifications example");
    assertTrue(all.stream().anyMatch(f -> f.getSpec().getFailurePolicy() == FailurePolicy.ContinueIndependent));
    assertTrue(all.stream().flatMap(f -> f.getSpec().getSteps().stream())
        .anyMatch(s -> s.getRetries() != null && s.getRetries().getBackoff() != null), "a retry with backoff");
    // A template, a flow that uses it and a schedule that runs it, each resolving against the template.
    assertEquals(List.of("nightly-etl"), templates.stream().map(t -> t.getMetadata().getName()).toList());
    TemplateResolver resolver = new TemplateResolver(TemplateLookup.of(templates));
    assertEquals(1, templated.size(), "a flow using the template");
    assertEquals(List.of(), resolver.problems(templated.get(0), new JobFlowValidator()));
    assertEquals(1, schedules.size(), "a schedule");
    assertEquals(List.of(), resolver.problems(schedules.get(0), null, new JobFlowValidator()));
  }
}
