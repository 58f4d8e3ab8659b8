package dev.jobflow.deploy;

import static dev.jobflow.deploy.PodWiring.container;
import static dev.jobflow.deploy.PodWiring.deploymentsSelectedBy;
import static dev.jobflow.deploy.PodWiring.flag;
import static dev.jobflow.deploy.PodWiring.mountedFiles;
import static dev.jobflow.deploy.PodWiring.resolvePort;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.certmanager.api.model.v1.Certificate;
import io.fabric8.certmanager.api.model.v1.ClusterIssuer;
import io.fabric8.certmanager.api.model.v1.Issuer;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ServiceReference;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The objects of each overlay refer to each other correctly: names, namespaces, ports, files. */
class ManifestReferencesTest {
  static final String NS = "jobflow-system";
  static final Set<Class<? extends HasMetadata>> CLUSTER_SCOPED = Set.of(Namespace.class, ClusterRole.class,
      ClusterRoleBinding.class, CustomResourceDefinition.class, ValidatingWebhookConfiguration.class,
      MutatingWebhookConfiguration.class, ClusterIssuer.class);

  @ParameterizedTest
  @ValueSource(strings = {"dev", "production"})
  void everyObjectParsesStrictlyAndSitsInTheJobflowNamespace(String overlay) {
    Manifests m = Kustomize.overlay(overlay);
    for (HasMetadata o : m.objects) {
      String ns = o.getMetadata().getNamespace();
      if (CLUSTER_SCOPED.contains(o.getClass())) {
        assertEquals(null, ns, o.getKind() + " " + o.getMetadata().getName() + " is cluster-scoped");
      } else {
        assertEquals(NS, ns, o.getKind() + " " + o.getMetadata().getName());
      }
    }
    m.get(Namespace.class, NS);
    m.get(CustomResourceDefinition.class, "jobflows.jobflow.dev");
    assertEquals(Set.of("jobflow-controller", "jobflow-webhook"), Set.copyOf(m.names(Deployment.class)));
  }

