package dev.jobflow.controller;

import dev.jobflow.api.ApprovalAnnotations;
import dev.jobflow.api.JobFlow;
import dev.jobflow.api.RetryRequest;
import dev.jobflow.kube.InformerPages;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One informer for JobFlows (all namespaces, or the ones given) that hands the controller what its flows' entities
 * must hear of: a new flow, a new spec (a new {@code metadata.generation}), a deletion, and every flow again on each
 * resync. Changes the controller made itself (status writes, the finalizer) come back as updates too: those
 * {@linkplain #reachesTheEngine do not reach the engine} but go to {@link Listener#onStatusOrMetadata}, which compares
 * the status with what the controller wrote, so a status write costs one API call, not a round of validation and a
 * whole status written again, and a status someone else wrote is still noticed.
 */
public final class FlowInformer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(FlowInformer.class);

  /** Receives the states of JobFlows the engine must hear of. */
  public interface Listener {
    /** Added, its spec changed, being deleted, or re-delivered by a resync. */
    void onFlow(JobFlow flow);

    /** Only its status or metadata changed: most often the controller's own write, perhaps someone else's. */
    void onStatusOrMetadata(JobFlow flow);

    /** Gone from the API server (after its finalizers were removed). */
    void onFlowGone(JobFlow lastKnown);
  }

  private static final String UID_INDEX = "uid";

  private final List<SharedIndexInformer<JobFlow>> informers = new ArrayList<>();
  private final List<CompletableFuture<Void>> started = new ArrayList<>();

  private FlowInformer() {}

  public static FlowInformer start(KubernetesClient client, List<String> namespaces, long resyncMillis,
      Listener listener, Runnable onRelist) {
    FlowInformer fi = new FlowInformer();
    var resources = client.resources(JobFlow.class);
    if (namespaces.isEmpty()) {
      fi.informers.add(resources.inAnyNamespace().withLimit(InformerPages.SIZE).runnableInformer(resyncMillis));
    } else {
      for (String ns : namespaces) {
        fi.informers.add(resources.inNamespace(ns).withLimit(InformerPages.SIZE).runnableInformer(resyncMillis));
      }
    }
    for (SharedIndexInformer<JobFlow> informer : fi.informers) {
      informer.addIndexers(java.util.Map.of(UID_INDEX, flow -> List.of(flow.getMetadata().getUid())));
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
          if (reachesTheEngine(oldFlow, newFlow)) {
            listener.onFlow(newFlow);
          } else {
            listener.onStatusOrMetadata(newFlow);
          }
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

  /**
   * Whether an update means something to the flow's entity: a resync (the same resourceVersion again: it lets a
   * controller that missed its last status write send it again), a new spec generation, a new retry request or approval decision (annotations,
   * which change no generation), or the start of a deletion. Anything else is a change of status or metadata,
   * most often the controller's own.
   */
  static boolean reachesTheEngine(JobFlow before, JobFlow after) {
    var was = before.getMetadata();
    var now = after.getMetadata();
    return Objects.equals(was.getResourceVersion(), now.getResourceVersion())
        || !Objects.equals(was.getGeneration(), now.getGeneration())
        || !Objects.equals(RetryRequest.from(was.getAnnotations()), RetryRequest.from(now.getAnnotations()))
        || !ApprovalAnnotations.decisionValues(was.getAnnotations())
            .equals(ApprovalAnnotations.decisionValues(now.getAnnotations()))
        || (now.getDeletionTimestamp() != null && !now.getDeletionTimestamp().equals(was.getDeletionTimestamp()));
  }

  public CompletableFuture<Void> synced() {
    return CompletableFuture.allOf(started.toArray(CompletableFuture[]::new));
  }

  public boolean hasSynced() {
    return informers.stream().allMatch(SharedIndexInformer::hasSynced);
  }

  /** The JobFlow of this uid in the informer's cache, if there. */
  public java.util.Optional<JobFlow> byUid(String uid) {
    for (SharedIndexInformer<JobFlow> informer : informers) {
      List<JobFlow> found = informer.getIndexer().byIndex(UID_INDEX, uid);
      if (!found.isEmpty()) {
        return java.util.Optional.of(found.get(0));
      }
    }
    return java.util.Optional.empty();
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
