package dev.jobflow.cli;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.jobflow.admission.AdmissionSettings;
import dev.jobflow.api.JobFlow;
import dev.jobflow.api.JobFlowYaml;
import dev.jobflow.controller.Controller;
import dev.jobflow.controller.ControllerSettings;
import dev.jobflow.dev.DevCertificate;
import dev.jobflow.emulator.Emulator;
import dev.jobflow.emulator.EmulatorOptions;
import dev.jobflow.emulator.WebhookTarget;
import dev.jobflow.journal.JournalSettings;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The emulator calling the controller's embedded admission webhooks over TLS (as {@code jobflow dev} wires them), the
 * controller restartable on the same webhook port, and users with tokens the emulator authenticates.
 */
final class ApprovalCluster implements AutoCloseable {
  final Path dir;
  final Emulator emulator;
  final DevCertificate cert;
  final int webhookPort;
  Controller controller;

  ApprovalCluster(Path dir) throws Exception {
    this.dir = dir;
    this.cert = DevCertificate.create(dir.resolve("tls"));
    try (ServerSocket s = new ServerSocket(0, 0, java.net.InetAddress.getLoopbackAddress())) {
      webhookPort = s.getLocalPort();
    }
    URI webhook = URI.create("https://127.0.0.1:" + webhookPort);
    emulator = Emulator.start(EmulatorOptions.defaults().withExecutor(EmulatorOptions.ExecutorKind.SIMULATE)
        .withDataDir(dir.resolve("emulator"))
        .withWebhooks(List.of(WebhookTarget.mutating(webhook.resolve("/mutate"), cert.certificatePem()),
            WebhookTarget.validating(webhook.resolve("/validate"), cert.certificatePem()))));
    emulator.accessReviews().addToken("alice-token", "alice", "developers")
        .addToken("mallory-token", "mallory", "developers")
        .addToken("rita-token", "rita", "release-managers");
    startController();
  }

  static Config config() {
    return ConfigFactory.parseMap(Map.of(
        "jobflow.controller.status-interval", "50ms",
        "jobflow.controller.resync", "30s",
        "akka.loglevel", "WARNING",
        "akka.coordinated-shutdown.run-by-jvm-shutdown-hook", "off",
        "akka.coordinated-shutdown.exit-jvm", "off"))
        .withFallback(ConfigFactory.load());
  }

  void startController() throws Exception {
    Config config = config();
    JournalSettings journal = JournalSettings.fromConfig(config).withDataDir(dir.resolve("journal"));
    ControllerSettings settings = ControllerSettings.fromConfig(config,
        new ControllerSettings.Cluster(emulator.config(), List.of()), journal,
        AdmissionSettings.of("127.0.0.1", webhookPort, cert.certFile(), cert.keyFile()))
        .withHttp(new ControllerSettings.Http("127.0.0.1", 0, false)).withoutMetrics();
    controller = Controller.start(settings, config);
  }

  void restartController() throws Exception {
    controller.close();
    startController();
  }

  KubernetesClient client() {
    return emulator.client();
  }

  JobFlow submit(String yaml) throws Exception {
    JobFlow flow = JobFlowYaml.read(yaml);
    flow.getMetadata().setNamespace("default");
    return client().resources(JobFlow.class).inNamespace("default").resource(flow).create();
  }

  JobFlow get(String name) {
    return client().resources(JobFlow.class).inNamespace("default").withName(name).get();
  }

  /** A kubeconfig for this emulator that authenticates with {@code token}. */
  Path kubeconfig(String token) throws Exception {
    Path file = emulator.writeKubeconfig(dir.resolve("kubeconfig-" + token));
    Files.writeString(file, Files.readString(file).replace("token: emulator", "token: " + token));
    return file;
  }

  /** The flow's audit trail from the controller's HTTP API (JSON). */
  String history(String name) throws Exception {
    HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
        "http://127.0.0.1:" + controller.httpPort() + "/api/v1/namespaces/default/jobflows/" + name + "/history"))
        .build(), HttpResponse.BodyHandlers.ofString());
    return r.body();
  }

  @Override
  public void close() {
    controller.close();
    emulator.close();
  }
}
