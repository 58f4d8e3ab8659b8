package dev.jobflow.controller;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** Counts Job creations by name as the API server reports them: a second create of one attempt shows as 2. */
final class JobCreations implements AutoCloseable {
  private final Map<String, AtomicInteger> byName = new ConcurrentHashMap<>();
  private final Watch watch;

  JobCreations(KubernetesClient client) {
    watch = client.batch().v1().jobs().inAnyNamespace().watch(new Watcher<Job>() {
      @Override
      public void eventReceived(Action action, Job job) {
        if (action == Action.ADDED) {
          byName.computeIfAbsent(job.getMetadata().getName(), k -> new AtomicInteger()).incrementAndGet();
        }
      }

      @Override
      public void onClose(WatcherException cause) {}
    });
  }

  /** How many times the Job was created: 0 when not (yet) seen. */
  int of(String job) {
    AtomicInteger n = byName.get(job);
    return n == null ? 0 : n.get();
  }

  /** Every Job seen, with its count. */
  Map<String, Integer> all() {
    Map<String, Integer> out = new TreeMap<>();
    byName.forEach((k, v) -> out.put(k, v.get()));
    return out;
  }

  @Override
  public void close() {
    watch.close();
  }
}
