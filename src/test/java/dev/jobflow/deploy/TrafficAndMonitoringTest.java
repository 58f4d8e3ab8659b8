package dev.jobflow.deploy;

import static dev.jobflow.deploy.PodWiring.container;
import static dev.jobflow.deploy.PodWiring.deploymentsSelectedBy;
import static dev.jobflow.deploy.PodWiring.flag;
import static dev.jobflow.deploy.PodWiring.resolvePort;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyEgressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import io.fabric8.openshift.api.model.monitoring.v1.PrometheusRule;
import io.fabric8.openshift.api.model.monitoring.v1.ServiceMonitor;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Who may talk to whom (NetworkPolicies), and whether Prometheus scrapes what the alert rules query. */
class TrafficAndMonitoringTest {

  @ParameterizedTest
  @ValueSource(strings = {"dev", "production"})
  void networkPoliciesOpenOnlyTheApiServerDnsAndMetricsToPrometheus(String overlay) {
    Manifests m = Kustomize.overlay(overlay);
    assertTrue(m.all(NetworkPolicy.class).stream().anyMatch(p -> empty(p.getSpec().getPodSelector().getMatchLabels())
        && empty(p.getSpec().getPodSelector().getMatchExpressions())
        && p.getSpec().getPolicyTypes().containsAll(List.of("Ingress", "Egress"))
        && empty(p.getSpec().getIngress()) && empty(p.getSpec().getEgress())),
        "a default-deny policy for every pod of the namespace");

    Deployment webhook = m.get(Deployment.class, "jobflow-webhook");
    int webhookPort = Integer.parseInt(flag(container(webhook, "webhook"), "--port").orElseThrow());
    int webhookMetrics = Integer.parseInt(flag(container(webhook, "webhook"), "--metrics-port").orElseThrow());
    List<NetworkPolicyIngressRule> webhookIn = ingressOf(m, webhook);
    assertEquals(Set.of(webhookPort, webhookMetrics),
        ports(webhookIn.stream().flatMap(r -> r.getPorts().stream()).toList()),
        "the webhook pods accept only their HTTPS port and scrapes of their metrics port");
    for (NetworkPolicyIngressRule r : webhookIn) {
      if (ports(r.getPorts()).contains(webhookMetrics)) {
        assertFalse(r.getFrom() == null || r.getFrom().isEmpty(), "webhook metrics ingress must name Prometheus' pods");
      }
    }
    Set<String> webhookEgress = new HashSet<>();
    egressOf(m, webhook).forEach(r -> {
      assertTrue(r.getTo() == null || r.getTo().isEmpty(), "webhook egress by port only (the API server is no pod)");
      r.getPorts().forEach(p -> webhookEgress.add(p.getProtocol() + "/" + p.getPort().getIntVal()));
    });
    assertEquals(Set.of("UDP/53", "TCP/53", "TCP/443", "TCP/6443"), webhookEgress,
        "the webhook calls the API server (to read JobFlowTemplates) and nothing else");

    Deployment controller = m.get(Deployment.class, "jobflow-controller");
    int metricsPort = Integer.parseInt(flag(container(controller, "controller"), "--metrics-port").orElseThrow());
    List<NetworkPolicyIngressRule> controllerIn = ingressOf(m, controller);
    Set<Integer> peerPorts = overlay.equals("production") ? Set.of(25520, 8558) : Set.of();
    int triggerPort = container(controller, "controller").getPorts().stream()
        .filter(p -> "triggers".equals(p.getName())).findFirst().orElseThrow().getContainerPort();
    Set<Integer> expectedIn = new HashSet<>(peerPorts);
    expectedIn.add(metricsPort);
    expectedIn.add(triggerPort);
    assertEquals(expectedIn, ports(controllerIn.stream().flatMap(r -> r.getPorts().stream()).toList()),
        "the controller accepts scrapes of its metrics port, senders of its trigger port, and its peers' remoting and "
            + "management (production)");
    Map<String, String> controllerPods = controller.getSpec().getTemplate().getMetadata().getLabels();
    for (NetworkPolicyIngressRule r : controllerIn) {
      if (!java.util.Collections.disjoint(ports(r.getPorts()), peerPorts)) {
        assertEquals(peerPorts, ports(r.getPorts()), "peer ports in a rule of their own");
        assertPeersOnly(r.getFrom(), controllerPods);
        continue;
      }
      assertFalse(r.getFrom() == null || r.getFrom().isEmpty(), "metrics and trigger ingress must name their pods");
      assertEquals(1, ports(r.getPorts()).size(), "one port per rule: Alertmanager cannot scrape, Prometheus cannot "
          + "trigger");
      String sender = ports(r.getPorts()).contains(triggerPort) ? "alertmanager" : "prometheus";
      r.getFrom().forEach(peer -> assertEquals(sender, peer.getPodSelector().getMatchLabels()
          .get("app.kubernetes.io/name"), "port " + r.getPorts() + " is opened to " + sender + " only"));
      r.getFrom().forEach(peer -> {
        assertNotNull(peer.getNamespaceSelector(), "Prometheus' namespace");
        assertNotNull(peer.getPodSelector(), "Prometheus' pods");
      });
    }
    Set<String> egress = new HashSet<>();
    egressOf(m, controller).forEach(r -> {
      if (!java.util.Collections.disjoint(ports(r.getPorts()), peerPorts)) {
        assertEquals(peerPorts, ports(r.getPorts()), "peer ports in a rule of their own");
        assertPeersOnly(r.getTo(), controllerPods);
        return;
      }
      r.getPorts().forEach(p -> egress.add(p.getProtocol() + "/" + p.getPort().getIntVal()));
    });
    assertEquals(overlay.equals("production"), egressOf(m, controller).stream()
        .anyMatch(r -> ports(r.getPorts()).equals(peerPorts)), "egress to the peers exactly where replicas are several");
    assertTrue(egress.containsAll(Set.of("UDP/53", "TCP/53")), "DNS egress: " + egress);
    assertTrue(egress.containsAll(Set.of("TCP/443", "TCP/6443")), "API server egress: " + egress);
    assertEquals(overlay.equals("production"), egress.contains("TCP/5432"),
        "PostgreSQL egress exactly where the journal is PostgreSQL: " + egress);
  }

