package dev.jobflow.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** The CRDs in deploy/crds are what the build generates from the model classes. */
class CrdIsCurrentTest {
  static final Path GENERATED = Path.of("target/classes/META-INF/fabric8");
  static final Path COMMITTED = Path.of("deploy/crds");

  @ParameterizedTest
  @ValueSource(strings = {JobFlow.CRD_NAME, JobFlowTemplate.CRD_NAME, CronJobFlow.CRD_NAME, JobFlowTrigger.CRD_NAME})
  void committedCrdMatchesGenerated(String crd) throws Exception {
    Path generated = GENERATED.resolve(crd + "-v1.yml");
    Path committed = COMMITTED.resolve(crd + "-v1.yml");
    assertTrue(Files.exists(generated), "the build did not generate " + generated);
    String text = Files.exists(committed) ? Files.readString(committed) : "";
    assertEquals(Files.readString(generated), text,
        "deploy/crds is stale: run `mvn process-classes && cp " + generated + " " + committed + "`");
    assertTrue(Files.readString(COMMITTED.resolve("kustomization.yaml")).contains(crd + "-v1.yml"),
        "deploy/crds/kustomization.yaml lists " + crd);
  }

  @Test
  void theBuildGeneratesNoOtherCrd() throws Exception {
    try (var files = Files.list(GENERATED)) {
      assertEquals(List.of(CronJobFlow.CRD_NAME + "-v1.yml", JobFlow.CRD_NAME + "-v1.yml",
          JobFlowTemplate.CRD_NAME + "-v1.yml", JobFlowTrigger.CRD_NAME + "-v1.yml"), files.map(p -> p.getFileName().toString()).sorted().toList());
    }
  }

  @Test
  void triggerCrdHasStatusSubresourceAndPrinterColumns() throws Exception {
    CustomResourceDefinitionVersion version = version(JobFlowTrigger.CRD_NAME, "jftr");
    assertTrue(version.getSubresources() != null && version.getSubresources().getStatus() != null, "status subresource");
    assertEquals(java.util.Set.of("Source", "Template", "Ready", "Flows", "Last Flow", "Last Triggered", "Age"),
        version.getAdditionalPrinterColumns().stream().map(c -> c.getName()).collect(java.util.stream.Collectors.toSet()));
    String schema = Serialization.asJson(version.getSchema());
    assertTrue(schema.contains("bearerTokenSecretRef") && schema.contains("\"alertmanager\""), schema);
  }

  @Test
  void jobFlowCrdHasStatusSubresourcePrinterColumnsAndShortName() throws Exception {
    CustomResourceDefinitionVersion version = version(JobFlow.CRD_NAME, "jf");
    assertTrue(version.getSubresources() != null && version.getSubresources().getStatus() != null, "status subresource");
    var columns = version.getAdditionalPrinterColumns();
    assertTrue(columns.stream().anyMatch(c -> c.getName().equals("Phase") && c.getJsonPath().equals(".status.phase")));
    assertTrue(columns.stream().anyMatch(c -> c.getName().equals("Progress")));
    assertTrue(columns.stream().anyMatch(c -> c.getName().equals("Age")));
    assertTrue(columns.stream().anyMatch(c -> c.getName().equals("Message") && c.getPriority() == 1));
    String schema = Serialization.asJson(version.getSchema());
    assertTrue(schema.contains("x-kubernetes-validations"), "cheap rules are CEL validations");
    assertTrue(schema.contains("templateRef"), "a flow may name a template");
    assertTrue(!schema.contains("concurrencyPolicy"), "concurrencyPolicy moved to CronJobFlow");
  }

  @Test
  void templateCrdHasShortNameColumnsAndNoStatus() throws Exception {
    CustomResourceDefinitionVersion version = version(JobFlowTemplate.CRD_NAME, "jft");
    assertNull(version.getSubresources() == null ? null : version.getSubresources().getStatus(), "no status");
    assertTrue(version.getAdditionalPrinterColumns().stream()
        .anyMatch(c -> c.getName().equals("Description") && c.getJsonPath().equals(".spec.description")));
  }

  @Test
  void cronCrdHasStatusShortNameAndScheduleColumns() throws Exception {
    CustomResourceDefinitionVersion version = version(CronJobFlow.CRD_NAME, "cjf");
    assertTrue(version.getSubresources() != null && version.getSubresources().getStatus() != null, "status subresource");
    var columns = version.getAdditionalPrinterColumns();
    assertTrue(columns.stream().anyMatch(c -> c.getName().equals("Schedule") && c.getJsonPath().equals(".spec.schedule")));
    assertTrue(columns.stream().anyMatch(c -> c.getName().equals("Last Schedule")
        && c.getJsonPath().equals(".status.lastScheduleTime")));
    assertTrue(columns.stream().anyMatch(c -> c.getName().equals("Suspend")));
  }

  private static CustomResourceDefinitionVersion version(String name, String shortName) throws Exception {
    CustomResourceDefinition crd = Serialization.unmarshal(Files.readString(COMMITTED.resolve(name + "-v1.yml")),
        CustomResourceDefinition.class);
    assertEquals(name, crd.getMetadata().getName());
    assertEquals(shortName, crd.getSpec().getNames().getShortNames().get(0));
    return crd.getSpec().getVersions().get(0);
  }
}
