package dev.jobflow.controller;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.jobflow.api.FlowPhase;
import dev.jobflow.api.JobFlow;
import dev.jobflow.api.JobFlowYaml;
import dev.jobflow.emulator.Emulator;
import dev.jobflow.emulator.EmulatorOptions;
import dev.jobflow.flow.FlowEntity;
import dev.jobflow.journal.JournalSettings;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * The whole controller in-process against the API-server emulator, whose simulate executor plays the
 * kubelet: Jobs go active, then Complete or Failed as their template's annotations say.
 */
final class ControllerHarness implements AutoCloseable {
  final Emulator emulator;
  final Path journalDir;
  final java.util.function.Function<Config, JournalSettings> journal;
  java.util.function.UnaryOperator<ControllerSettings> customize = s -> s;
  Controller controller;
  JournalSettings journalSettings;

  ControllerHarness(Path dir) throws Exception {
    this(Emulator.start(EmulatorOptions.defaults().withExecutor(EmulatorOptions.ExecutorKind.SIMULATE)
        .withDataDir(dir.resolve("emulator"))), dir.resolve("journal"));
  }

  ControllerHarness(Emulator emulator, Path journalDir) throws Exception {
    this(emulator, journalDir, config -> JournalSettings.fromConfig(config).withDataDir(journalDir));
  }

  /** With settings changed by {@code customize} (e.g. the trigger endpoint switched on). */
  static ControllerHarness customized(Path dir, java.util.function.UnaryOperator<ControllerSettings> customize)
      throws Exception {
    return new ControllerHarness(dir, 1.0, customize);
  }

  /** With schedules {@code scheduleClockSpeed} times faster than the wall clock. */
  ControllerHarness(Path dir, double scheduleClockSpeed) throws Exception {
    this(dir, scheduleClockSpeed, s -> s);
  }

  private ControllerHarness(Path dir, double scheduleClockSpeed,
      java.util.function.UnaryOperator<ControllerSettings> customize) throws Exception {
    this.emulator = Emulator.start(EmulatorOptions.defaults().withExecutor(EmulatorOptions.ExecutorKind.SIMULATE)
        .withDataDir(dir.resolve("emulator")));
    this.journalDir = dir.resolve("journal");
    this.journal = config -> JournalSettings.fromConfig(config).withDataDir(journalDir);
    this.customize = s -> customize.apply(s.withScheduleClockSpeed(scheduleClockSpeed));
    startController();
  }

  /** With a journal of the test's choosing (e.g. PostgreSQL through a proxy). */
  ControllerHarness(Path dir, java.util.function.Function<Config, JournalSettings> journal) throws Exception {
    this(Emulator.start(EmulatorOptions.defaults().withExecutor(EmulatorOptions.ExecutorKind.SIMULATE)
        .withDataDir(dir.resolve("emulator"))), dir.resolve("journal"), journal);
  }

  private ControllerHarness(Emulator emulator, Path journalDir, java.util.function.Function<Config, JournalSettings> journal)
      throws Exception {
    this.emulator = emulator;
    this.journalDir = journalDir;
    this.journal = journal;
    startController();
  }

  static Config config() {
    return ConfigFactory.parseMap(Map.of(
        "jobflow.engine.create-retry.min-backoff", "100ms",
        "jobflow.journal.persist-failure-backoff.min", "200ms",
        "jobflow.journal.persist-failure-backoff.max", "2s",
        "jobflow.controller.status-interval", "50ms",
        "jobflow.controller.resync", "30s",
        "jobflow.controller.ttl-sweep", "300ms",
        "akka.loglevel", "WARNING",
        "akka.coordinated-shutdown.run-by-jvm-shutdown-hook", "off",
        "akka.coordinated-shutdown.exit-jvm", "off"))
        .withFallback(ConfigFactory.load());
  }

