package dev.jobflow.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The fabric8 interceptor against fabric8's API-server emulator in CRUD mode, measured by a real scrape. */
class KubeApiMetricsTest {
  /** The emulator logs every request at INFO through java.util.logging; kept (strongly) at WARNING here. */
  static final java.util.logging.Logger EMULATOR_LOG = java.util.logging.Logger.getLogger("io.fabric8.mockwebserver");

  static {
    EMULATOR_LOG.setLevel(java.util.logging.Level.WARNING);
  }

  MetricsServer metricsServer;
  KubernetesMockServer apiServer;

  @BeforeEach
  void start() {
    metricsServer = MetricsFixture.start();
    apiServer = new KubernetesMockServer(new Context(Serialization.jsonMapper()), new MockWebServer(), new HashMap<>(),
        new KubernetesCrudDispatcher(List.of()), false);
    apiServer.init(InetAddress.getLoopbackAddress(), 0);
  }

  @AfterEach
  void stop() {
    apiServer.destroy();
    metricsServer.close();
  }

  @Test
  void countsEveryCallByVerbAndResourceAndEveryFailureByCode() throws Exception {
    try (KubernetesClient client = apiServer.createClient(b -> KubeApiMetrics.install(b, JobflowMetrics.global()))) {
      var jobs = client.batch().v1().jobs().inNamespace("data");
      jobs.resource(job("nightly-etl-extract-1")).create();
      assertThrows(KubernetesClientException.class, () -> jobs.resource(job("nightly-etl-extract-1")).create());
      assertNull(jobs.withName("absent").get());
      assertEquals(1, jobs.list().getItems().size());
      jobs.withName("nightly-etl-extract-1").delete();
      jobs.watch(new io.fabric8.kubernetes.client.Watcher<>() {
        @Override
        public void eventReceived(Action action, io.fabric8.kubernetes.api.model.batch.v1.Job job) {}

        @Override
        public void onClose(io.fabric8.kubernetes.client.WatcherException cause) {}
      }).close();
    }
    Scrape scrape = Scrape.until(metricsServer.uri(), s -> Double.valueOf(1.0).equals(
        s.value("jobflow_kube_requests_total", Map.of("verb", "delete", "resource", "jobs")))
        && s.value("jobflow_kube_requests_total", Map.of("verb", "watch", "resource", "jobs")) != null,
        Duration.ofSeconds(20));
    assertEquals(2.0, scrape.value("jobflow_kube_requests_total", Map.of("verb", "create", "resource", "jobs")));
    assertEquals(1.0, scrape.value("jobflow_kube_requests_total", Map.of("verb", "get", "resource", "jobs")));
    assertEquals(1.0, scrape.value("jobflow_kube_requests_total", Map.of("verb", "list", "resource", "jobs")));
    assertEquals(1.0, scrape.value("jobflow_kube_api_errors_total",
        Map.of("verb", "create", "resource", "jobs", "code", "409")));
    assertEquals(1.0, scrape.value("jobflow_kube_api_errors_total",
        Map.of("verb", "get", "resource", "jobs", "code", "404")));
    assertEquals(1.0, scrape.value("jobflow_kube_requests_total", Map.of("verb", "watch", "resource", "jobs")));
    assertEquals(2, scrape.series("jobflow_kube_api_errors_total").stream()
            .filter(labels -> scrape.value("jobflow_kube_api_errors_total", labels) > 0).count(),
        "a watch's 101 Switching Protocols is no error: " + scrape.text());
  }

  /** fabric8 tells interceptors about connection failures it retries, so each retried attempt counts. */
  @Test
  void anUnreachableApiServerCountsAsConnectionErrors() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = socket.getLocalPort();
    }
    var config = new ConfigBuilder().withMasterUrl("http://127.0.0.1:" + closedPort).withRequestRetryBackoffLimit(2)
        .withRequestRetryBackoffInterval(10).withRequestTimeout(2000).build();
    try (KubernetesClient client =
        KubeApiMetrics.install(new KubernetesClientBuilder().withConfig(config), JobflowMetrics.global()).build()) {
      assertThrows(KubernetesClientException.class,
          () -> client.batch().v1().jobs().inNamespace("data").resource(job("x-y-1")).create());
    }
    // Both attempts failed before create() threw, but a tick may have published the counter between them:
    // wait for a tick after both, then the count must be exactly two.
    var labels = Map.of("verb", "create", "resource", "jobs", "code", "connection");
    Scrape scrape = Scrape.until(metricsServer.uri(), s -> s.value("jobflow_kube_api_errors_total", labels) != null
        && s.value("jobflow_kube_api_errors_total", labels) >= 2.0, Duration.ofSeconds(20));
    assertEquals(2.0, scrape.value("jobflow_kube_api_errors_total", labels), "one per retried attempt");
  }

  static Job job(String name) {
    return new JobBuilder().withNewMetadata().withName(name).endMetadata()
        .withNewSpec().withNewTemplate().withNewSpec().withRestartPolicy("Never")
        .addNewContainer().withName("main").withImage("busybox").endContainer()
        .endSpec().endTemplate().endSpec().build();
  }
}
