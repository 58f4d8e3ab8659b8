package dev.jobflow.kube;

import dev.jobflow.api.JobFlow;
import dev.jobflow.trigger.TriggerRuntime;
import dev.jobflow.trigger.TriggeredFlows;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/** The triggers' {@link TriggerRuntime} on a real API server: each accepted firing's JobFlow, created or adopted. */
public final class KubeTriggerRuntime implements TriggerRuntime {
  private final KubernetesClient client;
  private final Executor io;

  public KubeTriggerRuntime(KubernetesClient client, Executor io) {
    this.client = client;
    this.io = io;
  }

  @Override
  public CompletionStage<Created> createIfAbsent(JobFlow flow) {
    return CompletableFuture.supplyAsync(() -> {
      try {
        FlowCreation.Result r = FlowCreation.createOrAdopt(client, flow, TriggeredFlows.TRIGGER_UID_LABEL, "trigger");
        return new Created(r.uid(), r.adopted());
      } catch (FlowCreation.Refused refused) {
        throw new FlowRefusedException(refused.reason, refused.getMessage());
      }
    }, io);
  }
}