  void startController() throws Exception {
    Config config = config();
    journalSettings = journal.apply(config);
    controller = Controller.start(customize.apply(settings(emulator, journalSettings, config)), config);
  }

  /** A controller of this emulator on a free port, without /metrics, timed as {@link #config()} says. */
  static ControllerSettings settings(Emulator emulator, JournalSettings journal, Config config) {
    return ControllerSettings.fromConfig(config, new ControllerSettings.Cluster(emulator.config(), List.of()), journal,
        null).withHttp(new ControllerSettings.Http("127.0.0.1", 0, true)).withoutMetrics();
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
    if (flow.getMetadata().getNamespace() == null) {
      flow.getMetadata().setNamespace("default");
    }
    return client().resources(JobFlow.class).inNamespace(flow.getMetadata().getNamespace()).resource(flow).create();
  }

  JobFlow await(String name, Predicate<JobFlow> condition, Duration timeout) {
    return client().resources(JobFlow.class).inNamespace("default").withName(name)
        .waitUntilCondition(f -> f != null && condition.test(f), timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  JobFlow awaitPhase(String name, FlowPhase phase) {
    return await(name, f -> f.getStatus() != null && f.getStatus().getPhase() == phase, Duration.ofSeconds(60));
  }

  /** Jobs of a flow, by name. */
  Map<String, Job> jobs(String flow) {
    return client().batch().v1().jobs().inNamespace("default").withLabel("jobflow.dev/flow", flow).list().getItems()
        .stream().collect(Collectors.toMap(j -> j.getMetadata().getName(), j -> j));
  }

  /** A connection to the controller's journal (the same H2 database, in this process). */
  Connection journal() throws SQLException {
    return DriverManager.getConnection(journalSettings.jdbcUrl(), journalSettings.user(), "");
  }

  /** The simple type names of a flow's stored events, in journal order. */
  List<String> eventTypes(String uid) throws SQLException {
    List<String> types = new ArrayList<>();
    try (Connection c = journal(); PreparedStatement st = c.prepareStatement("SELECT \"event_ser_manifest\" FROM"
        + " \"event_journal\" WHERE \"persistence_id\" = ? ORDER BY \"sequence_number\"")) {
      st.setString(1, FlowEntity.persistenceId(uid).id());
      try (ResultSet rs = st.executeQuery()) {
        while (rs.next()) {
          String manifest = rs.getString(1);
          types.add(manifest.substring(manifest.lastIndexOf('$') + 1));
        }
      }
    }
    return types;
  }

  @Override
  public void close() {
    if (controller != null) {
      controller.close();
    }
    emulator.close();
  }

  /** A step whose simulated Job takes {@code duration} and ends with the outcomes listed per attempt. */
  static String step(String name, List<String> dependsOn, String duration, String outcomes) {
    return step(name, dependsOn, duration, outcomes, "");
  }

  static String step(String name, List<String> dependsOn, String duration, String outcomes, String extra) {
    return "    - name: " + name + "\n"
        + "      dependsOn: [" + String.join(", ", dependsOn) + "]\n"
        + extra
        + "      template:\n"
        + "        template:\n"
        + "          metadata:\n"
        + "            annotations: {sim.jobflow.dev/duration: \"" + duration + "\", sim.jobflow.dev/outcome: \"" + outcomes + "\"}\n"
        + "          spec:\n"
        + "            restartPolicy: Never\n"
        + "            containers: [{name: main, image: busybox, command: [sh, -c, \"echo {{params.greeting}}\"]}]\n";
  }

  static String flow(String name, String specExtra, String steps, String finallySteps) {
    return "apiVersion: jobflow.dev/v1alpha1\nkind: JobFlow\nmetadata: {name: " + name + ", namespace: default}\n"
        + "spec:\n" + specExtra
        + "  parameters: [{name: greeting, value: hello}]\n"
        + "  steps:\n" + steps
        + (finallySteps == null ? "" : "  finally:\n" + finallySteps);
  }
}
