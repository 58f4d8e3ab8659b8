package dev.jobflow.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.jobflow.api.FlowPhase;
import dev.jobflow.api.JobFlow;
import dev.jobflow.api.JobFlowYaml;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM on the built jar mid-flow, as the kubelet sends it: {@code /readyz} answers 503 before the port closes,
 * the process exits within the pod's 30 s grace period (143: shutdown hooks ran), and the next controller finds
 * every journal write done: each flow ends Succeeded with one Job per attempt.
 */
class ControllerSigtermIT {
  static final Pattern STARTED = Pattern.compile("jobflow controller: running \\(http (\\d+)");

  @TempDir
  Path dir;

  @Test
  void sigtermTurnsUnreadyFirstStoresWhatIsInFlightAndExitsWithinTheGracePeriod() throws Exception {
    ControllerKillIT processes = new ControllerKillIT();
    processes.dir = dir;
    Path kubeconfig = dir.resolve("dev.kubeconfig");
    Process emulator = processes.jobflow("emulator", "emulator", "--port", "0", "--kubeconfig-out",
        kubeconfig.toString(), "--executor", "simulate", "--data-dir", dir.resolve("emulator").toString());
    Process controller = null;
    try {
      ControllerKillIT.awaitFile(kubeconfig, emulator);
      try (KubernetesClient client = new KubernetesClientBuilder()
          .withConfig(Config.fromKubeconfig(Files.readString(kubeconfig))).build()) {
        JobCreations created = new JobCreations(client);
        Path log = dir.resolve("controller-1.log");
        controller = startController(kubeconfig, log);
        int port = awaitPort(log, controller);
        for (int i = 1; i <= 3; i++) {
          client.resources(JobFlow.class).inNamespace("default")
              .resource(JobFlowYaml.read(String.format(ControllerKillIT.FLOWS, i))).create();
        }
        client.resources(JobFlow.class).inNamespace("default").withName("chain-3").waitUntilCondition(
            f -> f != null && f.getStatus() != null && f.getStatus().getPhase() == FlowPhase.Running, 120, TimeUnit.SECONDS);

        // What /readyz says from now on, in order: 200, 503, or "closed" once the port is gone.
        List<String> readiness = new CopyOnWriteArrayList<>();
        AtomicBoolean polling = new AtomicBoolean(true);
        Thread poller = new Thread(() -> poll(port, readiness, polling));
        poller.start();
        // A loaded machine may time out the first calls: wait until it has answered ready.
        Awaitility.await("ready before SIGTERM").atMost(Duration.ofSeconds(60)).until(() -> readiness.contains("200"));

        controller.destroy(); // SIGTERM
        assertTrue(controller.waitFor(30, TimeUnit.SECONDS), "still running 30 s (the grace period) after SIGTERM");
        assertEquals(143, controller.exitValue(), "the JVM ran its shutdown hooks and exited");
        polling.set(false);
        poller.join(10_000);
        int ready = readiness.indexOf("200");
        int firstUnready = readiness.subList(ready, readiness.size()).indexOf("503") + ready;
        int firstClosed = readiness.subList(ready, readiness.size()).indexOf("closed") + ready;
        assertTrue(firstUnready > ready && (firstClosed < ready || firstUnready < firstClosed),
            "never unready before the port closed: " + compress(readiness));
        assertTrue(readiness.subList(firstUnready, readiness.size()).stream().noneMatch("200"::equals),
            "ready again after SIGTERM: " + compress(readiness));
        String stopped = Files.readString(log);
        assertTrue(!stopped.contains("flows not halted"), "a journal write was still in flight at exit:\n" + stopped);

        controller = startController(kubeconfig, dir.resolve("controller-2.log"));
        for (int i = 1; i <= 3; i++) {
          JobFlow done = client.resources(JobFlow.class).inNamespace("default").withName("chain-" + i)
              .waitUntilCondition(f -> f != null && f.getStatus() != null && f.getStatus().getPhase() != null
                  && f.getStatus().getPhase().isFinished(), 180, TimeUnit.SECONDS);
          assertEquals(FlowPhase.Succeeded, done.getStatus().getPhase(), "chain-" + i + ": " + done.getStatus().getMessage());
        }
        created.close();
        created.all().forEach((name, n) -> assertEquals(1, n, "Job " + name + " was created " + n + " times"));
        assertEquals(12, created.all().size(), created.all().toString()); // 3 flows x (first, second x2, third)
      }
    } finally {
      if (controller != null) {
        controller.destroyForcibly();
      }
      emulator.destroyForcibly();
    }
  }

  Process startController(Path kubeconfig, Path log) throws Exception {
    String jar = System.getProperty("jobflow.jar", "target/jobflow.jar");
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx384m", "-jar", jar, "controller", "--kubeconfig", kubeconfig.toString(), "--no-webhook",
        "--http-port", "0", "--metrics-port", "0", "--data-dir", dir.resolve("journal").toString()));
    return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
  }

  static int awaitPort(Path log, Process controller) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (System.nanoTime() < deadline && controller.isAlive()) {
      Matcher m = STARTED.matcher(Files.exists(log) ? Files.readString(log) : "");
      if (m.find()) {
        return Integer.parseInt(m.group(1));
      }
      Thread.sleep(200);
    }
    fail("the controller did not start:\n" + (Files.exists(log) ? Files.readString(log) : "(no log)"));
    return -1;
  }

  static void poll(int port, List<String> readiness, AtomicBoolean polling) {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    HttpRequest ready = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/readyz"))
        .timeout(Duration.ofSeconds(10)).build();
    while (polling.get()) {
      try {
        readiness.add(String.valueOf(http.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode()));
      } catch (Exception e) {
        readiness.add("closed");
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  /** "200 x40, 503 x12, closed x30" */
  static String compress(List<String> answers) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < answers.size(); ) {
      int j = i;
      while (j < answers.size() && answers.get(j).equals(answers.get(i))) {
        j++;
      }
      out.append(out.length() == 0 ? "" : ", ").append(answers.get(i)).append(" x").append(j - i);
      i = j;
    }
    return out.toString();
  }
}
