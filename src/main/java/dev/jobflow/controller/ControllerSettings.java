package dev.jobflow.controller;

import dev.jobflow.admission.AdmissionSettings;
import dev.jobflow.journal.JournalSettings;
import io.fabric8.kubernetes.client.Config;
import java.time.Duration;
import java.util.List;

/**
 * Everything {@code jobflow controller} (and {@code jobflow dev}, in-process) needs to start.
 *
 * @param kube how to reach the API server; null: kubeconfig or in-cluster config, as kubectl finds it
 * @param namespaces the namespaces to watch; empty: all
 * @param webhook the embedded admission webhooks; null: none ({@code --no-webhook})
 * @param httpInterface where {@code /healthz}, {@code /readyz} and the API listen
 * @param httpPort 0 picks a free port
 * @param metricsEnabled false starts no {@code /metrics} endpoint (tools, some tests)
 * @param statusInterval the shortest time between two status writes of one flow
 * @param fullStatusLimit flows with more steps keep only counts and the steps not succeeded in their status
 * @param resync how often the informers deliver every object again
 * @param ttlSweep how often finished flows are checked against {@code ttlSecondsAfterFinished}
 * @param authorization check the audit API's callers with TokenReview and SubjectAccessReview; false only in
 *     dev mode ({@code jobflow dev})
 * @param scheduleClockSpeed how many times faster than the wall clock schedules run: 1 in production; {@code jobflow
 *     dev --clock-speed} sets more so a schedule is seen to fire
 */
public record ControllerSettings(Config kube, List<String> namespaces, JournalSettings journal,
    AdmissionSettings webhook, String httpInterface, int httpPort, boolean metricsEnabled,
    Duration statusInterval, int fullStatusLimit, Duration resync, Duration ttlSweep, boolean authorization,
    double scheduleClockSpeed) {

  public ControllerSettings {
    namespaces = namespaces == null ? List.of() : List.copyOf(namespaces);
    if (!(scheduleClockSpeed > 0)) {
      throw new IllegalArgumentException("the schedule clock speed must be positive, got " + scheduleClockSpeed);
    }
  }

  /** Settings with schedules on the wall clock. */
  public ControllerSettings(Config kube, List<String> namespaces, JournalSettings journal,
      AdmissionSettings webhook, String httpInterface, int httpPort, boolean metricsEnabled,
      Duration statusInterval, int fullStatusLimit, Duration resync, Duration ttlSweep, boolean authorization) {
    this(kube, namespaces, journal, webhook, httpInterface, httpPort, metricsEnabled, statusInterval,
        fullStatusLimit, resync, ttlSweep, authorization, 1.0);
  }

  /** Settings with the audit API's authorization on. */
  public ControllerSettings(Config kube, List<String> namespaces, JournalSettings journal,
      AdmissionSettings webhook, String httpInterface, int httpPort, boolean metricsEnabled,
      Duration statusInterval, int fullStatusLimit, Duration resync, Duration ttlSweep) {
    this(kube, namespaces, journal, webhook, httpInterface, httpPort, metricsEnabled, statusInterval,
        fullStatusLimit, resync, ttlSweep, true);
  }

  /** Reads {@code jobflow.controller} for the values no flag gave. */
  public static ControllerSettings fromConfig(com.typesafe.config.Config config, Config kube, List<String> namespaces,
      JournalSettings journal, AdmissionSettings webhook, Integer httpPort) {
    var c = config.getConfig("jobflow.controller");
    return new ControllerSettings(kube, namespaces, journal, webhook, c.getString("http-interface"),
        httpPort != null ? httpPort : c.getInt("http-port"), true, c.getDuration("status-interval"),
        c.getInt("full-status-limit"), c.getDuration("resync"), c.getDuration("ttl-sweep"));
  }

  /** Dev mode only: {@code false} lets anyone read the audit API. */
  public ControllerSettings withAuthorization(boolean enabled) {
    return new ControllerSettings(kube, namespaces, journal, webhook, httpInterface, httpPort, metricsEnabled,
        statusInterval, fullStatusLimit, resync, ttlSweep, enabled, scheduleClockSpeed);
  }

  /** Dev mode and tests only: schedules run {@code speed} times faster than the wall clock. */
  public ControllerSettings withScheduleClockSpeed(double speed) {
    return new ControllerSettings(kube, namespaces, journal, webhook, httpInterface, httpPort, metricsEnabled,
        statusInterval, fullStatusLimit, resync, ttlSweep, authorization, speed);
  }
}
