package dev.jobflow.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The executors, seen as the controller sees them: through Job status conditions. */
class JobRunnerTest {
  @TempDir
  static Path data;
  static Emulator simulate;
  static Emulator process;

  @BeforeAll
  static void start() {
    simulate = Emulator.start(EmulatorOptions.defaults().withExecutor(EmulatorOptions.ExecutorKind.SIMULATE));
    process = Emulator.start(EmulatorOptions.defaults().withExecutor(EmulatorOptions.ExecutorKind.PROCESS)
        .withDataDir(data));
  }

  @AfterAll
  static void stop() {
    simulate.close();
    process.close();
  }

  static Job simulated(String name, int attempt, String duration, String outcome) {
    JobBuilder b = new JobBuilder().withNewMetadata().withName(name)
        .addToLabels("jobflow.dev/attempt", String.valueOf(attempt)).endMetadata()
        .withNewSpec().withNewTemplate().withNewMetadata().endMetadata().withNewSpec().withRestartPolicy("Never")
        .addNewContainer().withName("main").withImage("busybox").endContainer().endSpec().endTemplate().endSpec();
    Job job = b.build();
    Map<String, String> annotations = new java.util.HashMap<>();
    if (duration != null) {
      annotations.put(SimulateExecutor.DURATION, duration);
    }
    if (outcome != null) {
      annotations.put(SimulateExecutor.OUTCOME, outcome);
    }
    job.getSpec().getTemplate().getMetadata().setAnnotations(annotations);
    return job;
  }

  static Job command(String name, int backoffLimit, Long deadline, String... argv) {
    return new JobBuilder().withNewMetadata().withName(name).endMetadata()
        .withNewSpec().withBackoffLimit(backoffLimit).withActiveDeadlineSeconds(deadline)
        .withNewTemplate().withNewSpec().withRestartPolicy("Never")
        .addNewContainer().withName("main").withImage("busybox").withCommand(argv)
        .withEnv(new EnvVarBuilder().withName("GREETING").withValue("hello").build()).endContainer()
        .endSpec().endTemplate().endSpec().build();
  }

  /** Waits for the Job's Complete or Failed condition and returns the Job. */
  static Job finished(KubernetesClient client, String name) {
    return client.batch().v1().jobs().withName(name).waitUntilCondition(j -> j != null && j.getStatus() != null
        && j.getStatus().getConditions() != null && j.getStatus().getConditions().stream()
        .anyMatch(c -> (c.getType().equals("Complete") || c.getType().equals("Failed")) && c.getStatus().equals("True")),
        60, TimeUnit.SECONDS);
  }

  static List<String> conditions(Job job) {
    return job.getStatus().getConditions().stream().map(c -> c.getType() + ":" + c.getReason()).toList();
  }

  @Test
  void simulateReadsTheOutcomeOfEachAttempt() {
    KubernetesClient c = simulate.client();
    c.batch().v1().jobs().resource(simulated("sim-1", 1, "100ms", "Failed, Failed ,Succeeded")).create();
    c.batch().v1().jobs().resource(simulated("sim-2", 2, "100ms", "Failed, Failed ,Succeeded")).create();
    c.batch().v1().jobs().resource(simulated("sim-3", 3, "100ms", "Failed, Failed ,Succeeded")).create();
    c.batch().v1().jobs().resource(simulated("sim-9", 9, "100ms", "Failed,Succeeded")).create();
    c.batch().v1().jobs().resource(simulated("sim-default", 1, null, null)).create();

    Job first = finished(c, "sim-1");
    assertEquals(List.of("FailureTarget:BackoffLimitExceeded", "Failed:BackoffLimitExceeded"), conditions(first));
    assertEquals(1, first.getStatus().getFailed());
    assertNull(first.getStatus().getCompletionTime());
    assertNull(first.getStatus().getActive());
    assertEquals("Failed:BackoffLimitExceeded", conditions(finished(c, "sim-2")).get(1));
    Job third = finished(c, "sim-3");
    assertEquals(List.of("SuccessCriteriaMet:CompletionsReached", "Complete:CompletionsReached"), conditions(third));
    assertEquals(1, third.getStatus().getSucceeded());
    assertNotNull(third.getStatus().getStartTime());
    assertNotNull(third.getStatus().getCompletionTime());
    assertEquals("Complete:CompletionsReached", conditions(finished(c, "sim-9")).get(1), "the last outcome holds");

    Job dflt = finished(c, "sim-default");
    assertEquals("Complete:CompletionsReached", conditions(dflt).get(1));
    Duration took = Duration.between(Instant.parse(dflt.getStatus().getStartTime()),
        Instant.parse(dflt.getStatus().getCompletionTime()));
    assertTrue(!took.isNegative() && took.getSeconds() <= 3, "default duration is 1s, completion recorded: " + took);

    List<Pod> pods = c.pods().withLabel("batch.kubernetes.io/job-name", "sim-3").list().getItems();
    assertEquals(1, pods.size());
    assertEquals("Succeeded", pods.get(0).getStatus().getPhase());
    assertEquals("sim-3", pods.get(0).getMetadata().getOwnerReferences().get(0).getName());
  }

