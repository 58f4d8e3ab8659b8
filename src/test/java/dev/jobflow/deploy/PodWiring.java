package dev.jobflow.deploy;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeProjection;
import io.fabric8.kubernetes.api.model.VolumeProjectionBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** How a rendered pod is wired: which pods a selector picks, which port a name means, which file comes from where. */
final class PodWiring {
  /** The keys cert-manager writes into a Certificate's Secret. */
  static final Set<String> CERT_MANAGER_KEYS = Set.of("tls.crt", "tls.key", "ca.crt");

  private PodWiring() {
  }

  static boolean selects(Map<String, String> selector, Map<String, String> labels) {
    return selector != null && !selector.isEmpty() && labels != null
        && selector.entrySet().stream().allMatch(e -> e.getValue().equals(labels.get(e.getKey())));
  }

  static List<Deployment> deploymentsSelectedBy(Manifests m, Map<String, String> selector) {
    return m.all(Deployment.class).stream()
        .filter(d -> selects(selector, d.getSpec().getTemplate().getMetadata().getLabels())).toList();
  }

  static Container container(Deployment d, String name) {
    return d.getSpec().getTemplate().getSpec().getContainers().stream().filter(c -> c.getName().equals(name))
        .findFirst().orElseThrow(() -> new AssertionError("Deployment " + d.getMetadata().getName()
            + " has no container " + name));
  }

  /** The container port a Service targetPort or a probe port (number or name) means, if the container has it. */
  static Optional<Integer> resolvePort(Container c, IntOrString port) {
    List<ContainerPort> ports = c.getPorts() == null ? List.of() : c.getPorts();
    if (port.getIntVal() != null) {
      return ports.stream().map(ContainerPort::getContainerPort).filter(port.getIntVal()::equals).findFirst();
    }
    return ports.stream().filter(p -> port.getStrVal().equals(p.getName())).map(ContainerPort::getContainerPort)
        .findFirst();
  }

  static Optional<String> env(Container c, String name) {
    return Optional.ofNullable(c.getEnv()).orElse(List.of()).stream().filter(e -> e.getName().equals(name))
        .map(EnvVar::getValue).filter(v -> v != null).findFirst();
  }

  static Optional<EnvVar> envVar(Container c, String name) {
    return Optional.ofNullable(c.getEnv()).orElse(List.of()).stream().filter(e -> e.getName().equals(name))
        .findFirst();
  }

  /** The value of {@code --name=value} or {@code --name value} among the container's args. */
  static Optional<String> flag(Container c, String name) {
    List<String> args = c.getArgs() == null ? List.of() : c.getArgs();
    for (int i = 0; i < args.size(); i++) {
      if (args.get(i).startsWith(name + "=")) {
        return Optional.of(args.get(i).substring(name.length() + 1));
      }
      if (args.get(i).equals(name) && i + 1 < args.size()) {
        return Optional.of(args.get(i + 1));
      }
    }
    return Optional.empty();
  }

  /**
   * Every file the container sees from ConfigMaps and Secrets: absolute path to {@code configMap/NAME/KEY} or
   * {@code secret/NAME/KEY}. A source without {@code items} projects all its keys: a rendered ConfigMap's data keys,
   * or for a Secret the keys cert-manager writes.
   */
  static Map<String, String> mountedFiles(Manifests m, PodSpec pod, Container c) {
    Map<String, String> files = new LinkedHashMap<>();
    for (VolumeMount mount : c.getVolumeMounts() == null ? List.<VolumeMount>of() : c.getVolumeMounts()) {
      Volume v = pod.getVolumes().stream().filter(x -> x.getName().equals(mount.getName())).findFirst()
          .orElseThrow(() -> new AssertionError("container " + c.getName() + " mounts volume " + mount.getName()
              + ", which the pod does not have"));
      List<VolumeProjection> sources = new ArrayList<>();
      if (v.getConfigMap() != null) {
        sources.add(new VolumeProjectionBuilder().withNewConfigMap()
            .withName(v.getConfigMap().getName()).withItems(v.getConfigMap().getItems()).endConfigMap().build());
      }
      if (v.getSecret() != null) {
        sources.add(new VolumeProjectionBuilder().withNewSecret()
            .withName(v.getSecret().getSecretName()).withItems(v.getSecret().getItems()).endSecret().build());
      }
      if (v.getProjected() != null) {
        sources.addAll(v.getProjected().getSources());
      }
      for (VolumeProjection s : sources) {
        if (s.getConfigMap() != null) {
          String name = s.getConfigMap().getName();
          List<String> keys = m.find(ConfigMap.class, name).map(cm -> List.copyOf(cm.getData().keySet()))
              .orElse(List.of());
          add(files, mount.getMountPath(), "configMap/" + name, s.getConfigMap().getItems(), keys);
        }
        if (s.getSecret() != null) {
          add(files, mount.getMountPath(), "secret/" + s.getSecret().getName(), s.getSecret().getItems(),
              List.copyOf(CERT_MANAGER_KEYS));
        }
      }
    }
    return files;
  }

  private static void add(Map<String, String> files, String mountPath, String source, List<KeyToPath> items,
      List<String> allKeys) {
    if (items == null || items.isEmpty()) {
      allKeys.forEach(k -> files.put(mountPath + "/" + k, source + "/" + k));
    } else {
      items.forEach(i -> files.put(mountPath + "/" + i.getPath(), source + "/" + i.getKey()));
    }
  }
}
