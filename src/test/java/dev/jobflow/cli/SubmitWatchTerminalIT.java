package dev.jobflow.cli;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code jobflow submit --watch} in a real terminal (tmux), as a person runs it: {@code bin/jobflow} (the built
 * jar) against {@code jobflow dev}; the tree is drawn in place and updated while the steps run, and the command
 * ends with the flow's exit code.
 */
class SubmitWatchTerminalIT {
  @TempDir
  Path dir;

  final String session = "watch";

  static final String FLOW = """
      apiVersion: jobflow.dev/v1alpha1
      kind: JobFlow
      metadata: {name: in-a-terminal}
      spec:
        steps:
          - name: first
            template: {template: {spec: {containers: [{name: main, image: busybox, command: [sh, -c, "sleep 4"]}]}}}
          - name: second
            dependsOn: [first]
            template: {backoffLimit: 0, template: {spec: {containers: [{name: main, image: busybox, command: [sh, -c, "sleep 1; exit 3"]}]}}}
        finally:
          - name: tidy
            template: {template: {spec: {containers: [{name: main, image: busybox, command: [sh, -c, "echo tidy"]}]}}}
      """;

  @Test
  void theLiveTreeUpdatesInPlaceAndTheCommandExitsWithTheFlowsOutcome() throws Exception {
    String tmux = RequiredTool.require("tmux", "tmux");
    Process dev = jobflow("dev", "dev", "--port", "0", "--data-dir", dir.resolve("dev").toString());
    try {
      Path kubeconfig = dir.resolve("dev").resolve("dev.kubeconfig");
      Path log = dir.resolve("dev.log");
      await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(200))
          .until(() -> !dev.isAlive() || Files.readString(log).contains("serving until Ctrl-C"));
      assertTrue(dev.isAlive(), Files.readString(log));
      Path flow = dir.resolve("flow.yaml");
      Files.writeString(flow, FLOW);

      run(tmux, "new-session", "-d", "-s", session, "-x", "120", "-y", "40", "-e", "LANG=C.UTF-8", "bash --norc --noprofile");
      // bin/jobflow, as the README has it: the jar was just built, so it runs it (as a client: C1, AppCDS).
      Path launcher = Path.of(jar()).getParent().getParent().resolve("bin").resolve("jobflow");
      run(tmux, "send-keys", "-t", session, "JOBFLOW_JAVA_OPTS=-Xmx256m " + launcher + " submit --watch --kubeconfig "
          + kubeconfig + " " + flow + "; echo EXIT=$?", "Enter");

      // While the first step runs: its line says Running, the next is still Pending.
      String running = awaitPane(tmux, p -> p.matches("(?s).*first\\s+Running\\s+1\\s+\\S+.*second\\s+Pending.*"));
      assertTrue(running.contains("default/in-a-terminal (0/3)"), running);
      // Later, the same tree shows the second step at work (or already failed), the first one done.
      String later = awaitPane(tmux, p -> p.matches("(?s).*second\\s+(Running|Failed)\\s+1.*"));
      assertTrue(later.matches("(?s).*first\\s+Succeeded\\s+1\\s+\\S+.*"), later);

      // The typed command line says "EXIT=$?" too: the answer is a line of its own.
      String done = awaitPane(tmux, p -> p.lines().anyMatch(l -> l.matches("EXIT=\\d+")));
      assertTrue(done.lines().anyMatch("EXIT=1"::equals), done);
      assertTrue(done.matches("(?s).*second\\s+Failed\\s+1\\s+\\S+\\s+BackoffLimitExceeded.*"), done);
      assertTrue(done.matches("(?s).*tidy\\s+Succeeded\\s+1.*"), done);
      assertTrue(done.contains("default/in-a-terminal Failed in "), done);
      // Redrawn in place: one tree on the screen, not one per update.
      assertEquals(1, done.lines().filter(l -> l.matches("NAME\\s+PHASE\\s+ATTEMPT\\s+DURATION\\s+MESSAGE")).count(), done);
      assertTrue(done.contains("├─ first") && done.contains("└─ finally"), "box-drawing branches in a UTF-8 terminal: " + done);
    } finally {
      new ProcessBuilder(tmux, "-S", socket().toString(), "kill-server").start().waitFor(10, TimeUnit.SECONDS);
      dev.destroy();
      if (!dev.waitFor(30, TimeUnit.SECONDS)) {
        dev.destroyForcibly();
      }
    }
  }

  String awaitPane(String tmux, java.util.function.Predicate<String> shown) {
    AtomicReference<String> pane = new AtomicReference<>("");
    try {
      await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(150)).until(() -> {
        pane.set(run(tmux, "capture-pane", "-p", "-t", session));
        return shown.test(pane.get());
      });
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      fail("the terminal never showed what was expected; it shows:\n" + pane.get());
    }
    return pane.get();
  }

  String run(String tmux, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(tmux, "-S", socket().toString()));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
      fail("tmux " + String.join(" ", args) + " failed: " + out);
    }
    return out;
  }

  /** A tmux server of this test's own, its socket in the test's directory (removed with it). */
  Path socket() {
    return dir.resolve("tmux.sock");
  }

  static String jar() {
    return Path.of(System.getProperty("jobflow.jar", "target/jobflow.jar")).toAbsolutePath().toString();
  }

  Process jobflow(String logName, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx512m", "-jar", jar()));
    command.addAll(List.of(args));
    File log = dir.resolve(logName + ".log").toFile();
    return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log).start();
  }
}