  @Test
  void simulateSeesTheJobActiveWhileItRuns() {
    KubernetesClient c = simulate.client();
    c.batch().v1().jobs().resource(simulated("sim-long", 1, "30s", "Succeeded")).create();
    Job running = c.batch().v1().jobs().withName("sim-long").waitUntilCondition(
        j -> j.getStatus() != null && Integer.valueOf(1).equals(j.getStatus().getActive()), 20, TimeUnit.SECONDS);
    assertNotNull(running.getStatus().getStartTime());
    assertTrue(running.getStatus().getConditions() == null || running.getStatus().getConditions().isEmpty(),
        "no condition while it runs");
    c.batch().v1().jobs().withName("sim-long").delete();
  }

  @Test
  void aDeletedSimulatedJobStaysDeleted() throws Exception {
    KubernetesClient c = simulate.client();
    c.batch().v1().jobs().resource(simulated("sim-deleted", 1, "1s", "Succeeded")).create();
    c.batch().v1().jobs().withName("sim-deleted").waitUntilCondition(
        j -> j != null && j.getStatus() != null && Integer.valueOf(1).equals(j.getStatus().getActive()), 20, TimeUnit.SECONDS);
    assertEquals(1, c.batch().v1().jobs().withName("sim-deleted")
        .withPropagationPolicy(io.fabric8.kubernetes.api.model.DeletionPropagation.BACKGROUND).delete().size());
    // Past the moment its attempt would have ended: no completion is written to it, nothing brings it back.
    Thread.sleep(1500);
    assertNull(c.batch().v1().jobs().withName("sim-deleted").get(), "a deleted Job is never re-created");
    // The garbage collector deletes its pods in the background: on a loaded machine, after a while.
    c.pods().withLabel("job-name", "sim-deleted").informOnCondition(List::isEmpty).get(30, TimeUnit.SECONDS);
  }

  @Test
  void simulateHonoursActiveDeadlineSeconds() {
    KubernetesClient c = simulate.client();
    Job job = simulated("sim-deadline", 1, "1h", "Succeeded");
    job.getSpec().setActiveDeadlineSeconds(1L);
    c.batch().v1().jobs().resource(job).create();
    assertEquals(List.of("FailureTarget:DeadlineExceeded", "Failed:DeadlineExceeded"), conditions(finished(c, "sim-deadline")));
  }

  @Test
  void processRunsTheCommandWithItsEnvAndLogs() throws Exception {
    KubernetesClient c = process.client();
    c.batch().v1().jobs().resource(command("proc-ok", 0, null, "sh", "-c",
        "echo \"$GREETING from $(basename \"$PWD\")\"; touch made-here")).create();
    Job done = finished(c, "proc-ok");
    assertEquals("Complete:CompletionsReached", conditions(done).get(1));
    Path log = data.resolve("logs/default/proc-ok.log");
    String text = Files.readString(log);
    Pod pod = c.pods().withLabel("job-name", "proc-ok").list().getItems().get(0);
    assertTrue(text.contains("hello from " + pod.getMetadata().getName()), text);
    assertTrue(Files.exists(data.resolve("work/default/" + pod.getMetadata().getName() + "/made-here")),
        "each pod runs in its own working directory under the data dir");
    assertEquals(0, pod.getStatus().getContainerStatuses().get(0).getState().getTerminated().getExitCode());
  }

