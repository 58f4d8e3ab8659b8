package dev.jobflow.kube;

import dev.jobflow.api.CronJobFlow;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One informer for CronJobFlows (all namespaces, or the ones given): every add, update, resync and delete. */
public final class ScheduleInformer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ScheduleInformer.class);

  /** Receives every state of every CronJobFlow. */
  public interface ScheduleListener {
    void onSchedule(CronJobFlow schedule);

    void onScheduleGone(CronJobFlow lastKnown);
  }

  private final List<SharedIndexInformer<CronJobFlow>> informers = new ArrayList<>();

  private ScheduleInformer() {}

  public static ScheduleInformer start(KubernetesClient client, List<String> namespaces, long resyncMillis,
                                       ScheduleListener listener, Runnable onRelist) {
    ScheduleInformer si = new ScheduleInformer();
    var resources = client.resources(CronJobFlow.class);
    if (namespaces.isEmpty()) {
      si.informers.add(resources.inAnyNamespace().runnableInformer(resyncMillis));
    } else {
      for (String ns : namespaces) {
        si.informers.add(resources.inNamespace(ns).runnableInformer(resyncMillis));
      }
    }
    for (SharedIndexInformer<CronJobFlow> informer : si.informers) {
      informer.exceptionHandler((isStarted, error) -> {
        onRelist.run();
        log.info("cronjobflow watch broke ({}); relisting", error.getMessage());
        return true;
      });
      informer.addEventHandler(new ResourceEventHandler<>() {
        @Override
        public void onAdd(CronJobFlow schedule) {
          listener.onSchedule(schedule);
        }

        @Override
        public void onUpdate(CronJobFlow oldSchedule, CronJobFlow schedule) {
          listener.onSchedule(schedule);
        }

        @Override
        public void onDelete(CronJobFlow schedule, boolean finalStateUnknown) {
          listener.onScheduleGone(schedule);
        }
      });
      informer.start();
    }
    return si;
  }

  public boolean hasSynced() {
    return informers.stream().allMatch(SharedIndexInformer::hasSynced);
  }

  @Override
  public void close() {
    informers.forEach(SharedIndexInformer::close);
  }
}
