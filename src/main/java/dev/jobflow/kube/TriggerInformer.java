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
  private final Listener listener;

  private TriggerInformer(Listener listener) {
    this.listener = listener;
  }

  public static TriggerInformer start(KubernetesClient client, List<String> namespaces, long resyncMillis,
                                      Listener listener, Runnable onRelist) {
    TriggerInformer ti = new TriggerInformer(listener);
    ti.informers.addAll(Informers.start(client.resources(JobFlowTrigger.class), op -> op, namespaces, resyncMillis,
        onRelist, "jobflowtrigger", listener::onTrigger, listener::onTriggerGone));
    return ti;
  }

  /**
   * Hands the listener the JobFlowTrigger of this uid again, as the cache has it (nothing when the cache does not
   * have it, e.g. not synced yet: its initial list delivers it then).
   */
  public void redeliver(String uid) {
    for (SharedIndexInformer<JobFlowTrigger> informer : informers) {
      for (JobFlowTrigger trigger : informer.getStore().list()) {
        if (uid.equals(trigger.getMetadata().getUid())) {
          listener.onTrigger(trigger);
        }
      }
    }
  }

  public boolean hasSynced() {
    return informers.stream().allMatch(SharedIndexInformer::hasSynced);
  }

  @Override
  public void close() {
    informers.forEach(SharedIndexInformer::close);
  }
}
