package dev.jobflow.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.fabric8.kubernetes.api.model.ManagedFieldsEntryBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SlimJobStoreTest {
  static Job job() {
    return new JobBuilder().withNewMetadata().withName("etl-extract-1").withNamespace("data").withUid("u1")
        .withLabels(Map.of(JobflowLabels.FLOW_UID, "f1", JobflowLabels.STEP, "extract", JobflowLabels.ATTEMPT, "1"))
        .withManagedFields(new ManagedFieldsEntryBuilder().withManager("kubectl").build()).endMetadata()
        .withNewSpec().withBackoffLimit(0).withActiveDeadlineSeconds(60L).withNewTemplate().withNewSpec()
        .addNewContainer().withName("main").withImage("busybox").withCommand("sh", "-c", "echo big").endContainer()
        .endSpec().endTemplate().endSpec()
        .withNewStatus().withSucceeded(1).endStatus().build();
  }

  @Test
  void keepsWhatTheControllerReadsAndDropsThePodTemplate() {
    Job full = job();
    SlimJobStore store = new SlimJobStore();
    store.put(store.getKey(full), full);
    Job cached = store.get("data/etl-extract-1");

    assertEquals("u1", cached.getMetadata().getUid());
    assertEquals("extract", cached.getMetadata().getLabels().get(JobflowLabels.STEP));
    assertSame(full.getStatus(), cached.getStatus());
    assertEquals(0, cached.getSpec().getBackoffLimit());
    assertEquals(60L, cached.getSpec().getActiveDeadlineSeconds());
    assertNull(cached.getSpec().getTemplate(), "the Pod template is not cached");
    assertEquals(0, cached.getMetadata().getManagedFields().size(), "nor are managed fields");
    assertEquals(1, full.getMetadata().getManagedFields().size(), "the Job handed to listeners is left whole");
    assertEquals("busybox", full.getSpec().getTemplate().getSpec().getContainers().get(0).getImage());
  }
}
