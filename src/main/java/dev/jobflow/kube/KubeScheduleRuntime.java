package dev.jobflow.kube;

import dev.jobflow.api.JobFlow;
import dev.jobflow.schedule.ScheduleRuntime;
import dev.jobflow.schedule.ScheduledFlows;
import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/**
 * The schedules' {@link ScheduleRuntime} on a real API server: creates each run's JobFlow by its deterministic
 * name (an existing one with this schedule's uid label is adopted; anything else is a conflict for good), cancels
 * replaced runs with {@code spec.shutdown: Terminate}, deletes runs beyond the history limits. fabric8 calls block,
 * so they run on {@code io}.
 */
public final class KubeScheduleRuntime implements ScheduleRuntime {
  private final KubernetesClient client;
  private final Executor io;

  public KubeScheduleRuntime(KubernetesClient client, Executor io) {
    this.client = client;
    this.io = io;
  }

  @Override
  public CompletionStage<Created> createIfAbsent(JobFlow flow) {
    return CompletableFuture.supplyAsync(() -> create(flow), io);
  }

  private Created create(JobFlow flow) {
    try {
      FlowCreation.Result r = FlowCreation.createOrAdopt(client, flow, ScheduledFlows.SCHEDULE_UID_LABEL, "schedule");
      return new Created(r.uid(), r.adopted());
    } catch (FlowCreation.Refused refused) {
      throw new FlowRefusedException(refused.reason, refused.getMessage());
    }
  }

  @Override
  public CompletionStage<Void> terminate(String namespace, String name, String uid) {
    return CompletableFuture.runAsync(() -> {
      if (current(namespace, name, uid) != null) {
        client.resources(JobFlow.class).inNamespace(namespace).withName(name)
            .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"shutdown\":\"Terminate\"}}");
      }
    }, io);
  }

  @Override
  public CompletionStage<Void> delete(String namespace, String name, String uid) {
    return CompletableFuture.runAsync(() -> {
      if (current(namespace, name, uid) != null) {
        client.resources(JobFlow.class).inNamespace(namespace).withName(name)
            .withPropagationPolicy(DeletionPropagation.BACKGROUND).delete();
      }
    }, io);
  }

  /** The flow of that name if it is still the one meant (same uid when one is given). */
  private JobFlow current(String namespace, String name, String uid) {
    JobFlow f = client.resources(JobFlow.class).inNamespace(namespace).withName(name).get();
    return f == null || (uid != null && !uid.equals(f.getMetadata().getUid())) ? null : f;
  }

}
