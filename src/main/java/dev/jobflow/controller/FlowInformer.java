package dev.jobflow.kube;

import dev.jobflow.api.JobFlow;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One informer for JobFlows (all namespaces, or the ones given) that hands every add, update, resync and
 * delete to the controller, which routes it to the flow's entity by uid.
 */
public final class FlowInformer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(FlowInformer.class);

  /** Receives every state of every JobFlow. */
  public interface FlowListener {
    /** Added, changed, or re-delivered by a resync. */
    void onFlow(JobFlow flow);

    /** Gone from the API server (after its finalizers were removed). */
    void onFlowGone(JobFlow lastKnown);
  }

  private final List<SharedIndexInformer<JobFlow>> informers = new ArrayList<>();
  private final List<CompletableFuture<Void>> started = new ArrayList<>();

  private FlowInformer() {}

  public static FlowInformer start(KubernetesClient client, List<String> namespaces, long resyncMillis,
      FlowListener listener, Runnable onRelist) {
    FlowInformer fi = new FlowInformer();
    var resources = client.resources(JobFlow.class);
    if (namespaces.isEmpty()) {
      fi.informers.add(resources.inAnyNamespace().runnableInformer(resyncMillis));
    } else {
      for (String ns : namespaces) {
        fi.informers.add(resources.inNamespace(ns).runnableInformer(resyncMillis));
      }
    }
    for (SharedIndexInformer<JobFlow> informer : fi.informers) {
      informer.exceptionHandler((isStarted, error) -> {
        onRelist.run();
        log.info("jobflow watch broke ({}); relisting", error.getMessage());
        return true;
      });
      informer.addEventHandler(new ResourceEventHandler<>() {
        @Override
        public void onAdd(JobFlow flow) {
          listener.onFlow(flow);
        }

        @Override
        public void onUpdate(JobFlow oldFlow, JobFlow newFlow) {
          listener.onFlow(newFlow);
        }

        @Override
        public void onDelete(JobFlow flow, boolean finalStateUnknown) {
          listener.onFlowGone(flow);
        }
      });
      fi.started.add(informer.start().toCompletableFuture());
    }
    return fi;
  }

  public CompletableFuture<Void> synced() {
    return CompletableFuture.allOf(started.toArray(CompletableFuture[]::new));
  }

  public boolean hasSynced() {
    return informers.stream().allMatch(SharedIndexInformer::hasSynced);
  }

  /** Every JobFlow in the informer's cache. */
  public List<JobFlow> list() {
    List<JobFlow> all = new ArrayList<>();
    informers.forEach(i -> all.addAll(i.getStore().list()));
    return all;
  }

  @Override
  public void close() {
    informers.forEach(SharedIndexInformer::close);
  }
}
