package dev.jobflow.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jobflow.api.FanOutStatus;
import dev.jobflow.api.FlowPhase;
import dev.jobflow.api.JobFlow;
import dev.jobflow.api.JobFlowStatus;
import dev.jobflow.api.StepPhase;
import dev.jobflow.dag.Reasons;
import dev.jobflow.step.JobNames;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A fan-out of a few hundred instances through the whole controller and the emulator's simulate executor: each
 * instance's Job is created once, the step's parallelism holds in every status written, the instance counts add up
 * in every status and end right, and the status stays bounded (succeeded instances are counted, not listed).
 */
class FanOutControllerTest {
  static final int INSTANCES = 300;
  static final int PARALLELISM = 40;
  /** Instances whose simulated Job fails: every 100th, from 7. */
  static final List<Integer> FAILING = List.of(7, 107, 207);

  @TempDir
  Path dir;

  static String flow() {
    String items = IntStream.range(0, INSTANCES)
        .mapToObj(i -> FAILING.contains(i) ? "Failed" : "Succeeded").collect(Collectors.joining(", ", "[", "]"));
    return "apiVersion: jobflow.dev/v1alpha1\nkind: JobFlow\nmetadata: {name: wide, namespace: default}\n"
        + "spec:\n  failurePolicy: ContinueIndependent\n  steps:\n"
        + "    - name: shard\n"
        + "      withItems: " + items + "\n"
        + "      parallelism: " + PARALLELISM + "\n"
        + "      template:\n"
        + "        backoffLimit: 0\n"
        + "        template:\n"
        + "          metadata:\n"
        + "            annotations: {sim.jobflow.dev/duration: \"20ms\", sim.jobflow.dev/outcome: \"{{item}}\"}\n"
        + "          spec:\n"
        + "            restartPolicy: Never\n"
        + "            containers: [{name: main, image: busybox, command: [sh, -c, \"work {{index}}\"]}]\n"
        + "    - name: report\n"
        + "      depends: \"shard.AnySucceeded\"\n"
        + "      template:\n"
        + "        template:\n"
        + "          metadata:\n"
        + "            annotations: {sim.jobflow.dev/duration: \"20ms\"}\n"
        + "          spec:\n"
        + "            restartPolicy: Never\n"
        + "            containers: [{name: main, image: busybox, command: [sh, -c, \"report\"]}]\n";
  }

  @Test
  void hundredsOfInstancesRunOnceEachWithinParallelismAndTheirCountsStayRightInABoundedStatus() throws Exception {
    // Bounded from 100 steps on, so this flow (302 steps) gets the large-flow status.
    try (ControllerHarness harness = ControllerHarness.customized(dir,
        s -> s.withStatus(new ControllerSettings.Status(s.status().interval(), 100)));
         JobCreations creations = new JobCreations(harness.client())) {
      List<JobFlowStatus> seen = new CopyOnWriteArrayList<>();
      Watch watch = harness.client().resources(JobFlow.class).inNamespace("default").withName("wide")
          .watch(new Watcher<>() {
            @Override
            public void eventReceived(Action action, JobFlow f) {
              if (f.getStatus() != null) {
                seen.add(f.getStatus());
              }
            }

            @Override
            public void onClose(WatcherException cause) {}
          });
      try {
        harness.submit(flow());
        JobFlow done = harness.await("wide", f -> f.getStatus() != null && f.getStatus().getPhase() == FlowPhase.Failed,
            Duration.ofSeconds(120));
        JobFlowStatus status = done.getStatus();

        // Every instance's Job, and the fan-in step's, was created exactly once.
        Map<String, Integer> created = creations.all();
        for (int i = 0; i < INSTANCES; i++) {
          String job = JobNames.of("wide", "shard-" + i, 1);
          assertEquals(1, created.getOrDefault(job, 0), job + " created once: " + created.size() + " Jobs seen");
        }
        assertEquals(INSTANCES + 1, created.size(), "no other Job: " + created.keySet().stream()
            .filter(n -> !n.startsWith("wide-shard-")).toList());

        // The counts at the end.
        FanOutStatus shard = status.getFanOut().get("shard");
        assertEquals(INSTANCES, shard.getTotal());
        assertEquals(INSTANCES - FAILING.size(), shard.getSucceeded());
        assertEquals(FAILING.size(), shard.getFailed());
        assertEquals(0, shard.getPending() + shard.getRunning() + shard.getRetrying() + shard.getSkipped()
            + shard.getCancelled(), shard.toString());
        assertEquals(Reasons.INSTANCES_FAILED, status.getSteps().get("shard").getReason());
        // Succeeded steps are counted, not listed: the instances and the report that AnySucceeded let run.
        assertEquals(INSTANCES - FAILING.size() + 1, status.getStepCounts().get("Succeeded"), "" + status.getStepCounts());
        assertEquals(1, creations.of(JobNames.of("wide", "report", 1)), "AnySucceeded ran the report");

        // Bounded: the failed instances and the step are listed, the succeeded ones only counted.
        List<String> listed = new ArrayList<>(status.getSteps().keySet());
        assertEquals(List.of("shard", "shard-7", "shard-107", "shard-207").stream().sorted().toList(),
            listed.stream().sorted().toList(), "steps listed");
        assertEquals(StepPhase.Failed, status.getSteps().get("shard-107").getPhase());
        int bytes = Serialization.asJson(done).getBytes(StandardCharsets.UTF_8).length;
        assertTrue(bytes < 16 * 1024, "the JobFlow of " + INSTANCES + " instances is " + bytes + " bytes");

        // Every status written on the way: the counts add up, and the step's parallelism held.
        assertTrue(seen.size() > 1, "statuses seen: " + seen.size());
        int mostRunning = 0;
        for (JobFlowStatus s : seen) {
          FanOutStatus c = s.getFanOut() == null ? null : s.getFanOut().get("shard");
          if (c == null) {
            continue;
          }
          assertEquals(c.getTotal(), c.getPending() + c.getRunning() + c.getRetrying() + c.getSucceeded()
              + c.getFailed() + c.getSkipped() + c.getCancelled(), "counts add up: " + c);
          assertTrue(c.getRunning() <= PARALLELISM, "at most " + PARALLELISM + " running: " + c);
          mostRunning = Math.max(mostRunning, c.getRunning());
        }
        assertTrue(mostRunning > 0, "some status showed instances running");
      } finally {
        watch.close();
      }
    }
  }
}
