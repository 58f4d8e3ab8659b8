package dev.jobflow.cli;

import dev.jobflow.api.JobFlow;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Keeps the latest state of some flows through an informer each (a list, then a watch, relisting after
 * {@code 410 Gone}, reconnecting after a cut), and wakes whoever waits on a change.
 */
final class FlowWatch implements AutoCloseable {
  /** The latest state of one followed flow; {@code deleted} once the API server has removed it. */
  record Seen(JobFlow flow, boolean deleted) {}

  private final Map<String, Seen> seen = new ConcurrentHashMap<>();
  private final List<String> order = new ArrayList<>();
  private final Semaphore changes = new Semaphore(0);
  private final List<SharedIndexInformer<JobFlow>> informers = new ArrayList<>();

  /** Starts following these flows; returns once every informer has its first list (bounded by {@code startTimeout}). */
  FlowWatch(KubernetesClient client, List<JobFlow> flows, Duration startTimeout) {
    try {
      for (JobFlow flow : flows) {
        String key = key(flow);
        order.add(key);
        seen.put(key, new Seen(flow, false));
        SharedIndexInformer<JobFlow> informer = client.resources(JobFlow.class)
            .inNamespace(flow.getMetadata().getNamespace()).withName(flow.getMetadata().getName()).runnableInformer(0);
        informer.addEventHandler(new Handler(key));
        informers.add(informer);
        await(informer.start(), startTimeout);
        if (informer.getStore().list().isEmpty()) {
          // Gone before the watch began: no event will ever say so.
          seen.put(key, new Seen(flow, true));
        }
      }
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  /** Every followed flow's latest state, in the order given. */
  List<Seen> current() {
    return order.stream().map(seen::get).toList();
  }

  /** Waits until something changed, at most {@code max}; true when something did. */
  boolean awaitChange(Duration max) throws InterruptedException {
    boolean changed = changes.tryAcquire(Math.max(1, max.toMillis()), TimeUnit.MILLISECONDS);
    changes.drainPermits();
    return changed;
  }

  @Override
  public void close() {
    informers.forEach(SharedIndexInformer::stop);
  }

  static String key(JobFlow flow) {
    return flow.getMetadata().getNamespace() + "/" + flow.getMetadata().getName();
  }

  private static void await(java.util.concurrent.CompletionStage<Void> started, Duration timeout) {
    try {
      started.toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof KubernetesClientException k) {
        throw k;
      }
      throw new KubernetesClientException("could not start watching: " + e.getCause(), e.getCause());
    } catch (TimeoutException e) {
      throw new KubernetesClientException("no answer to the first list of the watch within " + timeout, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KubernetesClientException("interrupted", e);
    }
  }

  private final class Handler implements ResourceEventHandler<JobFlow> {
    private final String key;

    Handler(String key) {
      this.key = key;
    }

    @Override
    public void onAdd(JobFlow flow) {
      update(flow, false);
    }

    @Override
    public void onUpdate(JobFlow before, JobFlow after) {
      update(after, false);
    }

    @Override
    public void onDelete(JobFlow flow, boolean finalStateUnknown) {
      update(flow, true);
    }

    private void update(JobFlow flow, boolean deleted) {
      seen.put(key, new Seen(flow, deleted));
      changes.release();
    }
  }
}
