package dev.jobflow.dev;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import dev.jobflow.api.FlowPhase;
import dev.jobflow.api.JobFlow;
import dev.jobflow.emulator.EmulatorOptions;
import dev.jobflow.metrics.MetricNamesInUse;
import dev.jobflow.metrics.Scrape;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code jobflow dev} in-process: flows go through the emulator's admission call-out to the real webhooks,
 * run on the process executor, and every metric a dashboard panel or an alert uses is then exported.
 */
class DevModeTest {
  @TempDir
  static Path dir;
  static DevMode dev;

  @BeforeAll
  static void start() throws Exception {
    var config = ConfigFactory.parseMap(Map.of(
        "kamon.metric.tick-interval", "1 second",
        "akka.coordinated-shutdown.run-by-jvm-shutdown-hook", "off",
        "akka.coordinated-shutdown.exit-jvm", "off")).withFallback(ConfigFactory.load());
    dev = DevMode.start(new DevMode.Options(dir, EmulatorOptions.ExecutorKind.PROCESS, 0, 0, 0), config);
  }

  @AfterAll
  static void stop() {
    dev.close();
  }

  static Path write(String name, String yaml) throws IOException {
    Path file = dir.resolve(name);
    Files.writeString(file, yaml);
    return file;
  }

  @Test
  void runsRealWorkShowsProgressAndExportsEveryMetricInUse() throws Exception {
    Path flows = write("flows.yaml", """
        apiVersion: jobflow.dev/v1alpha1
        kind: JobFlow
        metadata: {name: works}
        spec:
          parameters: [{name: word, value: hello}]
          # A mutex so the lock panels' and the stuck-queue alert's series are exported too.
          synchronization: {mutex: demo}
          steps:
            - name: write
              template: {template: {spec: {containers: [{name: main, image: busybox, command: [sh, -c, "echo {{params.word}} > word.txt && cat word.txt"]}]}}}
            - name: read
              dependsOn: [write]
              template: {template: {spec: {containers: [{name: main, image: busybox, command: [sh, -c, "test -n \\"$HOME\\""]}]}}}
        ---
        apiVersion: jobflow.dev/v1alpha1
        kind: JobFlow
        metadata: {name: fails}
        spec:
          steps:
            - name: broken
              retries: {limit: 1, backoff: {duration: 100ms}}
              template: {backoffLimit: 0, template: {spec: {containers: [{name: main, image: busybox, command: [sh, -c, "exit 3"]}]}}}
        ---
        # A schedule (suspended: it never fires here) so the schedule panels' series are exported too.
        apiVersion: jobflow.dev/v1alpha1
        kind: CronJobFlow
        metadata: {name: nightly}
        spec:
          schedule: "@daily"
          suspend: true
          flowSpec:
            steps:
              - name: noop
                template: {template: {spec: {containers: [{name: main, image: busybox, command: [sh, -c, "true"]}]}}}
        """);
    List<JobFlow> submitted = dev.submit(List.of(flows));
    // A trigger (never fired here) so the trigger panels' and the rejection alert's series are exported too.
    dev.client().resources(dev.jobflow.api.JobFlowTrigger.class).inNamespace("default").resource(
        io.fabric8.kubernetes.client.utils.Serialization.unmarshal("""
            apiVersion: jobflow.dev/v1alpha1
            kind: JobFlowTrigger
            metadata: {name: disk-full, namespace: default}
            spec:
              source: alertmanager
              auth: {bearerTokenSecretRef: {name: trigger-token}}
              flow: {templateRef: {name: clean-disk}}
            """, dev.jobflow.api.JobFlowTrigger.class)).create();
    // The mutating webhook filled in the defaults on the way in.
    assertEquals("Never", submitted.get(0).getSpec().getSteps().get(0).getTemplate().getTemplate().getSpec().getRestartPolicy());
    assertEquals(86400L, submitted.get(0).getSpec().getTtlSecondsAfterFinished());

    ByteArrayOutputStream out = new ByteArrayOutputStream();
    List<FlowProgress> finished = new ArrayList<>();
    boolean allSucceeded = dev.awaitAll(submitted, new ProgressView(new PrintStream(out, true), false),
        Duration.ofMillis(100), finished::add);
    assertFalse(allSucceeded);
    assertEquals(2, finished.size());
    String shown = out.toString();
    assertTrue(shown.contains("default/works Succeeded 2/2"), shown);
    assertTrue(shown.contains("default/fails Failed"), shown);
    assertTrue(Files.readString(dir.resolve("logs/default/works-write-1.log")).contains("hello"));

    URI metrics = URI.create("http://127.0.0.1:" + dev.controller().metricsPort() + "/metrics");
    MetricNamesInUse inUse = MetricNamesInUse.fromDashboardsAndRules(Path.of(System.getProperty("jobflow.project.dir", ".")));
    Scrape scrape = Scrape.until(metrics, s -> inUse.missingFrom(s).isEmpty(), Duration.ofSeconds(30),
        s -> "metrics used by dashboards or alerts but not exported: " + inUse.missingFrom(s));
    assertEquals(Map.of(), inUse.missingFrom(scrape), "metrics used by dashboards or alerts but not exported");
  }

  @Test
  void theValidatingWebhookRefusesAnInvalidFlowWithEveryProblem() throws Exception {
    Path bad = write("bad.yaml", """
        apiVersion: jobflow.dev/v1alpha1
        kind: JobFlow
        metadata: {name: bad}
        spec:
          steps:
            - name: a
              dependsOn: [b]
              template: {template: {spec: {containers: [{name: main, image: busybox}]}}}
            - name: b
              dependsOn: [a]
              template: {template: {spec: {containers: [{name: main}]}}}
        """);
    IOException refused = assertThrows(IOException.class, () -> dev.submit(List.of(bad)));
    assertTrue(refused.getMessage().contains("a -> b -> a") || refused.getMessage().contains("b -> a -> b"),
        refused.getMessage());
    assertTrue(refused.getMessage().contains("spec.steps[1].template.template.spec.containers[0].image"),
        refused.getMessage());
  }
}
