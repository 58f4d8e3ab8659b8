package dev.jobflow.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jobflow.emulator.Emulator;
import dev.jobflow.emulator.EmulatorOptions;
import dev.jobflow.emulator.Faults;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * A Job watch left open that delivers nothing: no error, so the informer never relists by itself and a resync only
 * re-delivers its stale cache. The hub's check of quiet watches must find the change by a list.
 */
class QuietJobWatchTest {
  static final Duration QUIET = Duration.ofMillis(500);

  static Job job(String name) {
    return new JobBuilder().withNewMetadata().withName(name).withNamespace("data")
        .withLabels(Map.of(JobflowLabels.MANAGED_BY, JobflowLabels.MANAGED_BY_VALUE)).endMetadata()
        .withNewSpec().withNewTemplate().withNewSpec().addNewContainer().withName("main").withImage("busybox")
        .endContainer().withRestartPolicy("Never").endSpec().endTemplate().endSpec().build();
  }

  static void complete(KubernetesClient truth, String name) {
    truth.batch().v1().jobs().inNamespace("data").withName(name).editStatus(j -> new JobBuilder(j).editOrNewStatus()
        .withSucceeded(1).addToConditions(new JobConditionBuilder().withType("Complete").withStatus("True").build())
        .endStatus().build());
  }

  @Test
  void aStepWaitingOnASilentWatchHearsOfItsJobThroughARelist() throws Exception {
    try (Emulator emulator = Emulator.start(EmulatorOptions.defaults().withExecutor(EmulatorOptions.ExecutorKind.NONE));
         KubernetesClient controller = new KubernetesClientBuilder().withConfig(emulator.config()).build()) {
      KubernetesClient truth = emulator.client(); // never served a fault
      truth.batch().v1().jobs().inNamespace("data").resource(job("before")).create();
      emulator.faults().add(Faults.Rule.silentWatch("jobs", Duration.ZERO, 1)); // open for good, and mute
      AtomicInteger relists = new AtomicInteger();
      try (JobInformerHub hub = JobInformerHub.start(controller, List.of(), TimeUnit.MINUTES.toMillis(10),
          relists::incrementAndGet, QUIET)) {
        hub.synced().get(30, TimeUnit.SECONDS);
        assertEquals(1, emulator.faults().hits(), "the informer's watch is the silent one");
        AtomicReference<Job> seen = new AtomicReference<>();
        hub.subscribe("data", "before", new JobInformerHub.JobListener() {
          @Override
          public void onJob(Job job) {
            seen.set(job);
          }

          @Override
          public void onJobDeleted(Job lastKnown) {}
        });
        complete(truth, "before");
        truth.batch().v1().jobs().inNamespace("data").resource(job("created-while-silent")).create();

        Awaitility.await("the completion reaches the step").atMost(Duration.ofSeconds(30))
            .until(() -> seen.get().getStatus() != null && Integer.valueOf(1).equals(seen.get().getStatus().getSucceeded()));
        Awaitility.await("the Job created while the watch was silent is cached").atMost(Duration.ofSeconds(10))
            .until(() -> hub.cached("data", "created-while-silent") != null);
        assertTrue(relists.get() >= 1, "the relist is counted");

        int after = relists.get();
        complete(truth, "created-while-silent");
        Awaitility.await("the new watch brings changes again").atMost(Duration.ofSeconds(10)).until(() -> {
          Job j = hub.cached("data", "created-while-silent");
          return j.getStatus() != null && Integer.valueOf(1).equals(j.getStatus().getSucceeded());
        });
        assertEquals(after, relists.get(), "a watch that works is not relisted");
      }
    }
  }

  @Test
  void aQuietWatchThatMissedNothingIsNotRelisted() throws Exception {
    try (Emulator emulator = Emulator.start(EmulatorOptions.defaults().withExecutor(EmulatorOptions.ExecutorKind.NONE));
         KubernetesClient controller = new KubernetesClientBuilder().withConfig(emulator.config()).build()) {
      emulator.client().batch().v1().jobs().inNamespace("data").resource(job("running")).create();
      AtomicInteger relists = new AtomicInteger();
      long listsBefore;
      try (JobInformerHub hub = JobInformerHub.start(controller, List.of(), TimeUnit.MINUTES.toMillis(10),
          relists::incrementAndGet, QUIET)) {
        hub.synced().get(30, TimeUnit.SECONDS);
        hub.subscribe("data", "running", new JobInformerHub.JobListener() {
          @Override
          public void onJob(Job job) {}

          @Override
          public void onJobDeleted(Job lastKnown) {}
        });
        listsBefore = emulator.faults().requests();
        // A step waits on a running Job that does not change: the watch is quiet, a list finds it up to date.
        Awaitility.await("a quiet period's list").atMost(Duration.ofSeconds(10))
            .until(() -> emulator.faults().requests() >= listsBefore + 2);
        assertEquals(0, relists.get());
      }
    }
  }
}
