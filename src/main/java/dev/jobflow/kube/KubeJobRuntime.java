package dev.jobflow.kube;

import akka.Done;
import dev.jobflow.step.AttemptSpec;
import dev.jobflow.step.AttemptSupersededException;
import dev.jobflow.step.ExistingJob;
import dev.jobflow.step.JobConflictException;
import dev.jobflow.step.JobRejectedException;
import dev.jobflow.step.JobHandle;
import dev.jobflow.step.JobKey;
import dev.jobflow.step.JobResults;
import dev.jobflow.step.JobObservation;
import dev.jobflow.step.JobRuntime;
import dev.jobflow.step.Subscription;
import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.net.HttpURLConnection;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * The engine's {@link JobRuntime} on a real API server: creates Jobs by deterministic name (an existing one
 * with this attempt's labels is adopted, anything else is a conflict), follows them through the shared
 * {@link JobInformerHub}, deletes them with background propagation. fabric8 calls block, so they run on
 * {@code io}, never on an actor's thread. (API calls are counted by the client's metrics interceptor.)
 */
public final class KubeJobRuntime implements JobRuntime {
  private final KubernetesClient client;
  private final JobInformerHub hub;
  private final Executor io;
  private final Clock clock;
  private static final Duration INFORMER_GRACE = Duration.ofSeconds(5);
  /** Jobs this runtime created whose watch has not started yet: the informer is about to deliver them. */
  private final Set<JobKey> justCreated = ConcurrentHashMap.newKeySet();

  public KubeJobRuntime(KubernetesClient client, JobInformerHub hub, Executor io, Clock clock) {
    this.client = client;
    this.hub = hub;
    this.io = io;
    this.clock = clock;
  }

  @Override
  public CompletionStage<JobHandle> createIfAbsent(AttemptSpec attempt) {
    // A flow recovers while the Job informer still lists (the controller starts both at once): a create waits for
    // the cache, which is how it finds the Job an attempt in flight already has and adopts it.
    return hub.synced().thenApplyAsync(v -> create(attempt), io);
  }

  private JobHandle create(AttemptSpec attempt) {
    var id = new JobFactory.AttemptIdentity(attempt.job().namespace(), attempt.job().name(), attempt.flowName(),
        attempt.flowUid(), attempt.step(), attempt.attempt());
    Job existing = hub.cached(id.namespace(), id.jobName());
    if (existing != null) {
      return adopt(existing, id, attempt.job());
    }
    String later = AttemptSupersededException.laterJob(attempt,
        existing(id.namespace(), hub.cachedOfStep(id.flowUid(), id.step())));
    if (later != null) {
      throw new AttemptSupersededException(attempt.job(), later);
    }
    Job job = JobFactory.build(id, template(attempt), attempt.parameters(), attempt.stepValues());
    JobCreateCall.Answer answer = JobCreateCall.post(client, id.namespace(), job);
    if (answer.created()) {
      justCreated.add(attempt.job());
      return new JobHandle(attempt.job(), answer.uid(), false);
    }
    if (JobRejectedException.isRejection(answer.code())) {
      throw new JobRejectedException(attempt.job(), answer.code(), answer.message());
    }
    if (answer.code() != HttpURLConnection.HTTP_CONFLICT) {
      throw new KubernetesClientException("creating Job " + attempt.job() + " failed (" + answer.code() + "): "
          + answer.message(), answer.code(), null);
    }
    Job current = client.batch().v1().jobs().inNamespace(id.namespace()).withName(id.jobName()).get();
    if (current == null) {
      throw new IllegalStateException("Job " + attempt.job() + " was reported as existing but is gone; will retry");
    }
    return adopt(current, id, attempt.job());
  }

  /**
   * Admission checks every template, so this is an old journal or a model fabric8 no longer reads: refused as the
   * API server refuses an invalid Job, so the attempt fails (JobRejected) instead of retrying for ever.
   */
  private static io.fabric8.kubernetes.api.model.batch.v1.JobSpec template(AttemptSpec attempt) {
    try {
      return attempt.jobSpec();
    } catch (IllegalArgumentException e) {
      throw new JobRejectedException(attempt.job(), 422, "step " + attempt.step() + ": " + e.getMessage());
    }
  }

