package dev.jobflow.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The CRD in deploy/crds is what the build generates from the model classes. */
class CrdIsCurrentTest {
  static final Path GENERATED = Path.of("target/classes/META-INF/fabric8/jobflows.jobflow.dev-v1.yml");
  static final Path COMMITTED = Path.of("deploy/crds/jobflows.jobflow.dev-v1.yml");

  @Test
  void committedCrdMatchesGenerated() throws Exception {
    assertTrue(Files.exists(GENERATED), "the build did not generate " + GENERATED);
    String generated = Files.readString(GENERATED);
    String committed = Files.exists(COMMITTED) ? Files.readString(COMMITTED) : "";
    assertEquals(generated, committed,
        "deploy/crds is stale: run `mvn process-classes && cp " + GENERATED + " " + COMMITTED + "`");
  }

  @Test
  void crdHasStatusSubresourcePrinterColumnsAndShortName() throws Exception {
    CustomResourceDefinition crd = Serialization.unmarshal(Files.readString(COMMITTED), CustomResourceDefinition.class);
    var version = crd.getSpec().getVersions().get(0);
    assertEquals("jobflows.jobflow.dev", crd.getMetadata().getName());
    assertEquals("jf", crd.getSpec().getNames().getShortNames().get(0));
    assertTrue(version.getSubresources() != null && version.getSubresources().getStatus() != null, "status subresource");
    var columns = version.getAdditionalPrinterColumns();
    assertTrue(columns.stream().anyMatch(c -> c.getName().equals("Phase") && c.getJsonPath().equals(".status.phase")));
    assertTrue(columns.stream().anyMatch(c -> c.getName().equals("Progress")));
    assertTrue(columns.stream().anyMatch(c -> c.getName().equals("Age")));
    assertTrue(columns.stream().anyMatch(c -> c.getName().equals("Message") && c.getPriority() == 1));
    String schema = Serialization.asJson(version.getSchema());
    assertTrue(schema.contains("x-kubernetes-validations"), "cheap rules are CEL validations");
  }
}
