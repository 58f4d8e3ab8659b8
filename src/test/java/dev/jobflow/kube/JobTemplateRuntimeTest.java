package dev.jobflow.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jobflow.emulator.Emulator;
import dev.jobflow.emulator.EmulatorOptions;
import dev.jobflow.step.AttemptSpec;
import dev.jobflow.step.JobKey;
import dev.jobflow.step.JobRejectedException;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * An attempt carries its template as the journal's JSON text, parsed only when its Job is built: the Job created is
 * the one the text describes, with parameters substituted, and a text that is no JobSpec (admission lets none through:
 * an old journal) is refused as the API server refuses an invalid Job, so the attempt fails instead of retrying.
 */
class JobTemplateRuntimeTest {
  static final String TEMPLATE = "{\"template\":{\"spec\":{\"restartPolicy\":\"Never\",\"containers\":"
      + "[{\"name\":\"main\",\"image\":\"busybox:{{params.tag}}\"}]}}}";

  static AttemptSpec attempt(String job, String template) {
    return new AttemptSpec(new JobKey("data", job), "flow", "uid-1", "extract", 1, template, Map.of("tag", "1.36"),
        Map.of(), false);
  }

  @Test
  void theJobIsBuiltFromTheTextAndATextThatIsNoJobSpecIsRefusedAs422() throws Exception {
    ExecutorService io = Executors.newFixedThreadPool(2);
    try (Emulator emulator = Emulator.start(EmulatorOptions.defaults().withExecutor(EmulatorOptions.ExecutorKind.NONE));
         KubernetesClient client = new KubernetesClientBuilder().withConfig(emulator.config()).build();
         JobInformerHub hub = JobInformerHub.start(client, List.of(), TimeUnit.MINUTES.toMillis(10), () -> {},
             java.time.Duration.ZERO)) {
      hub.synced().get(30, TimeUnit.SECONDS);
      KubeJobRuntime runtime = new KubeJobRuntime(client, hub, io, Clock.systemUTC());

      runtime.createIfAbsent(attempt("flow-extract-1", TEMPLATE)).toCompletableFuture().get(30, TimeUnit.SECONDS);
      Job created = client.batch().v1().jobs().inNamespace("data").withName("flow-extract-1").get();
      assertEquals("busybox:1.36", created.getSpec().getTemplate().getSpec().getContainers().get(0).getImage());

      ExecutionException refused = assertThrows(ExecutionException.class, () -> runtime
          .createIfAbsent(attempt("flow-extract-2", "{\"template\": 42}")).toCompletableFuture()
          .get(30, TimeUnit.SECONDS));
      JobRejectedException rejected = assertInstanceOf(JobRejectedException.class, refused.getCause());
      assertEquals(422, rejected.code());
      assertTrue(rejected.getMessage().contains("step extract: the template is not a batch/v1 JobSpec"),
          rejected.getMessage());
      assertEquals(null, client.batch().v1().jobs().inNamespace("data").withName("flow-extract-2").get());
    } finally {
      io.shutdownNow();
    }
  }
}
