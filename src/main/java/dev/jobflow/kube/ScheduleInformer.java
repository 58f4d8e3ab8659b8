package dev.jobflow.kube;

import dev.jobflow.api.CronJobFlow;
import dev.jobflow.api.JobFlow;
import dev.jobflow.schedule.ScheduledFlows;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.MixedOperation;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.ArrayList;
import java.util.List;

/**
 * What schedules must see, all namespaces or the ones given: every state of every CronJobFlow, and every change of
 * the JobFlows schedules created (selected by their {@code jobflow.dev/schedule-uid} label), status included: a run
 * finishing is what Forbid, history limits and {@code lastSuccessfulTime} wait for. (The flows' own informer drops
 * status-only updates; this one sees only schedules' runs.)
 */
public final class ScheduleInformer implements AutoCloseable {

  /** Receives every state of every CronJobFlow and of every run. */
  public interface Listener {
    void onSchedule(CronJobFlow schedule);

    void onScheduleGone(CronJobFlow lastKnown);

    /** A run's JobFlow was added, changed (its status too), or re-delivered by a resync. */
    void onRun(JobFlow run);

    void onRunGone(JobFlow lastKnown);
  }

  private final List<SharedIndexInformer<?>> informers = new ArrayList<>();
  private final List<SharedIndexInformer<CronJobFlow>> schedules = new ArrayList<>();
  private final List<SharedIndexInformer<JobFlow>> runs = new ArrayList<>();
  private Listener listener;

  private ScheduleInformer() {}

  public static ScheduleInformer start(KubernetesClient client, List<String> namespaces, long resyncMillis,
                                       Listener listener, Runnable onRelist) {
    ScheduleInformer si = new ScheduleInformer();
    si.listener = listener;
    si.schedules.addAll(si.watch(client.resources(CronJobFlow.class), op -> op, namespaces, resyncMillis, onRelist,
        "cronjobflow", listener::onSchedule, listener::onScheduleGone));
    si.runs.addAll(si.watch(client.resources(JobFlow.class), op -> op.withLabel(ScheduledFlows.SCHEDULE_UID_LABEL),
        namespaces, resyncMillis, onRelist, "scheduled jobflow", listener::onRun, listener::onRunGone));
    return si;
  }

  /**
   * Hands the listener the CronJobFlow of this uid and its runs again, as the cache has them (nothing when the cache
   * does not have it, e.g. not synced yet: its initial list delivers it then).
   */
  public void redeliver(String uid) {
    for (SharedIndexInformer<CronJobFlow> informer : schedules) {
      for (CronJobFlow schedule : informer.getStore().list()) {
        if (uid.equals(schedule.getMetadata().getUid())) {
          listener.onSchedule(schedule);
        }
      }
    }
    for (SharedIndexInformer<JobFlow> informer : runs) {
      for (JobFlow run : informer.getStore().list()) {
        if (uid.equals(ScheduledFlows.scheduleUid(run))) {
          listener.onRun(run);
        }
      }
    }
  }

  private <T extends HasMetadata> List<SharedIndexInformer<T>> watch(MixedOperation<T, ?, ?> resources,
      java.util.function.Function<io.fabric8.kubernetes.client.dsl.FilterWatchListDeletable<T, ?, ?>,
          io.fabric8.kubernetes.client.dsl.FilterWatchListDeletable<T, ?, ?>> select,
      List<String> namespaces, long resyncMillis, Runnable onRelist, String what,
      java.util.function.Consumer<T> seen, java.util.function.Consumer<T> gone) {
    List<SharedIndexInformer<T>> started = Informers.start(resources, select, namespaces, resyncMillis, onRelist, what,
        seen, gone);
    informers.addAll(started);
    return started;
  }

  public boolean hasSynced() {
    return informers.stream().allMatch(SharedIndexInformer::hasSynced);
  }

  @Override
  public void close() {
    informers.forEach(SharedIndexInformer::close);
  }
}
