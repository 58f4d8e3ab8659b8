package dev.jobflow.dev;

import com.typesafe.config.Config;
import dev.jobflow.admission.AdmissionSettings;
import dev.jobflow.api.FlowPhase;
import dev.jobflow.api.JobFlow;
import dev.jobflow.api.JobFlowYaml;
import dev.jobflow.controller.Controller;
import dev.jobflow.controller.ControllerSettings;
import dev.jobflow.emulator.Emulator;
import dev.jobflow.emulator.EmulatorOptions;
import dev.jobflow.emulator.WebhookTarget;
import dev.jobflow.journal.JournalSettings;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.io.Reader;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code jobflow dev}: the API-server emulator, the controller (H2 journal under the data dir), the
 * admission webhooks (with a self-signed certificate the emulator trusts) and {@code /metrics}, in one
 * process, so a flow can be run and watched with nothing installed but Java.
 */
public final class DevMode implements AutoCloseable {

  /**
   * @param apiPort the emulator's port (0: any free one)
   * @param httpPort health and API port (0: any free one)
   * @param metricsPort the /metrics port (0: any free one)
   */
  public record Options(Path dataDir, EmulatorOptions.ExecutorKind executor, int apiPort, int httpPort,
                        int metricsPort) {}

  private final Emulator emulator;
  private final Controller controller;
  private final Path kubeconfig;

  private DevMode(Emulator emulator, Controller controller, Path kubeconfig) {
    this.emulator = emulator;
    this.controller = controller;
    this.kubeconfig = kubeconfig;
  }

  public static DevMode start(Options options, Config config) throws Exception {
    Path data = options.dataDir().toAbsolutePath().normalize();
    Files.createDirectories(data);
    DevCertificate cert = DevCertificate.create(data.resolve("dev-tls"));
    int webhookPort = freePort();
    URI webhook = URI.create("https://127.0.0.1:" + webhookPort);
    Emulator emulator = Emulator.start(EmulatorOptions.defaults().withPort(options.apiPort())
        .withExecutor(options.executor()).withDataDir(data)
        .withWebhooks(List.of(WebhookTarget.mutating(webhook.resolve("/mutate"), cert.certificatePem()),
            WebhookTarget.validating(webhook.resolve("/validate"), cert.certificatePem()))));
    try {
      Path kubeconfig = emulator.writeKubeconfig(data.resolve("dev.kubeconfig"));
      Config withMetrics = config.withValue("jobflow.metrics.port",
          com.typesafe.config.ConfigValueFactory.fromAnyRef(options.metricsPort()));
      JournalSettings journal = JournalSettings.fromConfig(withMetrics).withDataDir(data);
      ControllerSettings base = ControllerSettings.fromConfig(withMetrics,
          new ControllerSettings.Cluster(emulator.config(), List.of()), journal,
          AdmissionSettings.of("127.0.0.1", webhookPort, cert.certFile(), cert.keyFile()));
      // Dev mode is one user on one machine: the audit API asks no token (the only place authorization is off).
      Controller controller = Controller.start(base.withHttp(
          new ControllerSettings.Http(base.http().host(), options.httpPort(), false)), withMetrics);
      return new DevMode(emulator, controller, kubeconfig);
    } catch (Exception | Error e) {
      emulator.close();
      throw e;
    }
  }

  /** Creates the flows of these YAML files (namespace {@code default} where none is given). */
  public List<JobFlow> submit(List<Path> files) throws IOException {
    List<JobFlow> submitted = new ArrayList<>();
    for (Path file : files) {
      List<JobFlow> flows;
      try (Reader in = "-".equals(file.toString()) ? new java.io.InputStreamReader(System.in) : Files.newBufferedReader(file)) {
        flows = JobFlowYaml.readAll(in);
      } catch (IOException e) {
        throw new IOException(file + ": " + e.getMessage(), e);
      }
      for (JobFlow flow : flows) {
        if (flow.getMetadata().getNamespace() == null) {
          flow.getMetadata().setNamespace("default");
        }
        try {
          submitted.add(client().resources(JobFlow.class).inNamespace(flow.getMetadata().getNamespace())
              .resource(flow).create());
        } catch (KubernetesClientException e) {
          throw new IOException(file + ": " + flow.getMetadata().getName() + " was refused: "
              + (e.getStatus() != null && e.getStatus().getMessage() != null ? e.getStatus().getMessage() : e.getMessage()), e);
        }
      }
    }
    return submitted;
  }

  /** The current view of these flows (a deleted one keeps its last view). */
  public List<FlowProgress> progress(List<JobFlow> flows) {
    List<FlowProgress> out = new ArrayList<>();
    for (JobFlow f : flows) {
      JobFlow current = client().resources(JobFlow.class).inNamespace(f.getMetadata().getNamespace())
          .withName(f.getMetadata().getName()).get();
      out.add(FlowProgress.of(current == null ? f : current, f.getSpec().getSteps().size()
          + (f.getSpec().getFinallySteps() == null ? 0 : f.getSpec().getFinallySteps().size())));
    }
    return out;
  }

  /** Polls until every flow has finished, showing progress; true when all succeeded. */
  public boolean awaitAll(List<JobFlow> flows, ProgressView view, Duration poll, java.util.function.Consumer<FlowProgress> onFinished)
      throws InterruptedException {
    java.util.Set<String> reported = new java.util.HashSet<>();
    while (true) {
      List<FlowProgress> now = progress(flows);
      view.show(now);
      for (FlowProgress p : now) {
        if (p.isFinished() && reported.add(p.namespace() + "/" + p.name())) {
          onFinished.accept(p);
        }
      }
      if (now.stream().allMatch(FlowProgress::isFinished)) {
        return now.stream().allMatch(p -> p.phase() == FlowPhase.Succeeded);
      }
      Thread.sleep(poll.toMillis());
    }
  }

  public KubernetesClient client() {
    return emulator.client();
  }

  public Emulator emulator() {
    return emulator;
  }

  public Controller controller() {
    return controller;
  }

  public Path kubeconfig() {
    return kubeconfig;
  }

  @Override
  public void close() {
    try {
      controller.close();
    } finally {
      emulator.close();
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 0, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
