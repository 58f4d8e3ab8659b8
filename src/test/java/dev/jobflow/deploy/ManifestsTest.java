package dev.jobflow.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import org.junit.jupiter.api.Test;

/** The strict parse that the overlay tests rely on really rejects what fabric8's lenient one would swallow. */
class ManifestsTest {
  private static final String DEPLOYMENT = """
      apiVersion: apps/v1
      kind: Deployment
      metadata: {name: d}
      spec:
        selector: {matchLabels: {a: b}}
        template:
          metadata: {labels: {a: b}}
          spec:
            containers:
              - name: c
                image: i
                securityContext: {%s: true}
      """;

  @Test
  void knownFieldsParseIntoTheModel() {
    Manifests m = Manifests.parse("test", DEPLOYMENT.formatted("readOnlyRootFilesystem") + "---\n");
    Deployment d = m.get(Deployment.class, "d");
    assertEquals(Boolean.TRUE,
        d.getSpec().getTemplate().getSpec().getContainers().get(0).getSecurityContext().getReadOnlyRootFilesystem());
  }

  @Test
  void aMisspelledFieldFailsWithItsPath() {
    AssertionError e = assertThrows(AssertionError.class,
        () -> Manifests.parse("test", DEPLOYMENT.formatted("readOnlyRootFileSystem")));
    assertTrue(e.getMessage().contains("spec.template.spec.containers.[0].securityContext.readOnlyRootFileSystem"),
        e.getMessage());
    assertTrue(e.getMessage().contains("Deployment d"), e.getMessage());
  }

  @Test
  void anUnknownKindOrApiVersionFails() {
    AssertionError e = assertThrows(AssertionError.class,
        () -> Manifests.parse("test", "apiVersion: apps/v1beta1\nkind: Deployment\nmetadata: {name: old}\n"));
    assertTrue(e.getMessage().contains("apps/v1beta1/Deployment old"), e.getMessage());
  }
}
