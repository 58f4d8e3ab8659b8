package dev.jobflow.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobSpec;
import io.fabric8.kubernetes.api.model.batch.v1.JobSpecBuilder;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JobFactoryTest {
  static final JobFactory.AttemptIdentity ID =
      new JobFactory.AttemptIdentity("data", "etl-extract-1", "etl", "uid-1", "extract", 1);

  static JobSpec template(String command) {
    return new JobSpecBuilder().withNewTemplate().withNewSpec().withRestartPolicy("Never")
        .addNewContainer().withName("main").withImage("busybox").withCommand("sh", "-c", command).endContainer()
        .endSpec().endTemplate().build();
  }

  @Test
  void substitutesParametersEverywhereAndKeepsQuotesIntact() {
    Job job = JobFactory.build(ID, template("echo {{params.date}} {{ params.quote }} {{params.unknown}}"),
        Map.of("date", "2026-11-23", "quote", "say \"hi\"\n"), Map.of());
    assertEquals("echo 2026-11-23 say \"hi\"\n {{params.unknown}}",
        job.getSpec().getTemplate().getSpec().getContainers().get(0).getCommand().get(2));
  }

  @Test
  void substitutesStepValuesAndMapKeysInOnePass() {
    JobSpec spec = template("train --table={{steps.extract.outputs.table}} --rows={{ steps.extract.outputs.rows }}"
        + " {{params.x}}");
    spec.getTemplate().setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder()
        .withLabels(Map.of("{{params.key}}", "{{params.x}}")).build());
    Job job = JobFactory.build(ID, spec, Map.of("x", "{{params.key}}", "key", "team"),
        Map.of("steps.extract.outputs.table", "t_2026", "steps.extract.outputs.rows", "1200"));
    assertEquals("train --table=t_2026 --rows=1200 {{params.key}}",
        job.getSpec().getTemplate().getSpec().getContainers().get(0).getCommand().get(2),
        "a value is inserted as it is, never substituted again");
    assertEquals("{{params.key}}", job.getSpec().getTemplate().getMetadata().getLabels().get("team"),
        "keys are substituted too");
  }

  @Test
  void labelsJobAndPodsAndOwnsTheJobByTheFlow() {
    Job job = JobFactory.build(ID, template("true"), Map.of(), Map.of());
    assertEquals("jobflow", job.getMetadata().getLabels().get(JobflowLabels.MANAGED_BY));
    assertEquals("1", job.getMetadata().getLabels().get(JobflowLabels.ATTEMPT));
    assertEquals("extract", job.getSpec().getTemplate().getMetadata().getLabels().get(JobflowLabels.STEP));
    var owner = job.getMetadata().getOwnerReferences().get(0);
    assertEquals("uid-1", owner.getUid());
    assertTrue(owner.getController());
    assertTrue(owner.getBlockOwnerDeletion());
    assertEquals("JobFlow", owner.getKind());
  }

  @Test
  void adoptsOnlyJobsWithThisAttemptsLabels() {
    Job ours = JobFactory.build(ID, template("true"), Map.of(), Map.of());
    assertTrue(JobFactory.belongsTo(ours, ID));
    var otherAttempt = new JobFactory.AttemptIdentity("data", "etl-extract-1", "etl", "uid-1", "extract", 2);
    assertFalse(JobFactory.belongsTo(ours, otherAttempt));
    Job foreign = new io.fabric8.kubernetes.api.model.batch.v1.JobBuilder().withNewMetadata()
        .withName("etl-extract-1").endMetadata().build();
    assertFalse(JobFactory.belongsTo(foreign, ID));
  }
}
