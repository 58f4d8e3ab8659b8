package dev.jobflow.step;

import akka.Done;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * The engine's only view of the cluster. The Kubernetes implementation (labels, ownerReferences,
 * parameter substitution, one shared Job informer) lives in {@code dev.jobflow.kube}; tests and the
 * benchmark use an in-memory one. Implementations must be thread-safe; callbacks may come on any thread.
 */
public interface JobRuntime {
  /**
   * Creates this attempt's Job unless it exists. Completes with the Job, created or adopted (an existing
   * Job with this name and this flow's, step's and attempt's labels). Fails with {@link JobConflictException}
   * when a Job of that name exists but is not this attempt's; with any other exception on a transient error
   * (the caller retries).
   */
  CompletionStage<JobHandle> createIfAbsent(AttemptSpec attempt);

  /**
   * Follows a Job: the listener receives its current state soon after the call and every change after
   * (duplicates possible), until the returned subscription is cancelled. A Job that does not exist or
   * disappears is reported {@link JobState#Deleted}.
   */
  Subscription watch(JobKey job, Consumer<JobObservation> listener);

  /**
   * Reads what a finished Job's pods tell: the outputs in its containers' termination messages and the exit code
   * that ended it. Completes with {@link JobResults#NONE} when no pod of the Job is left; fails on a transient
   * error (the caller retries).
   */
  CompletionStage<JobResults> results(JobKey job, String jobUid);

  /**
   * The Jobs of one flow (by its uid label) the runtime knows of, from its cache once that has listed the cluster's
   * Jobs: no API call, so a flow may ask at every recovery, and a flow may recover while the cache still lists (the
   * answer waits for it). Jobs without readable step and attempt labels are left out.
   */
  CompletionStage<java.util.List<ExistingJob>> jobsOf(String namespace, String flowUid);

  /** Deletes the Job (background propagation); completes when accepted or already gone. */
  CompletionStage<Done> delete(JobKey job);
}