  private static JobHandle adopt(Job existing, JobFactory.AttemptIdentity id, JobKey key) {
    if (!JobFactory.belongsTo(existing, id)) {
      throw new JobConflictException(key, "its labels " + existing.getMetadata().getLabels()
          + " do not name flow " + id.flowName() + " (uid " + id.flowUid() + "), step " + id.step()
          + ", attempt " + id.attempt() + "; delete or rename that Job");
    }
    return new JobHandle(key, existing.getMetadata().getUid(), true);
  }

  @Override
  public Subscription watch(JobKey key, Consumer<JobObservation> listener) {
    var subscription = hub.subscribe(key.namespace(), key.name(), new JobInformerHub.JobListener() {
      @Override
      public void onJob(Job job) {
        listener.accept(JobConditions.observe(job, clock));
      }

      @Override
      public void onJobDeleted(Job lastKnown) {
        listener.accept(JobConditions.deleted(key, lastKnown.getMetadata().getUid(), clock));
      }
    });
    boolean created = justCreated.remove(key);
    if (hub.cached(key.namespace(), key.name()) != null) {
      return subscription::close;
    }
    if (!created) {
      // The informer may not have seen a Job created a moment ago: ask the API server before calling it gone.
      CompletableFuture.runAsync(() -> reportCurrent(key, listener), io);
      return subscription::close;
    }
    // This runtime just created it: the informer's watch delivers it within moments, so a read per step would
    // only double the requests. Should the informer not have it after a grace period (a relist lost it), ask.
    AtomicBoolean open = new AtomicBoolean(true);
    CompletableFuture.runAsync(() -> {
      if (open.get() && hub.cached(key.namespace(), key.name()) == null) {
        reportCurrent(key, listener);
      }
    }, CompletableFuture.delayedExecutor(INFORMER_GRACE.toMillis(), TimeUnit.MILLISECONDS, io));
    return () -> {
      open.set(false);
      subscription.close();
    };
  }

  private void reportCurrent(JobKey key, Consumer<JobObservation> listener) {
    try {
      Job job = client.batch().v1().jobs().inNamespace(key.namespace()).withName(key.name()).get();
      listener.accept(job == null ? JobConditions.deleted(key, null, clock) : JobConditions.observe(job, clock));
    } catch (KubernetesClientException e) {
      // Transient: the informer will deliver the Job when the API server answers again.
    }
  }

  /** The finished Job's pods, found by the {@code controller-uid} label the Job controller puts on them. */
  @Override
  public CompletionStage<JobResults> results(JobKey key, String jobUid) {
    return CompletableFuture.supplyAsync(() -> {
      var pods = client.pods().inNamespace(key.namespace());
      var selected = jobUid == null ? pods.withLabel("job-name", key.name()) : pods.withLabel("controller-uid", jobUid);
      return TerminationMessages.results(selected.list().getItems());
    }, io);
  }

  @Override
  public CompletionStage<java.util.List<ExistingJob>> jobsOf(String namespace, String flowUid) {
    return hub.synced().thenApply(v -> existing(namespace, hub.cachedOfFlow(flowUid)));
  }

  private static java.util.List<ExistingJob> existing(String namespace, java.util.List<Job> jobs) {
    java.util.List<ExistingJob> out = new java.util.ArrayList<>();
    for (Job job : jobs) {
      var meta = job.getMetadata();
      var labels = meta.getLabels();
      Integer attempt = attemptOf(labels.get(JobflowLabels.ATTEMPT));
      if (namespace.equals(meta.getNamespace()) && labels.get(JobflowLabels.STEP) != null && attempt != null) {
        out.add(new ExistingJob(meta.getName(), labels.get(JobflowLabels.STEP), attempt));
      }
    }
    return out;
  }

  private static Integer attemptOf(String label) {
    try {
      return label == null ? null : Integer.valueOf(label);
    } catch (NumberFormatException e) {
      return null; // not a label this controller wrote
    }
  }

  @Override
  public CompletionStage<Done> delete(JobKey key) {
    return CompletableFuture.supplyAsync(() -> {
      try {
        client.batch().v1().jobs().inNamespace(key.namespace()).withName(key.name())
            .withPropagationPolicy(DeletionPropagation.BACKGROUND).delete();
      } catch (KubernetesClientException e) {
        if (e.getCode() != HttpURLConnection.HTTP_NOT_FOUND) {
          throw e;
        }
      }
      return Done.getInstance();
    }, io);
  }
}
