package dev.jobflow.kube;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.dsl.MixedOperation;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Started informers of one resource, in all namespaces or the ones given, that hand every add, update (resyncs
 * included) and delete to two callbacks and relist after a broken watch.
 */
final class Informers {
  private static final Logger log = LoggerFactory.getLogger(Informers.class);

  private Informers() {}

  static <T extends HasMetadata> List<SharedIndexInformer<T>> start(MixedOperation<T, ?, ?> resources,
      Function<io.fabric8.kubernetes.client.dsl.FilterWatchListDeletable<T, ?, ?>,
          io.fabric8.kubernetes.client.dsl.FilterWatchListDeletable<T, ?, ?>> select,
      List<String> namespaces, long resyncMillis, Runnable onRelist, String what,
      java.util.function.Consumer<T> seen, java.util.function.Consumer<T> gone) {
    List<SharedIndexInformer<T>> started = new ArrayList<>();
    if (namespaces.isEmpty()) {
      started.add(select.apply(resources.inAnyNamespace()).withLimit(InformerPages.SIZE).runnableInformer(resyncMillis));
    } else {
      for (String ns : namespaces) {
        started.add(select.apply(resources.inNamespace(ns)).withLimit(InformerPages.SIZE).runnableInformer(resyncMillis));
      }
    }
    for (SharedIndexInformer<T> informer : started) {
      informer.exceptionHandler((isStarted, error) -> {
        onRelist.run();
        log.info("{} watch broke ({}); relisting", what, error.getMessage());
        return true;
      });
      informer.addEventHandler(new ResourceEventHandler<>() {
        @Override
        public void onAdd(T object) {
          seen.accept(object);
        }

        @Override
        public void onUpdate(T before, T after) {
          seen.accept(after);
        }

        @Override
        public void onDelete(T object, boolean finalStateUnknown) {
          gone.accept(object);
        }
      });
      informer.start();
    }
    return started;
  }

}
