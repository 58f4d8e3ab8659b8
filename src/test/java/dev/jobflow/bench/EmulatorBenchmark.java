package dev.jobflow.bench;

import dev.jobflow.emulator.Emulator;
import dev.jobflow.emulator.EmulatorOptions;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * How many Jobs the emulator with the simulate executor carries through to Complete per second, as
 * a controller sees it (creates, then an informer waits for every Complete condition). Tells the
 * controller's integration tests and {@code jobflow dev} how big a flow the emulator can run.
 *
 * <p>{@code bin/bench EmulatorBenchmark [JOBS] [pods=true|false]}
 */
public final class EmulatorBenchmark {
  public static void main(String[] args) throws Exception {
    int jobs = args.length > 0 ? Integer.parseInt(args[0]) : 500;
    boolean pods = args.length <= 1 || !args[1].equals("pods=false");
    for (int round = 1; round <= 2; round++) {
      try (Emulator emulator = Emulator.start(EmulatorOptions.defaults().withCreatePods(pods))) {
        KubernetesClient client = emulator.client();
        Set<String> done = ConcurrentHashMap.newKeySet();
        CountDownLatch all = new CountDownLatch(jobs);
        SharedIndexInformer<Job> informer = client.batch().v1().jobs().inform(new ResourceEventHandler<>() {
          @Override
          public void onAdd(Job j) {
            check(j);
          }

          @Override
          public void onUpdate(Job o, Job j) {
            check(j);
          }

          @Override
          public void onDelete(Job j, boolean unknown) {}

          private void check(Job j) {
            if (j.getStatus() != null && j.getStatus().getConditions() != null
                && j.getStatus().getConditions().stream().anyMatch(c -> c.getType().equals("Complete"))
                && done.add(j.getMetadata().getName())) {
              all.countDown();
            }
          }
        });
        long start = System.nanoTime();
        for (int i = 0; i < jobs; i++) {
          client.batch().v1().jobs().resource(new JobBuilder().withNewMetadata().withName("bench-" + i)
              .addToLabels("jobflow.dev/attempt", "1").endMetadata()
              .withNewSpec().withNewTemplate().withNewMetadata().addToAnnotations("sim.jobflow.dev/duration", "0s")
              .endMetadata().withNewSpec().withRestartPolicy("Never").addNewContainer().withName("main")
              .withImage("busybox").endContainer().endSpec().endTemplate().endSpec().build()).create();
        }
        long created = System.nanoTime();
        boolean finished = all.await(10, TimeUnit.MINUTES);
        long end = System.nanoTime();
        informer.close();
        System.out.printf("round %d: %d Jobs (pods=%s): created in %.2fs (%.0f creates/s), all Complete after %.2fs "
                + "(%.0f Jobs/s end to end)%s%n", round, jobs, pods, (created - start) / 1e9,
            jobs / ((created - start) / 1e9), (end - start) / 1e9, jobs / ((end - start) / 1e9),
            finished ? "" : " - TIMED OUT, " + done.size() + " complete");
      }
    }
    System.out.printf("machine: %d cores, load average %.1f%n", Runtime.getRuntime().availableProcessors(),
        java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
  }
}
