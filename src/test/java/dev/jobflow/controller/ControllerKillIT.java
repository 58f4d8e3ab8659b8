package dev.jobflow.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.jobflow.api.FlowPhase;
import dev.jobflow.api.JobFlow;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The built jar, as an operator runs it: the emulator and the controller as separate processes, flows
 * submitted with kubectl, the controller killed with SIGKILL mid-flow and started again. Every flow must
 * finish correctly and no step attempt may get a second Job.
 */
class ControllerKillIT {
  @TempDir
  Path dir;

  static final String FLOWS = """
      apiVersion: jobflow.dev/v1alpha1
      kind: JobFlow
      metadata: {name: chain-%1$d, namespace: default}
      spec:
        steps:
          - name: first
            template: {template: {metadata: {annotations: {sim.jobflow.dev/duration: 1500ms}}, spec: {restartPolicy: Never, containers: [{name: main, image: busybox}]}}}
          - name: second
            dependsOn: [first]
            retries: {limit: 1, backoff: {duration: 500ms}}
            template: {template: {metadata: {annotations: {sim.jobflow.dev/duration: 1500ms, sim.jobflow.dev/outcome: "Failed,Succeeded"}}, spec: {restartPolicy: Never, containers: [{name: main, image: busybox}]}}}
          - name: third
            dependsOn: [second]
            template: {template: {metadata: {annotations: {sim.jobflow.dev/duration: 1s}}, spec: {restartPolicy: Never, containers: [{name: main, image: busybox}]}}}
      """;

  @Test
  void killedControllerRestartsAndEveryFlowFinishesWithOneJobPerAttempt() throws Exception {
    Path kubeconfig = dir.resolve("dev.kubeconfig");
    Process emulator = jobflow("emulator", "emulator", "--port", "0", "--kubeconfig-out", kubeconfig.toString(),
        "--executor", "simulate", "--data-dir", dir.resolve("emulator").toString());
    Process controller = null;
    try {
      awaitFile(kubeconfig, emulator);
      try (KubernetesClient client = new KubernetesClientBuilder()
          .withConfig(Config.fromKubeconfig(Files.readString(kubeconfig))).build()) {
        Map<String, AtomicInteger> created = new ConcurrentHashMap<>();
        Watch watch = countCreations(client, created);
        controller = startController(kubeconfig);
        StringBuilder yaml = new StringBuilder();
        for (int i = 1; i <= 3; i++) {
          yaml.append(String.format(FLOWS, i)).append("---\n");
        }
        Path flows = dir.resolve("flows.yaml");
        Files.writeString(flows, yaml);
        kubectl(kubeconfig, "apply", "-f", flows.toString());

        // Kill it while the flows are mid-way: some step of each flow has a Job already.
        client.resources(JobFlow.class).inNamespace("default").withName("chain-3").waitUntilCondition(
            f -> f != null && f.getStatus() != null && f.getStatus().getPhase() == FlowPhase.Running, 120, TimeUnit.SECONDS);
        controller.destroyForcibly(); // SIGKILL: no shutdown hook, no flush
        assertTrue(controller.waitFor(30, TimeUnit.SECONDS));
        controller = startController(kubeconfig);

        for (int i = 1; i <= 3; i++) {
          JobFlow done = client.resources(JobFlow.class).inNamespace("default").withName("chain-" + i)
              .waitUntilCondition(f -> f != null && f.getStatus() != null && f.getStatus().getPhase() != null
                  && f.getStatus().getPhase().isFinished(), 180, TimeUnit.SECONDS);
          assertEquals(FlowPhase.Succeeded, done.getStatus().getPhase(), "chain-" + i + ": " + done.getStatus().getMessage());
          assertEquals("3/3", done.getStatus().getProgress());
        }
        watch.close();
        String jobs = kubectl(kubeconfig, "get", "jobs", "-l", "jobflow.dev/managed-by=jobflow", "-o", "name");
        assertEquals(12, jobs.lines().count(), jobs); // 3 flows x (first, second x2, third)
        created.forEach((name, n) -> assertEquals(1, n.get(), "Job " + name + " was created " + n + " times"));
        assertEquals(12, created.size(), created.toString());
      }
    } finally {
      if (controller != null) {
        controller.destroyForcibly();
      }
      emulator.destroyForcibly();
    }
  }

  Process startController(Path kubeconfig) throws Exception {
    return jobflow("controller", "controller", "--kubeconfig", kubeconfig.toString(), "--no-webhook",
        "--http-port", "0", "--metrics-port", "0", "--data-dir", dir.resolve("journal").toString());
  }

  Process jobflow(String logName, String... args) throws Exception {
    String jar = System.getProperty("jobflow.jar", "target/jobflow.jar");
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx384m", "-jar", jar));
    command.addAll(List.of(args));
    File log = dir.resolve(logName + "-" + System.nanoTime() + ".log").toFile();
    return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log).start();
  }

  String kubectl(Path kubeconfig, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("kubectl", "--kubeconfig", kubeconfig.toString()));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      fail("kubectl " + String.join(" ", args) + " failed: " + out);
    }
    return out;
  }

  /** Counts each Job's ADDED events by name: a Job created twice counts 2. */
  static Watch countCreations(KubernetesClient client, Map<String, AtomicInteger> created) {
    return client.batch().v1().jobs().inAnyNamespace().watch(new Watcher<Job>() {
      @Override
      public void eventReceived(Action action, Job job) {
        if (action == Action.ADDED) {
          created.computeIfAbsent(job.getMetadata().getName(), k -> new AtomicInteger()).incrementAndGet();
        }
      }

      @Override
      public void onClose(WatcherException cause) {}
    });
  }

  static void awaitFile(Path file, Process owner) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (!Files.exists(file) || Files.size(file) == 0) {
      if (!owner.isAlive() || System.nanoTime() > deadline) {
        fail("no " + file + " (process alive: " + owner.isAlive() + ")");
      }
      Thread.sleep(200);
    }
  }
}
