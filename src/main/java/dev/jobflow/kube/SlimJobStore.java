package dev.jobflow.kube;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobSpec;
import io.fabric8.kubernetes.client.informers.cache.BasicItemStore;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.fabric8.kubernetes.client.informers.cache.ItemStore;
import java.util.stream.Stream;

/**
 * The Job informer's cache, holding of each Job what the controller reads from it: metadata (its labels name the
 * flow, step and attempt), status, and the scalar fields of its spec, not the Pod template nor managed fields. The
 * template was most of a cached Job, and a fan-out of 100,000 instances keeps 100,000 Jobs: with whole Jobs the
 * controller's heap after GC reached 860 MiB of its 1 GiB. Event handlers still get the whole Job as the API server
 * sent it; only what stays in the cache (and an update's previous state) is slim.
 */
final class SlimJobStore implements ItemStore<Job> {
  private final BasicItemStore<Job> jobs = new BasicItemStore<>(Cache::metaNamespaceKeyFunc);

  static Job slim(Job job) {
    Job kept = new Job();
    kept.setApiVersion(job.getApiVersion());
    kept.setKind(job.getKind());
    ObjectMeta meta = job.getMetadata();
    if (meta != null && meta.getManagedFields() != null && !meta.getManagedFields().isEmpty()) {
      meta = new io.fabric8.kubernetes.api.model.ObjectMetaBuilder(meta).withManagedFields().build();
    }
    kept.setMetadata(meta);
    JobSpec spec = job.getSpec();
    if (spec != null) {
      JobSpec scalars = new JobSpec();
      scalars.setActiveDeadlineSeconds(spec.getActiveDeadlineSeconds());
      scalars.setBackoffLimit(spec.getBackoffLimit());
      scalars.setCompletions(spec.getCompletions());
      scalars.setParallelism(spec.getParallelism());
      scalars.setSuspend(spec.getSuspend());
      scalars.setTtlSecondsAfterFinished(spec.getTtlSecondsAfterFinished());
      kept.setSpec(scalars);
    }
    kept.setStatus(job.getStatus());
    return kept;
  }

  @Override
  public String getKey(Job job) {
    return jobs.getKey(job);
  }

  @Override
  public Job put(String key, Job job) {
    return jobs.put(key, slim(job));
  }

  @Override
  public Job remove(String key) {
    return jobs.remove(key);
  }

  @Override
  public Stream<String> keySet() {
    return jobs.keySet();
  }

  @Override
  public Stream<Job> values() {
    return jobs.values();
  }

  @Override
  public int size() {
    return jobs.size();
  }

  @Override
  public Job get(String key) {
    return jobs.get(key);
  }
}
