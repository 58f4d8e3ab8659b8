package dev.jobflow.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jobflow.api.JobFlow;
import dev.jobflow.emulator.Emulator;
import dev.jobflow.emulator.EmulatorOptions;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code submit --from template/NAME}: the JobFlow sent names the template and carries the parameters, and
 * nothing else; resolving the template is the webhook's and the controller's job. An emulator without webhooks
 * stores the object as sent, so the test sees exactly that (SubmitCommandTest runs one through the controller).
 */
class SubmitFromTemplateTest {
  @TempDir
  static Path dir;
  static Emulator emulator;
  static Path kubeconfig;

  @BeforeAll
  static void start() throws Exception {
    emulator = Emulator.start(EmulatorOptions.defaults().withExecutor(EmulatorOptions.ExecutorKind.NONE));
    kubeconfig = emulator.writeKubeconfig(dir.resolve("kubeconfig"));
  }

  @AfterAll
  static void stop() {
    emulator.close();
  }

  CliRun cli(String... args) {
    List<String> all = new java.util.ArrayList<>(List.of(args));
    all.addAll(List.of("--kubeconfig", kubeconfig.toString()));
    return CliRun.run(all.toArray(String[]::new));
  }

  static GenericKubernetesResource stored(String name) {
    return emulator.client().genericKubernetesResources(JobFlow.API_VERSION, JobFlow.KIND).inNamespace("default")
        .withName(name).get();
  }

  @Test
  @SuppressWarnings("unchecked")
  void sendsAJobFlowWithTheTemplateRefAndTheParametersInOrder() {
    CliRun run = cli("submit", "--from", "template/nightly-etl", "-p", "date=2026-11-23", "-p", "region=eu");
    assertEquals(0, run.exit(), run.toString());
    String line = run.out().lines().findFirst().orElseThrow();
    assertTrue(line.matches("default/nightly-etl-[a-z0-9]{5} submitted .*"), line);
    String name = line.substring("default/".length(), line.indexOf(' '));
    GenericKubernetesResource flow = stored(name);
    assertEquals("nightly-etl-", flow.getMetadata().getGenerateName());
    Map<String, Object> spec = (Map<String, Object>) flow.getAdditionalProperties().get("spec");
    assertEquals(Map.of("name", "nightly-etl"), spec.get("templateRef"));
    assertEquals(List.of(Map.of("name", "date", "value", "2026-11-23"), Map.of("name", "region", "value", "eu")),
        spec.get("parameters"));
    assertEquals(List.of("templateRef", "parameters"), List.copyOf(spec.keySet()));
    // Read back through the typed model: no controller here, so nothing has resolved it yet.
    CliRun get = cli("get", name);
    assertEquals(0, get.exit(), get.toString());
    assertTrue(get.out().lines().anyMatch(l -> l.matches("default/" + name + "\\s+Pending")), get.out());
  }

  @Test
  void nameAndNamespaceAreTheCommandLines() {
    CliRun run = cli("submit", "--from", "jft/nightly-etl", "--name", "tonight", "-n", "data");
    assertEquals(0, run.exit(), run.toString());
    assertTrue(run.out().startsWith("data/tonight submitted"), run.out());
    assertEquals("nightly-etl", emulator.client().genericKubernetesResources(JobFlow.API_VERSION, JobFlow.KIND)
        .inNamespace("data").withName("tonight").get().get("spec", "templateRef", "name"));
  }

  @Test
  void aMalformedFromIsAUsageError() {
    CliRun run = cli("submit", "--from", "configmap/x");
    assertEquals(2, run.exit(), run.toString());
    assertTrue(run.err().contains("--from configmap/x: expected template/NAME"), run.err());
    CliRun named = cli("submit", "--name", "x", "some.yaml");
    assertEquals(2, named.exit(), named.toString());
  }
}
