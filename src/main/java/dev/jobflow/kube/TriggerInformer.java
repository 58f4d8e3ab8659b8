package dev.jobflow.kube;

import dev.jobflow.api.JobFlowTrigger;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.ArrayList;
import java.util.List;

/** Every state of every JobFlowTrigger, all namespaces or the ones given. */
public final class TriggerInformer implements AutoCloseable {
  /** Receives every state of every JobFlowTrigger. */
  public interface Listener {
    void onTrigger(JobFlowTrigger trigger);

    void onTriggerGone(JobFlowTrigger lastKnown);
  }

  private final List<SharedIndexInformer<JobFlowTrigger>> informers = new ArrayList<>();

  private TriggerInformer() {}

  public static TriggerInformer start(KubernetesClient client, List<String> namespaces, long resyncMillis,
                                      Listener listener, Runnable onRelist) {
    TriggerInformer ti = new TriggerInformer();
    ti.informers.addAll(Informers.start(client.resources(JobFlowTrigger.class), op -> op, namespaces, resyncMillis,
        onRelist, "jobflowtrigger", listener::onTrigger, listener::onTriggerGone));
    return ti;
  }

  public boolean hasSynced() {
    return informers.stream().allMatch(SharedIndexInformer::hasSynced);
  }

  @Override
  public void close() {
    informers.forEach(SharedIndexInformer::close);
  }
}