  /** Only the controller's own pods, in its own namespace (no namespaceSelector, no ipBlock). */
  private static void assertPeersOnly(List<io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer> peers,
      Map<String, String> controllerPods) {
    assertFalse(peers == null || peers.isEmpty(), "peer traffic must name the controller's pods");
    for (var peer : peers) {
      assertTrue(peer.getNamespaceSelector() == null && peer.getIpBlock() == null, "own namespace's pods only");
      assertEquals(controllerPods, peer.getPodSelector().getMatchLabels(), "the controller's pods only");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"dev", "production"})
  void prometheusScrapesTheMetricsPortUnderTheJobTheAlertsQuery(String overlay) {
    Manifests m = Kustomize.overlay(overlay);
    ServiceMonitor sm = m.get(ServiceMonitor.class, "jobflow");
    List<Service> services = m.all(Service.class).stream()
        .filter(s -> PodWiring.selects(sm.getSpec().getSelector().getMatchLabels(), s.getMetadata().getLabels()))
        .toList();
    assertEquals(List.of("jobflow-metrics"), services.stream().map(s -> s.getMetadata().getName()).toList(),
        "the ServiceMonitor selects the metrics Service");
    Service metrics = services.get(0);
    Deployment controller = m.get(Deployment.class, "jobflow-controller");
    assertEquals(List.of(controller), deploymentsSelectedBy(m, metrics.getSpec().getSelector()));
    String metricsPort = flag(container(controller, "controller"), "--metrics-port").orElseThrow();
    sm.getSpec().getEndpoints().forEach(e -> {
      ServicePort port = metrics.getSpec().getPorts().stream().filter(p -> p.getName().equals(e.getPort()))
          .findFirst().orElseThrow(() -> new AssertionError("ServiceMonitor port " + e.getPort() + " not in Service"));
      assertEquals(metricsPort, String.valueOf(resolvePort(container(controller, "controller"),
          port.getTargetPort()).orElseThrow()), "scraped port = --metrics-port");
      assertEquals("/metrics", e.getPath());
    });
    String job = metrics.getMetadata().getLabels().get(sm.getSpec().getJobLabel());
    assertNotNull(job, "the Service carries the ServiceMonitor's jobLabel " + sm.getSpec().getJobLabel());

    List<PrometheusRule> rules = m.all(PrometheusRule.class);
    assertFalse(rules.isEmpty(), "the PrometheusRule from deploy/prometheus");
    Set<String> deployments = Set.copyOf(m.names(Deployment.class));
    for (PrometheusRule rule : rules) {
      rule.getSpec().getGroups().forEach(g -> g.getRules().forEach(r -> {
        String expr = r.getExpr().getStrVal() != null ? r.getExpr().getStrVal() : String.valueOf(r.getExpr().getIntVal());
        String name = r.getAlert() != null ? r.getAlert() : r.getRecord();
        for (String j : labelValues(expr, "job")) {
          assertEquals(job, j, name + " selects job=\"" + j + "\", but Prometheus scrapes Jobflow as job=\"" + job + "\"");
        }
        for (String d : labelValues(expr, "deployment")) {
          assertTrue(deployments.contains(d), name + " queries deployment=\"" + d + "\", which is not deployed");
        }
      }));
    }
  }