  @Test
  void processRetriesFailuresUpToTheBackoffLimit() throws Exception {
    KubernetesClient c = process.client();
    c.batch().v1().jobs().resource(command("proc-fail", 2, null, "sh", "-c", "echo try; exit 3")).create();
    Job failed = finished(c, "proc-fail");
    assertEquals(List.of("FailureTarget:BackoffLimitExceeded", "Failed:BackoffLimitExceeded"), conditions(failed));
    assertEquals(3, failed.getStatus().getFailed(), "the first run and backoffLimit=2 retries");
    // The Job's status is written as its last pod ends: the pods' own status and the log may land just after.
    org.awaitility.Awaitility.await("3 terminated pods and their log").atMost(Duration.ofSeconds(30)).until(() ->
        c.pods().withLabel("job-name", "proc-fail").list().getItems().stream().filter(p -> p.getStatus() != null
            && p.getStatus().getContainerStatuses() != null && !p.getStatus().getContainerStatuses().isEmpty()
            && p.getStatus().getContainerStatuses().get(0).getState().getTerminated() != null).count() == 3
        && Files.readString(data.resolve("logs/default/proc-fail.log")).lines().filter("try"::equals).count() == 3);
    List<Pod> pods = c.pods().withLabel("job-name", "proc-fail").list().getItems();
    assertEquals(3, pods.size());
    pods.forEach(p -> assertEquals(3, p.getStatus().getContainerStatuses().get(0).getState().getTerminated().getExitCode()));

    // A flaky command succeeds on its second run.
    c.batch().v1().jobs().resource(command("proc-flaky", 1, null, "sh", "-c",
        "if [ -f ../flaky-marker ]; then exit 0; else touch ../flaky-marker; exit 1; fi")).create();
    Job flaky = finished(c, "proc-flaky");
    assertEquals("Complete:CompletionsReached", conditions(flaky).get(1));
    assertEquals(1, flaky.getStatus().getFailed());
    assertEquals(1, flaky.getStatus().getSucceeded());

    c.batch().v1().jobs().resource(command("proc-noretry", 0, null, "false")).create();
    assertEquals(1, finished(c, "proc-noretry").getStatus().getFailed(), "backoffLimit 0 fails on the first error");
  }

  @Test
  void processIsKilledAtTheDeadline() throws Exception {
    KubernetesClient c = process.client();
    Path pidFile = data.resolve("deadline.pid");
    c.batch().v1().jobs().resource(command("proc-deadline", 6, 1L, "sh", "-c",
        "echo $$ > " + pidFile + "; exec sleep 60")).create();
    Job failed = finished(c, "proc-deadline");
    JobCondition last = failed.getStatus().getConditions().get(1);
    assertEquals("Failed", last.getType());
    assertEquals("DeadlineExceeded", last.getReason());
    assertEquals(1, failed.getStatus().getFailed());
    long pid = Long.parseLong(Files.readString(pidFile).trim());
    assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "the process was killed");
  }

  @Test
  void deletingARunningJobKillsItsProcess() throws Exception {
    KubernetesClient c = process.client();
    Path pidFile = data.resolve("deleted.pid");
    c.batch().v1().jobs().resource(command("proc-deleted", 0, null, "sh", "-c",
        "echo $$ > " + pidFile + ".tmp && mv " + pidFile + ".tmp " + pidFile + "; exec sleep 60")).create();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!Files.exists(pidFile) && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    long pid = Long.parseLong(Files.readString(pidFile).trim());
    assertTrue(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
    c.batch().v1().jobs().withName("proc-deleted").delete();
    while (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false) && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "deleting the Job killed it");
    assertTrue(c.pods().withLabel("job-name", "proc-deleted").list().getItems().isEmpty(), "its pods went with it");
  }
}
