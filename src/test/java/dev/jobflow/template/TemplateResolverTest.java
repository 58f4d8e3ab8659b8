package dev.jobflow.template;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jobflow.api.FailurePolicy;
import dev.jobflow.api.JobFlow;
import dev.jobflow.api.JobFlowTemplate;
import dev.jobflow.api.JobFlowYaml;
import dev.jobflow.validation.JobFlowValidator;
import dev.jobflow.validation.Problem;
import java.io.StringReader;
import java.util.List;
import org.junit.jupiter.api.Test;

class TemplateResolverTest {
  static final String TEMPLATE = """
      apiVersion: jobflow.dev/v1alpha1
      kind: JobFlowTemplate
      metadata: {name: nightly-etl, namespace: data, uid: t-1, resourceVersion: "7"}
      spec:
        failurePolicy: ContinueIndependent
        timeout: 2h
        parameters:
          - {name: date}
          - {name: region, default: eu}
        steps:
          - name: extract
            template:
              template:
                spec:
                  restartPolicy: Never
                  containers: [{name: main, image: busybox, command: [sh, -c, "echo {{params.date}} {{params.region}}"]}]
        finally:
          - name: notify
            template: {template: {spec: {restartPolicy: Never, containers: [{name: main, image: busybox}]}}}
      """;

  static <T> T read(String yaml, Class<T> type) throws Exception {
    return type.cast(JobFlowYaml.readAllObjects(new StringReader(yaml)).get(0));
  }

  static JobFlow flow(String specYaml) throws Exception {
    return read("apiVersion: jobflow.dev/v1alpha1\nkind: JobFlow\nmetadata: {name: etl-today, namespace: data}\n"
        + "spec:\n  templateRef: {name: nightly-etl}\n" + specYaml, JobFlow.class);
  }

  private final TemplateResolver resolver = new TemplateResolver(TemplateLookup.of(List.of(read(TEMPLATE,
      JobFlowTemplate.class))));

  TemplateResolverTest() throws Exception {}

  @Test
  void theTemplatesStepsRunWithTheFlowsParametersAndTheDefaults() throws Exception {
    Resolution r = resolver.resolve(flow("  parallelism: 2\n  parameters: [{name: date, value: '2026-11-23'}]\n"));
    Resolution.Resolved resolved = assertInstanceOf(Resolution.Resolved.class, r);
    JobFlow f = resolved.flow();
    assertEquals("t-1", resolved.template().getMetadata().getUid());
    assertNull(f.getSpec().getTemplateRef());
    assertEquals(List.of("extract"), f.getSpec().getSteps().stream().map(s -> s.getName()).toList());
    assertEquals(List.of("notify"), f.getSpec().getFinallySteps().stream().map(s -> s.getName()).toList());
    assertEquals(List.of("date=2026-11-23", "region=eu"),
        f.getSpec().getParameters().stream().map(p -> p.getName() + "=" + p.getValue()).toList());
    assertEquals(2, f.getSpec().getParallelism());
    assertEquals(FailurePolicy.ContinueIndependent, f.getSpec().getFailurePolicy());
    assertEquals("2h", f.getSpec().getTimeout());
    assertEquals(List.of(), new JobFlowValidator().validate(f), "the resolved flow is a valid flow");
  }

  @Test
  void theFlowsOwnFailurePolicyAndTimeoutWin() throws Exception {
    JobFlow f = ((Resolution.Resolved) resolver.resolve(flow("  failurePolicy: FailFast\n  timeout: 5m\n"
        + "  parameters: [{name: date, value: x}]\n"))).flow();
    assertEquals(FailurePolicy.FailFast, f.getSpec().getFailurePolicy());
    assertEquals("5m", f.getSpec().getTimeout());
  }

  @Test
  void aMissingRequiredParameterAndAnUnknownOneAreProblemsWithTheirPaths() throws Exception {
    Resolution r = resolver.resolve(flow("  parameters: [{name: regoin, value: us}]\n"));
    List<Problem> problems = assertInstanceOf(Resolution.Invalid.class, r).problems();
    assertTrue(problems.contains(new Problem("spec.parameters[0].name",
        "JobFlowTemplate 'nightly-etl' has no parameter 'regoin'; it declares date, region")), problems.toString());
    assertTrue(problems.contains(new Problem("spec.parameters",
        "JobFlowTemplate 'nightly-etl' requires parameter 'date' (no default): give it in spec.parameters")),
        problems.toString());
  }

  @Test
  void aMissingTemplateIsNamedWithItsNamespace() throws Exception {
    JobFlow f = flow("");
    f.getSpec().getTemplateRef().setName("nightly-elt");
    Resolution r = resolver.resolve(f);
    assertEquals(List.of(new Problem("spec.templateRef.name", "no JobFlowTemplate 'nightly-elt' in namespace 'data'")),
        assertInstanceOf(Resolution.TemplateNotFound.class, r).problems());
  }

  @Test
  void aFlowWithStepsIsItself() throws Exception {
    JobFlow plain = read("apiVersion: jobflow.dev/v1alpha1\nkind: JobFlow\nmetadata: {name: p}\nspec:\n  steps: []\n",
        JobFlow.class);
    Resolution.Resolved r = assertInstanceOf(Resolution.Resolved.class, resolver.resolve(plain));
    assertTrue(r.flow() == plain && r.template() == null);
  }
}
