package dev.jobflow.dev;

import com.typesafe.config.Config;
import dev.jobflow.admission.AdmissionSettings;
import dev.jobflow.api.CronJobFlow;
import dev.jobflow.api.FlowPhase;
import dev.jobflow.api.JobFlow;
import dev.jobflow.api.JobFlowTemplate;
import dev.jobflow.api.JobFlowYaml;
import dev.jobflow.schedule.ScheduledFlows;
import io.fabric8.kubernetes.api.model.HasMetadata;
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
   * @param clockSpeed how many times faster than the wall clock schedules run (1: as in production)
   */
  public record Options(Path dataDir, EmulatorOptions.ExecutorKind executor, int apiPort, int httpPort,
                        int metricsPort, double clockSpeed) {
    public Options(Path dataDir, EmulatorOptions.ExecutorKind executor, int apiPort, int httpPort, int metricsPort) {
      this(dataDir, executor, apiPort, httpPort, metricsPort, 1.0);
    }
  }

  /** What {@link #submitAll} created: the flows, and the schedules whose runs are flows too. */
  public record Submitted(List<JobFlow> flows, List<CronJobFlow> schedules) {}

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
          new ControllerSettings.Http(base.http().host(), options.httpPort(), false))
          .withScheduleClockSpeed(options.clockSpeed()), withMetrics);
      return new DevMode(emulator, controller, kubeconfig);
    } catch (Exception | Error e) {
      emulator.close();
      throw e;
    }
  }

  /** Creates the flows of these YAML files (namespace {@code default} where none is given); see {@link #submitAll}. */
  public List<JobFlow> submit(List<Path> files) throws IOException {
    return submitAll(files).flows();
  }

  /**
   * Creates the JobFlowTemplates, JobFlows and CronJobFlows of these YAML files (namespace {@code default} where none
   * is given): every template first, so the flows and schedules that name one are admitted.
   */
  public Submitted submitAll(List<Path> files) throws IOException {
    List<Object[]> objects = new ArrayList<>(); // {file, object}
    for (Path file : files) {
      try (Reader in = "-".equals(file.toString()) ? new java.io.InputStreamReader(System.in) : Files.newBufferedReader(file)) {
        for (HasMetadata o : JobFlowYaml.readAllObjects(in)) {
          objects.add(new Object[] {file, o});
        }
      } catch (IOException e) {
        throw new IOException(file + ": " + e.getMessage(), e);
      }
    }
    objects.sort(java.util.Comparator.comparingInt(o -> o[1] instanceof JobFlowTemplate ? 0 : 1));
    List<JobFlow> flows = new ArrayList<>();
    List<CronJobFlow> schedules = new ArrayList<>();
    for (Object[] entry : objects) {
      HasMetadata object = (HasMetadata) entry[1];
      if (object.getMetadata().getNamespace() == null) {
        object.getMetadata().setNamespace("default");
      }
      try {
        HasMetadata created = client().resource(object).create();
        if (created instanceof JobFlow f) {
          flows.add(f);
        } else if (created instanceof CronJobFlow c) {
          schedules.add(c);
        }
      } catch (KubernetesClientException e) {
        throw new IOException(entry[0] + ": " + object.getMetadata().getName() + " was refused: "
            + (e.getStatus() != null && e.getStatus().getMessage() != null ? e.getStatus().getMessage() : e.getMessage()), e);
      }
    }
    return new Submitted(flows, schedules);
  }

  /** The current view of these flows (a deleted one keeps its last view). */
  public List<FlowProgress> progress(List<JobFlow> flows) {
    List<FlowProgress> out = new ArrayList<>();
    for (JobFlow f : flows) {
      JobFlow current = client().resources(JobFlow.class).inNamespace(f.getMetadata().getNamespace())
          .withName(f.getMetadata().getName()).get();
      out.add(FlowProgress.of(current == null ? f : current, (f.getSpec().getSteps() == null ? 0 : f.getSpec().getSteps().size())
          + (f.getSpec().getFinallySteps() == null ? 0 : f.getSpec().getFinallySteps().size())));
    }
    return out;
  }

  /** Polls until every flow has finished, showing progress; true when all succeeded. */
  public boolean awaitAll(List<JobFlow> flows, ProgressView view, Duration poll, java.util.function.Consumer<FlowProgress> onFinished)
      throws InterruptedException {
    return awaitAll(new Submitted(flows, List.of()), view, poll, onFinished);
  }

  /**
   * Polls until every flow has finished and every schedule's first run has (followed like the flows), showing
   * progress; true when all succeeded.
   */
  public boolean awaitAll(Submitted submitted, ProgressView view, Duration poll,
                          java.util.function.Consumer<FlowProgress> onFinished) throws InterruptedException {
    java.util.Set<String> reported = new java.util.HashSet<>();
    java.util.Map<String, JobFlow> tracked = new java.util.LinkedHashMap<>();
    submitted.flows().forEach(f -> tracked.put(f.getMetadata().getNamespace() + "/" + f.getMetadata().getName(), f));
    while (true) {
      boolean everyScheduleRan = true;
      for (CronJobFlow schedule : submitted.schedules()) {
        List<JobFlow> runs = client().resources(JobFlow.class).inNamespace(schedule.getMetadata().getNamespace())
            .withLabel(ScheduledFlows.SCHEDULE_UID_LABEL, schedule.getMetadata().getUid()).list().getItems();
        boolean followed = tracked.values().stream().anyMatch(f -> schedule.getMetadata().getUid()
            .equals(ScheduledFlows.scheduleUid(f)));
        // Its first run is followed to the end; later ones keep coming and are left to kubectl get jf.
        runs.stream().min(java.util.Comparator.comparing(f -> f.getMetadata().getName())).filter(f -> !followed)
            .ifPresent(f -> tracked.put(f.getMetadata().getNamespace() + "/" + f.getMetadata().getName(), f));
        everyScheduleRan &= followed || !runs.isEmpty();
      }
      List<FlowProgress> now = progress(new ArrayList<>(tracked.values()));
      view.show(now);
      for (FlowProgress p : now) {
        if (p.isFinished() && reported.add(p.namespace() + "/" + p.name())) {
          onFinished.accept(p);
        }
      }
      if (everyScheduleRan && now.stream().allMatch(FlowProgress::isFinished)) {
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
