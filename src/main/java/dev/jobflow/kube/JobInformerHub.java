package dev.jobflow.kube;

import dev.jobflow.step.JobState;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobList;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.dsl.FilterWatchListDeletable;
import io.fabric8.kubernetes.client.dsl.ScalableResource;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
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
  private final List<Slot> slots = new ArrayList<>();
  private final List<CompletableFuture<Void>> started = new ArrayList<>();
  private final Map<String, List<JobListener>> listeners = new ConcurrentHashMap<>();
  private final long resyncMillis;
  private final Runnable onRelist;
  private final ScheduledExecutorService audits;

  /** The Jobs of one namespace (or all): what it lists and watches, and the informer doing so now. */
  private static final class Slot {
    final FilterWatchListDeletable<Job, JobList, ScalableResource<Job>> jobs;
    volatile SharedIndexInformer<Job> informer;
    /** When the informer last brought a change (a resync's re-delivery is none). */
    volatile long lastChangeNanos = System.nanoTime();
    volatile boolean relisting;

    Slot(FilterWatchListDeletable<Job, JobList, ScalableResource<Job>> jobs) {
      this.jobs = jobs;
    }
  }

  private JobInformerHub(long resyncMillis, Runnable onRelist, Duration quietWatch) {
    this.resyncMillis = resyncMillis;
    this.onRelist = onRelist;
    if (quietWatch.isZero()) {
      audits = null;
      return;
    }
    audits = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "job-cache-audit");
      t.setDaemon(true);
      return t;
    });
    long every = Math.max(1, quietWatch.toMillis());
    audits.scheduleWithFixedDelay(() -> auditQuiet(quietWatch), every, every, TimeUnit.MILLISECONDS);
  }

  /**
   * Starts informers on the given namespaces (all when empty); {@code resyncMillis} re-delivers the cache.
   * {@code onRelist} is told each time a watch broke and the informer had to list again. A watch that brought no
   * change for {@code quietWatch} while a cached Job is unfinished is checked against a list, and the informer
   * relists when it fell behind (zero: never checked).
   */
  public static JobInformerHub start(KubernetesClient client, List<String> namespaces, long resyncMillis,
                                     Runnable onRelist, Duration quietWatch) {
    JobInformerHub hub = new JobInformerHub(resyncMillis, onRelist, quietWatch);
    if (namespaces.isEmpty()) {
      hub.add(client.batch().v1().jobs().inAnyNamespace()
          .withLabel(JobflowLabels.MANAGED_BY, JobflowLabels.MANAGED_BY_VALUE));
    } else {
      for (String ns : namespaces) {
        hub.add(client.batch().v1().jobs().inNamespace(ns)
            .withLabel(JobflowLabels.MANAGED_BY, JobflowLabels.MANAGED_BY_VALUE));
      }
    }
    for (Slot slot : hub.slots) {
      hub.started.add(slot.informer.start().toCompletableFuture());
    }
    return hub;
  }

  /** As {@link #start(KubernetesClient, List, long, Runnable, Duration)}, without checking quiet watches. */
  public static JobInformerHub start(KubernetesClient client, List<String> namespaces, long resyncMillis,
                                     Runnable onRelist) {
    return start(client, namespaces, resyncMillis, onRelist, Duration.ZERO);
  }

  private void add(FilterWatchListDeletable<Job, JobList, ScalableResource<Job>> jobs) {
    Slot slot = new Slot(jobs);
    slot.informer = informerOf(slot);
    slots.add(slot);
  }

  private SharedIndexInformer<Job> informerOf(Slot slot) {
    SharedIndexInformer<Job> informer = slot.jobs.withLimit(InformerPages.SIZE).runnableInformer(resyncMillis);
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
        slot.lastChangeNanos = System.nanoTime();
        deliver(job);
      }

      @Override
      public void onUpdate(Job oldJob, Job newJob) {
        if (!Objects.equals(oldJob.getMetadata().getResourceVersion(), newJob.getMetadata().getResourceVersion())) {
          slot.lastChangeNanos = System.nanoTime();
        }
        deliver(newJob);
      }

      @Override
      public void onDelete(Job job, boolean finalStateUnknown) {
        slot.lastChangeNanos = System.nanoTime();
        for (JobListener l : listenersOf(job)) {
          l.onJobDeleted(job);
        }
      }
    });
    return informer;
  }

  /**
   * Checks each watch that brought no change for {@code quiet} while a step waits for news of its Job (not cached
   * yet, or unfinished): quiet is what a silent watch looks like, and also what a cluster at rest looks like, so a
   * list decides. A busy watch is never checked, nor a quiet one when no step waits.
   */
  private void auditQuiet(Duration quiet) {
    if (!aStepWaits()) {
      return;
    }
    for (Slot slot : slots) {
      try {
        SharedIndexInformer<Job> informer = slot.informer;
        if (slot.relisting || !informer.hasSynced() || System.nanoTime() - slot.lastChangeNanos < quiet.toNanos()) {
          continue;
        }
        slot.lastChangeNanos = System.nanoTime(); // one list per quiet period, whatever it finds
        Listed listed = list(slot);
        List<String> behind = CacheAudit.behind(versions(informer.getStore().list()), listed.versions(),
            listed.version());
        if (!behind.isEmpty()) {
          log.warn("the job watch brought no change for {} s, but the API server has {} Job(s) the cache lacks or "
              + "holds older (e.g. {}); relisting", quiet.toSeconds(), behind.size(), behind.get(0));
          relist(slot);
        }
      } catch (RuntimeException e) {
        log.info("could not check the job cache against a list ({}); trying again in {} s", e.getMessage(),
            quiet.toSeconds());
      }
    }
  }

  /** The resourceVersion of every Job a list found, by key, and the list's own. */
  private record Listed(Map<String, String> versions, String version) {}

  /** Every Job of the slot as the API server has it now, read in pages. */
  private static Listed list(Slot slot) {
    Map<String, String> out = new HashMap<>();
    String next = null;
    String version = null;
    do {
      JobList page = slot.jobs.list(new ListOptionsBuilder().withLimit((long) InformerPages.SIZE)
          .withContinue(next).build());
      if (version == null) {
        version = page.getMetadata().getResourceVersion();
      }
      for (Job job : page.getItems()) {
        out.put(Cache.metaNamespaceKeyFunc(job), job.getMetadata().getResourceVersion());
      }
      next = page.getMetadata().getContinue();
    } while (next != null && !next.isEmpty());
    return new Listed(out, version == null ? "0" : version);
  }

  private static Map<String, String> versions(List<Job> jobs) {
    Map<String, String> out = new HashMap<>();
    for (Job job : jobs) {
      out.put(Cache.metaNamespaceKeyFunc(job), job.getMetadata().getResourceVersion());
    }
    return out;
  }

  private boolean aStepWaits() {
    for (String key : listeners.keySet()) {
      int slash = key.indexOf('/');
      Job job = cached(key.substring(0, slash), key.substring(slash + 1));
      if (job == null || unfinished(job)) {
        return true;
      }
    }
    return false;
  }

  private static boolean unfinished(Job job) {
    JobState state = JobConditions.observe(job, java.time.Clock.systemUTC()).state();
    return state == JobState.Active || state == JobState.Pending;
  }

  /**
   * Replaces the slot's informer by a new one, which lists and watches afresh; the old one serves the cache until
   * the new one has listed. Listeners hear every Job again, as after a broken watch.
   */
  private void relist(Slot slot) {
    slot.relisting = true;
    onRelist.run();
    SharedIndexInformer<Job> old = slot.informer;
    SharedIndexInformer<Job> fresh = informerOf(slot);
    fresh.start().whenComplete((v, error) -> {
      slot.informer = fresh;
      slot.lastChangeNanos = System.nanoTime();
      slot.relisting = false;
      old.close();
    });
  }

  /** Completes when every informer has listed once. */
  public CompletableFuture<Void> synced() {
    return CompletableFuture.allOf(started.toArray(CompletableFuture[]::new));
  }

  /** How many Jobs the informers hold. */
  public int cachedCount() {
    return slots.stream().mapToInt(slot -> slot.informer.getStore().list().size()).sum();
  }

  public boolean hasSynced() {
    return slots.stream().allMatch(slot -> slot.informer.hasSynced());
  }

  /** The Job as the informer last saw it, or null. */
  public Job cached(String namespace, String name) {
    for (Slot slot : slots) {
      Job job = slot.informer.getStore().getByKey(namespace + "/" + name);
      if (job != null) {
        return job;
      }
    }
    return null;
  }

  /** The cached Jobs of the flow with this uid, in every watched namespace. */
  public List<Job> cachedOfFlow(String flowUid) {
    List<Job> out = new ArrayList<>();
    for (Slot slot : slots) {
      out.addAll(slot.informer.getIndexer().byIndex(BY_FLOW_UID, flowUid));
    }
    return out;
  }

  /** The cached Jobs of one step of the flow with this uid (every attempt), in every watched namespace. */
  public List<Job> cachedOfStep(String flowUid, String step) {
    List<Job> out = new ArrayList<>();
    for (Slot slot : slots) {
      out.addAll(slot.informer.getIndexer().byIndex(BY_FLOW_STEP, flowStepKey(flowUid, step)));
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
    if (audits != null) {
      audits.shutdownNow();
    }
    slots.forEach(slot -> slot.informer.close());
  }
}
