package dev.jobflow.cli;

import com.typesafe.config.ConfigFactory;
import dev.jobflow.audit.FlowHistory;
import dev.jobflow.dev.DevMode;
import dev.jobflow.dev.FlowProgress;
import dev.jobflow.dev.ProgressView;
import dev.jobflow.emulator.EmulatorOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code jobflow dev}: try Jobflow without a cluster. */
@Command(name = "dev",
    header = "Run flows end to end without a cluster.",
    footerHeading = "%nExamples:%n",
    footer = {"  jobflow dev --exit-when-done examples/hello.yaml", "  jobflow dev examples/etl-diamond.yaml   # then: jobflow list"}, mixinStandardHelpOptions = true,
    description = {"Run the API-server emulator, the controller (H2 journal in --data-dir), the webhooks and",
        "/metrics in one process; submit FILEs; show live progress and each flow's audit timeline when it ends.",
        "Without --exit-when-done it keeps serving: KUBECONFIG=<data-dir>/dev.kubeconfig kubectl get jf"})
public final class DevCommand implements Callable<Integer> {

  @Parameters(paramLabel = "FILE", arity = "0..*",
      description = "YAML files with JobFlows, JobFlowTemplates and CronJobFlows to submit ('-' for stdin).")
  List<Path> files = new ArrayList<>();

  @Option(names = "--exit-when-done", description = "Exit once every submitted flow has finished and every submitted "
      + "schedule has run once: 0 if all succeeded, 1 if not.")
  boolean exitWhenDone;

  @Option(names = "--executor", defaultValue = "process",
      description = "How Jobs run: process (their container command as a local process) or simulate (annotations). Default: ${DEFAULT-VALUE}.")
  String executor;

  @Option(names = "--data-dir", defaultValue = "./data", description = "Journal, logs, kubeconfig and work dirs (default: ${DEFAULT-VALUE}).")
  Path dataDir;

  @Option(names = "--port", defaultValue = "6443", description = "Port of the Kubernetes API emulator (default: ${DEFAULT-VALUE}; 0: any free port).")
  int apiPort;

  @Option(names = "--http-port", defaultValue = "0", description = "Port of /healthz, /readyz, the API and the web view /ui/ (default: any free port).")
  int httpPort;

  @Option(names = "--clock-speed", defaultValue = "1", paramLabel = "N",
      description = "Run schedules (CronJobFlows) N times faster than the wall clock, to see them fire: 60 makes a "
          + "minute pass every second, 86400 a day. Dev mode only; flows, their timeouts and schedules' starting "
          + "deadlines keep real time. "
          + "Default: ${DEFAULT-VALUE}.")
  double clockSpeed;

  @Option(names = "--metrics-port", defaultValue = "0", description = "Port of /metrics (default: any free port).")
  int metricsPort;

  @Override
  public Integer call() throws Exception {
    EmulatorOptions.ExecutorKind kind = switch (executor.toLowerCase(Locale.ROOT)) {
      case "process" -> EmulatorOptions.ExecutorKind.PROCESS;
      case "simulate" -> EmulatorOptions.ExecutorKind.SIMULATE;
      default -> throw new IllegalArgumentException("--executor must be process or simulate, not '" + executor + "'");
    };
    var config = ConfigFactory.load();
    try (DevMode dev = DevMode.start(new DevMode.Options(dataDir, kind, apiPort, httpPort, metricsPort,
        clockSpeed), config)) {
      System.out.println("jobflow dev: API " + dev.emulator().url() + " (kubeconfig " + dev.kubeconfig() + "), webhooks :"
          + dev.controller().webhookPort() + ", metrics :" + dev.controller().metricsPort() + "/metrics, health :"
          + dev.controller().httpPort() + "/readyz, executor " + executor);
      System.out.println("jobflow dev: web view http://127.0.0.1:" + dev.controller().httpPort() + "/ui/");
      DevMode.Submitted submitted = dev.submitAll(files);
      for (var schedule : submitted.schedules()) {
        System.out.println("jobflow dev: schedule " + schedule.getMetadata().getNamespace() + "/"
            + schedule.getMetadata().getName() + " runs at \"" + schedule.getSpec().getSchedule() + "\""
            + (schedule.getSpec().getTimeZone() == null ? "" : " " + schedule.getSpec().getTimeZone())
            + (clockSpeed == 1 ? " (real time; --clock-speed 86400 makes a day pass every second)"
            : " on a clock " + clockSpeed + "x faster") + "; kubectl get cjf shows its next run");
      }
      ProgressView view = new ProgressView(System.out, System.console() != null);
      boolean allSucceeded = true;
      if (!submitted.flows().isEmpty() || !submitted.schedules().isEmpty()) {
        FlowHistory history = new FlowHistory(dev.controller().system());
        allSucceeded = dev.awaitAll(submitted, view, Duration.ofMillis(300),
            p -> view.print(DevTimeline.of(dev, history, p)));
      }
      if (exitWhenDone) {
        System.out.println(allSucceeded ? "jobflow dev: every flow succeeded" : "jobflow dev: some flow did not succeed");
        return allSucceeded ? ExitCodes.OK : ExitCodes.INVALID;
      }
      System.out.println("jobflow dev: serving until Ctrl-C. Try: KUBECONFIG=" + dev.kubeconfig() + " kubectl get jf");
      dev.controller().whenTerminated().join();
      return ExitCodes.OK;
    }
  }
}
