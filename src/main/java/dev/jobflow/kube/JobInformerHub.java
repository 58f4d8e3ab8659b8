package dev.jobflow.kube;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One informer for every Job Jobflow manages (label {@code jobflow.dev/managed-by}), fanned out to the step
 * actors that follow them. Never one HTTP watch per step: a 10,000-step flow costs one watch. The informer
 * relists after a watch error or 410 Gone, and its periodic resync delivers every Job again, so a completion
 * that happened while the watch was down still reaches its step.
 */
public final class JobInformerHub implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(JobInformerHub.class);

  /** Receives every state of one Job. */
  public interface JobListener {
    void onJob(Job job);

    void onJobDeleted(Job lastKnown);
  }

  /** A listener's registration; close it to stop receiving. */
  public interface Subscription extends AutoCloseable {
    @Override
    void close();
  }

  private static final String BY_FLOW_UID = "flow-uid";
  private static final String BY_FLOW_STEP = "flow-uid-step";
  private final List<SharedIndexInformer<Job>> informers = new ArrayList<>();
  private final List<CompletableFuture<Void>> started = new ArrayList<>();
  private final Map<String, List<JobListener>> listeners = new ConcurrentHashMap<>();
  private final Runnable onRelist;

  private JobInformerHub(Runnable onRelist) {
    this.onRelist = onRelist;
  }

  /**
   * Starts informers on the given namespaces (all when empty); {@code resyncMillis} re-delivers the cache.
   * {@code onRelist} is told each time a watch broke and the informer had to list again.
   */
  public static JobInformerHub start(KubernetesClient client, List<String> namespaces, long resyncMillis, Runnable onRelist) {
    JobInformerHub hub = new JobInformerHub(onRelist);
    if (namespaces.isEmpty()) {
      hub.add(client.batch().v1().jobs().inAnyNamespace()
          .withLabel(JobflowLabels.MANAGED_BY, JobflowLabels.MANAGED_BY_VALUE).withLimit(InformerPages.SIZE)
          .runnableInformer(resyncMillis));
    } else {
      for (String ns : namespaces) {
        hub.add(client.batch().v1().jobs().inNamespace(ns)
            .withLabel(JobflowLabels.MANAGED_BY, JobflowLabels.MANAGED_BY_VALUE).withLimit(InformerPages.SIZE)
            .runnableInformer(resyncMillis));
      }
    }
    for (SharedIndexInformer<Job> informer : hub.informers) {
      hub.started.add(informer.start().toCompletableFuture());
    }
    return hub;
  }

  private void add(SharedIndexInformer<Job> informer) {
    informer.itemStore(new SlimJobStore());
    // Indexed by flow uid, so a recovering flow finds its Jobs without scanning every Job (10,000 flows recover).
    // And by flow uid and step, so a create's check for a later attempt reads only that step's Jobs: scanning the
    // flow's Jobs on every create made a 100,000-instance fan-out quadratic.
    informer.addIndexers(Map.of(BY_FLOW_UID, job -> {
      String uid = job.getMetadata().getLabels() == null ? null
          : job.getMetadata().getLabels().get(JobflowLabels.FLOW_UID);
      return uid == null ? List.of() : List.of(uid);
    }, BY_FLOW_STEP, job -> {
      Map<String, String> labels = job.getMetadata().getLabels();
      String uid = labels == null ? null : labels.get(JobflowLabels.FLOW_UID);
      String step = labels == null ? null : labels.get(JobflowLabels.STEP);
      return uid == null || step == null ? List.of() : List.of(flowStepKey(uid, step));
    }));
    informer.exceptionHandler((started, error) -> {
      onRelist.run();
      log.info("job watch broke ({}); relisting", error.getMessage());
      return true; // keep retrying: the informer relists with backoff
    });
    informer.addEventHandler(new ResourceEventHandler<>() {
      @Override
      public void onAdd(Job job) {
        deliver(job);
      }

      @Override
      public void onUpdate(Job oldJob, Job newJob) {
        deliver(newJob);
      }

      @Override
      public void onDelete(Job job, boolean finalStateUnknown) {
        for (JobListener l : listenersOf(job)) {
          l.onJobDeleted(job);
        }
      }
    });
    informers.add(informer);
  }

  /** Completes when every informer has listed once. */
  public CompletableFuture<Void> synced() {
    return CompletableFuture.allOf(started.toArray(CompletableFuture[]::new));
  }

  public boolean hasSynced() {
    return informers.stream().allMatch(SharedIndexInformer::hasSynced);
  }

  /** The Job as the informer last saw it, or null. */
  public Job cached(String namespace, String name) {
    for (SharedIndexInformer<Job> informer : informers) {
      Job job = informer.getStore().getByKey(namespace + "/" + name);
      if (job != null) {
        return job;
      }
    }
    return null;
  }

  /** The cached Jobs of the flow with this uid, in every watched namespace. */
  public List<Job> cachedOfFlow(String flowUid) {
    List<Job> out = new ArrayList<>();
    for (SharedIndexInformer<Job> informer : informers) {
      out.addAll(informer.getIndexer().byIndex(BY_FLOW_UID, flowUid));
    }
    return out;
  }

  /** The cached Jobs of one step of the flow with this uid (every attempt), in every watched namespace. */
  public List<Job> cachedOfStep(String flowUid, String step) {
    List<Job> out = new ArrayList<>();
    for (SharedIndexInformer<Job> informer : informers) {
      out.addAll(informer.getIndexer().byIndex(BY_FLOW_STEP, flowStepKey(flowUid, step)));
    }
    return out;
  }

  private static String flowStepKey(String flowUid, String step) {
    return flowUid + "/" + step;
  }

  /** Follows one Job: its cached state is delivered at once when known, then every change. */
  public Subscription subscribe(String namespace, String name, JobListener listener) {
    String key = namespace + "/" + name;
    listeners.computeIfAbsent(key, k -> new CopyOnWriteArrayList<>()).add(listener);
    Job cached = cached(namespace, name);
    if (cached != null) {
      listener.onJob(cached);
    }
    return () -> listeners.computeIfPresent(key, (k, list) -> {
      list.remove(listener);
      return list.isEmpty() ? null : list;
    });
  }

  private void deliver(Job job) {
    for (JobListener l : listenersOf(job)) {
      l.onJob(job);
    }
  }

  private List<JobListener> listenersOf(Job job) {
    List<JobListener> found = listeners.get(job.getMetadata().getNamespace() + "/" + job.getMetadata().getName());
    return found == null ? List.of() : found;
  }

  @Override
  public void close() {
    informers.forEach(SharedIndexInformer::close);
  }
}
