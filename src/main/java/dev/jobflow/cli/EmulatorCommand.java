package dev.jobflow.cli;

import dev.jobflow.emulator.Emulator;
import dev.jobflow.emulator.EmulatorOptions;
import dev.jobflow.emulator.WebhookTarget;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code jobflow emulator}: a Kubernetes API server on loopback that runs Jobs locally. */
@Command(name = "emulator",
    header = "Serve the Kubernetes API emulator on loopback.",
    mixinStandardHelpOptions = true,
    footerHeading = "%nExamples:%n",
    footer = {"  jobflow emulator --executor process", "  jobflow emulator --port 0 --kubeconfig-out /tmp/kubeconfig"},
    description = {
        "Serves a Kubernetes API emulator on loopback (JobFlows, Jobs, Pods, Events, Namespaces) that kubectl",
        "and the controller can use, runs its Jobs with an executor, and writes a kubeconfig for it.",
        "Runs until stopped (Ctrl-C or SIGTERM); all state is in memory."})
public final class EmulatorCommand implements Callable<Integer> {

  @Option(names = "--port", defaultValue = "6443", description = "Port on 127.0.0.1 (0: any free port). Default: ${DEFAULT-VALUE}.")
  int port;

  @Option(names = "--kubeconfig-out", defaultValue = "data/dev.kubeconfig",
      description = "Where to write the kubeconfig for kubectl and the controller. Default: ${DEFAULT-VALUE}.")
  Path kubeconfig;

  @Option(names = "--executor", defaultValue = "process",
      description = "What runs the Jobs: process (their command as a local process), simulate (annotations decide "
          + "duration and outcome) or none. Default: ${DEFAULT-VALUE}.")
  String executor;

  @Option(names = "--pods", negatable = true,
      description = "Give every Job attempt a Pod (kubectl get pods, kubectl logs). Default: on with the process "
          + "executor; off with simulate, where only Jobs whose template has sim.jobflow.dev/outputs get one "
          + "(the controller reads outputs there), so the emulator does half the writes.")
  Boolean pods;

  @Option(names = "--data-dir", defaultValue = "data",
      description = "Working directories and logs of the process executor (logs/NS/JOB.log). Default: ${DEFAULT-VALUE}.")
  Path dataDir;

  @Option(names = "--mutating-webhook", paramLabel = "URL",
      description = "Call this AdmissionReview endpoint (e.g. https://127.0.0.1:8443/mutate) on JobFlow create/update.")
  List<URI> mutating = new ArrayList<>();

  @Option(names = "--validating-webhook", paramLabel = "URL",
      description = "Call this AdmissionReview endpoint (e.g. https://127.0.0.1:8443/validate) on JobFlow create/update.")
  List<URI> validating = new ArrayList<>();

  @Option(names = "--webhook-ca", paramLabel = "FILE", description = "PEM certificate to trust for https webhooks.")
  Path webhookCa;

  @Override
  public Integer call() throws Exception {
    EmulatorOptions.ExecutorKind kind;
    try {
      kind = EmulatorOptions.ExecutorKind.valueOf(executor.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--executor " + executor + " is not one of process, simulate, none");
    }
    String ca = webhookCa == null ? null : Files.readString(webhookCa);
    List<WebhookTarget> hooks = new ArrayList<>();
    mutating.forEach(u -> hooks.add(WebhookTarget.mutating(u, ca)));
    validating.forEach(u -> hooks.add(WebhookTarget.validating(u, ca)));
    EmulatorOptions options = EmulatorOptions.defaults().withPort(port).withExecutor(kind).withDataDir(dataDir)
        .withWebhooks(hooks).withCreatePods(pods != null ? pods : kind == EmulatorOptions.ExecutorKind.PROCESS);
    Emulator emulator = Emulator.start(options);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      emulator.close();
      stopped.countDown();
    }, "emulator-shutdown"));
    Path written = emulator.writeKubeconfig(kubeconfig);
    System.out.println("jobflow emulator: serving " + emulator.url() + " (executor " + kind.name().toLowerCase(Locale.ROOT)
        + ")");
    System.out.println("jobflow emulator: kubeconfig " + written.toAbsolutePath()
        + "  (export KUBECONFIG=" + written.toAbsolutePath() + ")");
    System.out.flush();
    stopped.await();
    return ExitCodes.OK;
  }
}