  @ParameterizedTest
  @ValueSource(strings = {"dev", "production"})
  void webhookConfigurationsReachTheWebhookPodsThroughTheirService(String overlay) {
    Manifests m = Kustomize.overlay(overlay);
    List<Object[]> hooks = new ArrayList<>(); // {configuration, clientConfig.service}
    m.all(ValidatingWebhookConfiguration.class).forEach(c -> c.getWebhooks()
        .forEach(w -> hooks.add(new Object[] {c, w.getClientConfig().getService()})));
    m.all(MutatingWebhookConfiguration.class).forEach(c -> c.getWebhooks()
        .forEach(w -> hooks.add(new Object[] {c, w.getClientConfig().getService()})));
    assertFalse(m.all(ValidatingWebhookConfiguration.class).isEmpty(), "a ValidatingWebhookConfiguration");
    assertFalse(m.all(MutatingWebhookConfiguration.class).isEmpty(), "a MutatingWebhookConfiguration");
    for (Object[] hook : hooks) {
      HasMetadata config = (HasMetadata) hook[0];
      ServiceReference ref = (ServiceReference) hook[1];
      String what = config.getKind() + " " + config.getMetadata().getName();
      assertNotNull(ref, what + " must call the in-cluster Service, not a URL");
      assertEquals(NS, ref.getNamespace(), what + " clientConfig.service.namespace");
      Service service = m.get(Service.class, ref.getName());
      int port = ref.getPort() == null ? 443 : ref.getPort();
      ServicePort servicePort = service.getSpec().getPorts().stream().filter(p -> p.getPort() == port).findFirst()
          .orElseThrow(() -> new AssertionError(what + " calls port " + port + " of Service " + ref.getName()
              + ", which does not expose it"));
      List<Deployment> pods = deploymentsSelectedBy(m, service.getSpec().getSelector());
      assertEquals(List.of("jobflow-webhook"), pods.stream().map(d -> d.getMetadata().getName()).toList(),
          "Service " + ref.getName() + " must select the webhook pods only");
      Container webhook = container(pods.get(0), "webhook");
      Integer target = resolvePort(webhook, servicePort.getTargetPort()).orElseThrow(() -> new AssertionError(
          "Service " + ref.getName() + " targets " + servicePort.getTargetPort() + ", not a port of the webhook"));
      assertEquals(String.valueOf(target), flag(webhook, "--port").orElse(null),
          "the webhook listens (--port) where its Service sends traffic");
      assertTrue(Set.of("/validate", "/mutate").contains(ref.getPath()), what + " path " + ref.getPath());

      // cert-manager injects the CA of the Certificate whose Secret the webhook serves.
      String inject = config.getMetadata().getAnnotations().get("cert-manager.io/inject-ca-from");
      assertNotNull(inject, what + " needs the cert-manager.io/inject-ca-from annotation");
      String[] nsName = inject.split("/");
      assertEquals(NS, nsName[0], what + " inject-ca-from namespace");
      Certificate cert = m.get(Certificate.class, nsName[1]);
      String dns = ref.getName() + "." + NS + ".svc";
      assertTrue(cert.getSpec().getDnsNames().contains(dns), "Certificate " + nsName[1] + " must name " + dns);
      // A ClusterIssuer may be the cluster's own (not ours to render); a namespaced Issuer must come with us.
      if (!"ClusterIssuer".equals(cert.getSpec().getIssuerRef().getKind())) {
        m.get(Issuer.class, cert.getSpec().getIssuerRef().getName());
      }

      PodSpec pod = pods.get(0).getSpec().getTemplate().getSpec();
      Map<String, String> files = mountedFiles(m, pod, webhook);
      String secret = cert.getSpec().getSecretName();
      assertEquals("secret/" + secret + "/tls.crt", files.get(flag(webhook, "--tls-cert").orElse("")),
          "--tls-cert must be the Certificate's Secret's tls.crt; mounted: " + files);
      assertEquals("secret/" + secret + "/tls.key", files.get(flag(webhook, "--tls-key").orElse("")),
          "--tls-key must be the Certificate's Secret's tls.key; mounted: " + files);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"dev", "production"})
  void servicesSelectPodsAndTargetTheirPorts(String overlay) {
    Manifests m = Kustomize.overlay(overlay);
    for (Service s : m.all(Service.class)) {
      List<Deployment> pods = deploymentsSelectedBy(m, s.getSpec().getSelector());
      assertEquals(1, pods.size(), "Service " + s.getMetadata().getName() + " selects one Deployment's pods");
      for (ServicePort p : s.getSpec().getPorts()) {
        boolean resolved = pods.get(0).getSpec().getTemplate().getSpec().getContainers().stream()
            .anyMatch(c -> resolvePort(c, p.getTargetPort()).isPresent());
        assertTrue(resolved, "Service " + s.getMetadata().getName() + " targetPort " + p.getTargetPort());
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"dev", "production"})
  void serviceAccountsAndBindingsExist(String overlay) {
    Manifests m = Kustomize.overlay(overlay);
    for (Deployment d : m.all(Deployment.class)) {
      String sa = d.getSpec().getTemplate().getSpec().getServiceAccountName();
      assertNotNull(sa, d.getMetadata().getName() + " names its ServiceAccount");
      m.get(ServiceAccount.class, sa);
    }
    List<Object[]> bindings = new ArrayList<>();
    m.all(ClusterRoleBinding.class).forEach(b -> bindings.add(new Object[] {b, b.getSubjects(), b.getRoleRef()}));
    m.all(RoleBinding.class).forEach(b -> bindings.add(new Object[] {b, b.getSubjects(), b.getRoleRef()}));
    for (Object[] b : bindings) {
      HasMetadata binding = (HasMetadata) b[0];
      for (var subject : (List<io.fabric8.kubernetes.api.model.rbac.Subject>) b[1]) {
        assertEquals("ServiceAccount", subject.getKind(), binding.getMetadata().getName() + " binds only our accounts");
        assertEquals(NS, subject.getNamespace(), binding.getMetadata().getName() + " subject namespace");
        m.get(ServiceAccount.class, subject.getName());
      }
      var roleRef = (io.fabric8.kubernetes.api.model.rbac.RoleRef) b[2];
      if (binding instanceof RoleBinding && "Role".equals(roleRef.getKind())) {
        // A namespaced grant (the replicas' pod discovery): its Role lives in the binding's namespace.
        assertEquals(binding.getMetadata().getNamespace(), m.get(Role.class, roleRef.getName()).getMetadata()
            .getNamespace(), binding.getMetadata().getName() + " binds a Role of its own namespace");
        continue;
      }
      assertEquals("ClusterRole", roleRef.getKind(), binding.getMetadata().getName());
      m.get(ClusterRole.class, roleRef.getName());
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"dev", "production"})
  void probesAndListenFlagsUseTheContainersPorts(String overlay) {
    Manifests m = Kustomize.overlay(overlay);
    for (Deployment d : m.all(Deployment.class)) {
      for (Container c : d.getSpec().getTemplate().getSpec().getContainers()) {
        String who = d.getMetadata().getName() + "/" + c.getName();
        Probe live = c.getLivenessProbe();
        Probe ready = c.getReadinessProbe();
        assertNotNull(live, who + " livenessProbe");
        assertNotNull(ready, who + " readinessProbe");
        assertEquals("/healthz", live.getHttpGet().getPath(), who + " liveness path");
        assertEquals("/readyz", ready.getHttpGet().getPath(), who + " readiness path");
        for (Probe p : new Probe[] {live, ready, c.getStartupProbe()}) {
          if (p != null) {
            Integer port = resolvePort(c, p.getHttpGet().getPort()).orElseThrow(() -> new AssertionError(
                who + " probes port " + p.getHttpGet().getPort() + ", which the container does not declare"));
            boolean tls = port.toString().equals(flag(c, "--port").orElse(null));
            assertEquals(tls ? "HTTPS" : null, p.getHttpGet().getScheme(), who + " probe scheme on port " + port);
          }
        }
        for (String f : List.of("--port", "--http-port", "--metrics-port", "--webhook-port")) {
          flag(c, f).ifPresent(v -> assertTrue(c.getPorts().stream()
              .anyMatch(p -> String.valueOf(p.getContainerPort()).equals(v)), who + " " + f + "=" + v
              + " is not a declared containerPort"));
        }
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"dev", "production"})
  void configFilesComeFromTheGeneratedConfigMapAndSecretsFromKnownSources(String overlay) throws Exception {
    Manifests m = Kustomize.overlay(overlay);
    Set<String> certificateSecrets = Set.copyOf(m.all(Certificate.class).stream()
        .map(c -> c.getSpec().getSecretName()).toList());
    String install = Files.readString(Kustomize.PROJECT.resolve("docs/install.md"));
    for (Deployment d : m.all(Deployment.class)) {
      PodSpec pod = d.getSpec().getTemplate().getSpec();
      for (Container c : pod.getContainers()) {
        String who = d.getMetadata().getName() + "/" + c.getName();
        Map<String, String> files = mountedFiles(m, pod, c);
        String opts = PodWiring.env(c, "JAVA_TOOL_OPTIONS").orElse("");
        for (String[] prop : new String[][] {{"config.file", "application.conf"},
            {"logback.configurationFile", "logback.xml"}}) {
          String path = opts.replaceAll("(?s).*-D" + prop[0].replace(".", "\\.") + "=(\\S+).*", "$1");
          String source = files.getOrDefault(path, "nothing");
          assertTrue(source.matches("configMap/jobflow-config-[a-z0-9]+/" + prop[1].replace(".", "\\.")),
              who + " -D" + prop[0] + "=" + path + " must be the generated ConfigMap's " + prop[1] + ", is " + source);
          m.get(ConfigMap.class, source.split("/")[1]);
        }
        for (EnvVar e : c.getEnv()) {
          if (e.getValueFrom() != null && e.getValueFrom().getSecretKeyRef() != null) {
            var ref = e.getValueFrom().getSecretKeyRef();
            assertEquals("jobflow-journal", ref.getName(), who + " env " + e.getName() + " reads an unknown Secret");
            assertTrue(install.contains("jobflow-journal") && install.contains(ref.getKey()),
                "docs/install.md must tell operators to create Secret jobflow-journal with key " + ref.getKey());
          }
        }
      }
      for (Volume v : pod.getVolumes()) {
        List<String> secrets = new ArrayList<>();
        if (v.getSecret() != null) secrets.add(v.getSecret().getSecretName());
        if (v.getProjected() != null) {
          v.getProjected().getSources().stream().filter(s -> s.getSecret() != null)
              .forEach(s -> secrets.add(s.getSecret().getName()));
        }
        secrets.forEach(s -> assertTrue(certificateSecrets.contains(s), d.getMetadata().getName() + " volume "
            + v.getName() + " mounts Secret " + s + ", which no Certificate writes"));
        if (v.getPersistentVolumeClaim() != null) {
          m.get(PersistentVolumeClaim.class, v.getPersistentVolumeClaim().getClaimName());
        }
      }
    }
  }
}