  /**
   * Values a PromQL expression selects for {@code label}: exact matches {@code label="v"}, and the names of a
   * plain alternation {@code label=~"a|b"} (other regular expressions are not checked).
   */
  static List<String> labelValues(String expr, String label) {
    Matcher matcher = Pattern.compile("(?<![\\w])" + label + "\\s*=(~?)\\s*\"([^\"]*)\"").matcher(expr);
    List<String> values = new java.util.ArrayList<>();
    while (matcher.find()) {
      if (matcher.group(1).isEmpty()) {
        values.add(matcher.group(2));
      } else if (matcher.group(2).matches("[\\w-]+(\\|[\\w-]+)*")) {
        values.addAll(List.of(matcher.group(2).split("\\|")));
      }
    }
    return values;
  }

  private static boolean empty(Object collectionOrMap) {
    return collectionOrMap == null || (collectionOrMap instanceof java.util.Collection<?> c && c.isEmpty())
        || (collectionOrMap instanceof java.util.Map<?, ?> mm && mm.isEmpty());
  }

  private static List<NetworkPolicy> policiesFor(Manifests m, Deployment d) {
    return m.all(NetworkPolicy.class).stream().filter(p -> PodWiring.selects(p.getSpec().getPodSelector().getMatchLabels(),
            d.getSpec().getTemplate().getMetadata().getLabels())).toList();
  }

  private static List<NetworkPolicyIngressRule> ingressOf(Manifests m, Deployment d) {
    List<NetworkPolicy> policies = policiesFor(m, d);
    assertFalse(policies.isEmpty(), "a NetworkPolicy for " + d.getMetadata().getName());
    return policies.stream().filter(p -> p.getSpec().getIngress() != null)
        .flatMap(p -> p.getSpec().getIngress().stream()).toList();
  }

  private static List<NetworkPolicyEgressRule> egressOf(Manifests m, Deployment d) {
    return policiesFor(m, d).stream().filter(p -> p.getSpec().getEgress() != null)
        .flatMap(p -> p.getSpec().getEgress().stream()).toList();
  }

  private static Set<Integer> ports(List<NetworkPolicyPort> ports) {
    Set<Integer> out = new HashSet<>();
    ports.forEach(p -> out.add(p.getPort().getIntVal()));
    return out;
  }
}
