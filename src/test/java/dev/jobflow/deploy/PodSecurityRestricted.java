package dev.jobflow.deploy;

import io.fabric8.kubernetes.api.model.Capabilities;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.SeccompProfile;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Volume;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The checks of the Pod Security Standards' "restricted" profile (which includes "baseline"), as the API
 * server's PodSecurity admission applies them to a pod spec (policy version "latest", Linux pods), plus this
 * project's own rule: a read-only root filesystem with an emptyDir on /tmp. Returns every violation, named.
 * (The namespace also enforces the profile in a real cluster; this is the same check before one exists.)
 */
final class PodSecurityRestricted {
  private static final Set<String> RESTRICTED_VOLUME_TYPES = Set.of(
      "configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "persistentVolumeClaim", "projected", "secret");
  private static final Set<String> SELINUX_TYPES = Set.of(
      "", "container_t", "container_init_t", "container_kvm_t", "container_engine_t");
  private static final Set<String> SAFE_SYSCTLS = Set.of(
      "kernel.shm_rmid_forced", "net.ipv4.ip_local_port_range", "net.ipv4.ip_unprivileged_port_start",
      "net.ipv4.tcp_syncookies", "net.ipv4.ping_group_range", "net.ipv4.ip_local_reserved_ports",
      "net.ipv4.tcp_keepalive_time", "net.ipv4.tcp_fin_timeout", "net.ipv4.tcp_keepalive_intvl",
      "net.ipv4.tcp_keepalive_probes");

  private PodSecurityRestricted() {
  }

  static List<String> violations(String where, PodSpec pod) {
    List<String> v = new ArrayList<>();
    PodSecurityContext psc = Objects.requireNonNullElseGet(pod.getSecurityContext(), PodSecurityContext::new);
    // baseline
    if (Boolean.TRUE.equals(pod.getHostNetwork())) v.add(where + ": hostNetwork");
    if (Boolean.TRUE.equals(pod.getHostPID())) v.add(where + ": hostPID");
    if (Boolean.TRUE.equals(pod.getHostIPC())) v.add(where + ": hostIPC");
    if (psc.getSysctls() != null) {
      psc.getSysctls().stream().filter(s -> !SAFE_SYSCTLS.contains(s.getName()))
          .forEach(s -> v.add(where + ": unsafe sysctl " + s.getName()));
    }
    if (psc.getSeLinuxOptions() != null) seLinux(where + " pod", psc.getSeLinuxOptions(), v);
    // restricted: volumes
    for (Volume volume : pod.getVolumes() == null ? List.<Volume>of() : pod.getVolumes()) {
      String type = volumeType(volume);
      if (!RESTRICTED_VOLUME_TYPES.contains(type)) {
        v.add(where + ": volume " + volume.getName() + " is of type " + type + ", not allowed");
      }
    }
    // restricted: pod-level defaults the containers may inherit
    boolean podNonRoot = Boolean.TRUE.equals(psc.getRunAsNonRoot());
    if (Long.valueOf(0).equals(psc.getRunAsUser())) v.add(where + ": pod runAsUser 0");
    String podSeccomp = seccompType(psc.getSeccompProfile());
    if ("Unconfined".equals(podSeccomp)) v.add(where + ": pod seccompProfile Unconfined");

    for (Container c : containers(pod)) {
      String cw = where + " container " + c.getName();
      SecurityContext sc = Objects.requireNonNullElseGet(c.getSecurityContext(), SecurityContext::new);
      if (Boolean.TRUE.equals(sc.getPrivileged())) v.add(cw + ": privileged");
      if (c.getPorts() != null) {
        c.getPorts().stream().filter(p -> p.getHostPort() != null && p.getHostPort() != 0)
            .forEach(p -> v.add(cw + ": hostPort " + p.getHostPort()));
      }
      if (sc.getProcMount() != null && !"Default".equals(sc.getProcMount())) v.add(cw + ": procMount " + sc.getProcMount());
      if (sc.getSeLinuxOptions() != null) seLinux(cw, sc.getSeLinuxOptions(), v);
      if (sc.getAppArmorProfile() != null && "Unconfined".equals(sc.getAppArmorProfile().getType())) {
        v.add(cw + ": appArmorProfile Unconfined");
      }
      if (!Boolean.FALSE.equals(sc.getAllowPrivilegeEscalation())) {
        v.add(cw + ": allowPrivilegeEscalation must be false");
      }
      if (Boolean.FALSE.equals(sc.getRunAsNonRoot()) || (!podNonRoot && !Boolean.TRUE.equals(sc.getRunAsNonRoot()))) {
        v.add(cw + ": runAsNonRoot must be true (pod or container)");
      }
      if (Long.valueOf(0).equals(sc.getRunAsUser())) v.add(cw + ": runAsUser 0");
      String seccomp = seccompType(sc.getSeccompProfile());
      if ("Unconfined".equals(seccomp)) v.add(cw + ": seccompProfile Unconfined");
      String effective = seccomp != null ? seccomp : podSeccomp;
      if (!"RuntimeDefault".equals(effective) && !"Localhost".equals(effective)) {
        v.add(cw + ": seccompProfile must be RuntimeDefault or Localhost (pod or container)");
      }
      Capabilities caps = Objects.requireNonNullElseGet(sc.getCapabilities(), Capabilities::new);
      if (caps.getDrop() == null || !caps.getDrop().contains("ALL")) v.add(cw + ": capabilities must drop ALL");
      if (caps.getAdd() != null) {
        caps.getAdd().stream().filter(a -> !a.equals("NET_BIND_SERVICE"))
            .forEach(a -> v.add(cw + ": adds capability " + a));
      }
      // this project: nothing writes to the image
      if (!Boolean.TRUE.equals(sc.getReadOnlyRootFilesystem())) v.add(cw + ": readOnlyRootFilesystem must be true");
      boolean tmpOnEmptyDir = c.getVolumeMounts() != null && c.getVolumeMounts().stream()
          .anyMatch(m -> m.getMountPath().equals("/tmp") && pod.getVolumes().stream()
              .anyMatch(vol -> vol.getName().equals(m.getName()) && vol.getEmptyDir() != null));
      if (!tmpOnEmptyDir) v.add(cw + ": /tmp must be an emptyDir (the root filesystem is read-only)");
    }
    return v;
  }

  private static List<Container> containers(PodSpec pod) {
    return Stream.of(pod.getInitContainers(), pod.getContainers())
        .filter(Objects::nonNull).flatMap(List::stream).toList();
  }

  private static void seLinux(String where, io.fabric8.kubernetes.api.model.SELinuxOptions o, List<String> v) {
    if (o.getType() != null && !SELINUX_TYPES.contains(o.getType())) v.add(where + ": seLinuxOptions.type " + o.getType());
    if (o.getUser() != null && !o.getUser().isEmpty()) v.add(where + ": seLinuxOptions.user set");
    if (o.getRole() != null && !o.getRole().isEmpty()) v.add(where + ": seLinuxOptions.role set");
  }

  private static String seccompType(SeccompProfile p) {
    return p == null ? null : p.getType();
  }

  private static String volumeType(Volume v) {
    if (v.getConfigMap() != null) return "configMap";
    if (v.getCsi() != null) return "csi";
    if (v.getDownwardAPI() != null) return "downwardAPI";
    if (v.getEmptyDir() != null) return "emptyDir";
    if (v.getEphemeral() != null) return "ephemeral";
    if (v.getPersistentVolumeClaim() != null) return "persistentVolumeClaim";
    if (v.getProjected() != null) return "projected";
    if (v.getSecret() != null) return "secret";
    if (v.getHostPath() != null) return "hostPath";
    return "other";
  }
}
