package dev.jobflow.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code jobflow emulator} as its own process: it serves, writes its kubeconfig, runs Jobs, stops on SIGTERM. */
class EmulatorCommandTest {
  @TempDir
  Path dir;

  @Test
  void runsAsAProcessUntilSigterm() throws Exception {
    Path kubeconfig = dir.resolve("out/dev.kubeconfig");
    Path data = dir.resolve("data");
    Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), "dev.jobflow.cli.JobflowCommand", "emulator",
        "--port", "0", "--kubeconfig-out", kubeconfig.toString(), "--executor", "process", "--data-dir", data.toString())
        .redirectErrorStream(true).start();
    try {
      BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
      // Log lines (e.g. Vert.x warning of a blocked event loop on a loaded machine) may come first.
      String serving = out.readLine();
      while (serving != null && !serving.startsWith("jobflow emulator: ")) {
        serving = out.readLine();
      }
      assertNotNull(serving, "the emulator printed nothing");
      assertTrue(serving.startsWith("jobflow emulator: serving http://127.0.0.1:"), serving);
      String url = serving.replaceFirst(".*serving (http://[^ ]+).*", "$1");
      String written = out.readLine();
      while (written != null && !written.contains(kubeconfig.toString())) {
        written = out.readLine();
      }
      assertNotNull(written, "the emulator did not say where it wrote the kubeconfig");
      assertTrue(Files.readString(kubeconfig).contains("server: " + url));

      try (KubernetesClient client = new KubernetesClientBuilder()
          .withConfig(Config.fromKubeconfig(Files.readString(kubeconfig))).build()) {
        client.batch().v1().jobs().resource(JobRunnerTest.command("cli-job", 0, null, "sh", "-c", "echo from-cli"))
            .create();
        Job done = JobRunnerTest.finished(client, "cli-job");
        assertEquals("Complete", done.getStatus().getConditions().get(1).getType());
        // The log is the process's output, written as it runs: it may land just after the Job's status.
        Path log = data.resolve("logs/default/cli-job.log");
        org.awaitility.Awaitility.await("the Job's log").atMost(java.time.Duration.ofSeconds(30))
            .until(() -> Files.exists(log) && Files.readString(log).contains("from-cli"));
        if (Kubectl.binary() != null) {
          Kubectl kubectl = new Kubectl(dir.resolve("kubectl-home"), kubeconfig);
          assertTrue(kubectl.run("get", "jf").ok().err().contains("No resources found"));
          org.awaitility.Awaitility.await("the Job's pod").atMost(java.time.Duration.ofSeconds(30))
              .until(() -> !client.pods().withLabel("job-name", "cli-job").list().getItems().isEmpty());
          String pod = client.pods().withLabel("job-name", "cli-job").list().getItems().get(0).getMetadata().getName();
          assertTrue(kubectl.run("logs", pod).ok().out().contains("from-cli"), "kubectl logs shows the process output");
        }
      }
      p.destroy(); // SIGTERM
      assertTrue(p.waitFor(30, TimeUnit.SECONDS), "the emulator stops on SIGTERM");
    } finally {
      p.destroyForcibly();
    }
  }
}
