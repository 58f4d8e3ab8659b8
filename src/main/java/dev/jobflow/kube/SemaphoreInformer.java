package dev.jobflow.kube;

import dev.jobflow.api.Synchronization;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The semaphores' sizes: every state of each namespace's ConfigMap {@value Synchronization#SEMAPHORE_CONFIG_MAP}
 * (key: a semaphore's name, value: its size), all namespaces or the ones given. A value that is not a whole number
 * of 0 or more sizes its semaphore 0 (nobody new starts), and is logged: a typo must not open the gate.
 */
public final class SemaphoreInformer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SemaphoreInformer.class);

  /** Hears the sizes of one namespace's semaphores whenever its ConfigMap is seen (an empty map once it is gone). */
  public interface Listener {
    void sizesSeen(String namespace, Map<String, Integer> sizes);
  }

  private final List<SharedIndexInformer<ConfigMap>> informers = new ArrayList<>();

  private SemaphoreInformer() {}

  public static SemaphoreInformer start(KubernetesClient client, List<String> namespaces, long resyncMillis,
                                        Listener listener, Runnable onRelist) {
    SemaphoreInformer si = new SemaphoreInformer();
    si.informers.addAll(Informers.start(client.configMaps(),
        op -> op.withField("metadata.name", Synchronization.SEMAPHORE_CONFIG_MAP), namespaces, resyncMillis,
        onRelist, "semaphore configmap",
        cm -> listener.sizesSeen(cm.getMetadata().getNamespace(), sizes(cm)),
        cm -> listener.sizesSeen(cm.getMetadata().getNamespace(), Map.of())));
    return si;
  }

  /** The sizes a ConfigMap gives, by semaphore name. */
  public static Map<String, Integer> sizes(ConfigMap cm) {
    Map<String, Integer> out = new LinkedHashMap<>();
    Map<String, String> data = cm.getData() == null ? Map.of() : cm.getData();
    data.forEach((name, value) -> {
      int size;
      try {
        size = Integer.parseInt(value.trim());
      } catch (NumberFormatException e) {
        size = -1;
      }
      if (size < 0) {
        log.warn("ConfigMap {}/{}: semaphore '{}' has size '{}', not a whole number of 0 or more; it admits no one",
            cm.getMetadata().getNamespace(), cm.getMetadata().getName(), name, value);
        size = 0;
      }
      out.put(name, size);
    });
    return out;
  }

  public boolean hasSynced() {
    return informers.stream().allMatch(SharedIndexInformer::hasSynced);
  }

  @Override
  public void close() {
    informers.forEach(SharedIndexInformer::close);
  }
}
