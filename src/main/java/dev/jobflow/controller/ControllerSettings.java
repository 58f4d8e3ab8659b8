package dev.jobflow.controller;

import com.typesafe.config.Config;
import dev.jobflow.admission.AdmissionSettings;
import dev.jobflow.journal.JournalSettings;
import dev.jobflow.notify.NotifySettings;
import dev.jobflow.trigger.TriggerSettings;
import java.time.Duration;
import java.util.List;

/**
 * Everything {@code jobflow controller} (and {@code jobflow dev}, in-process) needs to start, in parts named for
 * what they are about. {@link #fromConfig} reads the parts {@code jobflow.controller} holds.
 *
 * @param webhook the embedded admission webhooks; null: none ({@code --no-webhook})
 * @param metricsEnabled false starts no {@code /metrics} endpoint (tools, some tests)
 * @param scheduleClockSpeed how many times faster than the wall clock schedules run: 1 in production; {@code jobflow
 *     dev --clock-speed} sets more so a schedule is seen to fire
 * @param triggers the JobFlowTrigger endpoint's HTTPS port; null: none (triggers are not served)
 * @param notifications how notifications are delivered ({@code jobflow.notify})
 */
public record ControllerSettings(Cluster cluster, JournalSettings journal, AdmissionSettings webhook, Http http,
                                 Status status, Periods periods, boolean metricsEnabled, double scheduleClockSpeed,
                                 TriggerSettings triggers, NotifySettings notifications) {

  public ControllerSettings {
    if (!(scheduleClockSpeed > 0)) {
      throw new IllegalArgumentException("the schedule clock speed must be positive, got " + scheduleClockSpeed);
    }
    notifications = notifications == null ? NotifySettings.defaultSettings() : notifications;
  }

  /** Settings with the default notification delivery. */
  public ControllerSettings(Cluster cluster, JournalSettings journal, AdmissionSettings webhook, Http http,
                            Status status, Periods periods, boolean metricsEnabled, double scheduleClockSpeed,
                            TriggerSettings triggers) {
    this(cluster, journal, webhook, http, status, periods, metricsEnabled, scheduleClockSpeed, triggers, null);
  }

  /** Settings without a trigger endpoint. */
  public ControllerSettings(Cluster cluster, JournalSettings journal, AdmissionSettings webhook, Http http,
                            Status status, Periods periods, boolean metricsEnabled, double scheduleClockSpeed) {
    this(cluster, journal, webhook, http, status, periods, metricsEnabled, scheduleClockSpeed, null);
  }

  /** Settings with schedules on the wall clock. */
  public ControllerSettings(Cluster cluster, JournalSettings journal, AdmissionSettings webhook, Http http,
                            Status status, Periods periods, boolean metricsEnabled) {
    this(cluster, journal, webhook, http, status, periods, metricsEnabled, 1.0);
  }

  /**
   * Which API server, and which of its namespaces to watch.
   *
   * @param kube how to reach the API server; null: kubeconfig or in-cluster config, as kubectl finds it
   * @param namespaces the namespaces to watch; empty: all
   */
  public record Cluster(io.fabric8.kubernetes.client.Config kube, List<String> namespaces) {
    public Cluster {
      namespaces = namespaces == null ? List.of() : List.copyOf(namespaces);
    }
  }

  /**
   * Where {@code /healthz}, {@code /readyz} and the audit API listen.
   *
   * @param port 0 picks a free port
   * @param authorization check the audit API's callers with TokenReview and SubjectAccessReview; false only in
   *     dev mode ({@code jobflow dev})
   */
  public record Http(String host, int port, boolean authorization) {}

  /**
   * How flows' statuses are written.
   *
   * @param interval the shortest time between two status writes of one flow
   * @param fullListLimit flows with more steps keep only counts and the steps not succeeded in their status
   */
  public record Status(Duration interval, int fullListLimit) {}

  /**
   * How often the controller looks at everything again.
   *
   * @param resync how often the informers deliver every object again
   * @param ttlSweep how often finished flows are checked against {@code ttlSecondsAfterFinished}
   * @param quietWatch how long the Job watch may bring no change while a Job runs before a list checks it is not
   *     silently stuck (zero: never)
   */
  public record Periods(Duration resync, Duration ttlSweep, Duration quietWatch) {}

  /**
   * Reads {@code jobflow.controller} for the HTTP front, status writing and periods, {@code jobflow.trigger} for
   * the trigger endpoint when it is enabled, and {@code jobflow.notify}; metrics on.
   */
  public static ControllerSettings fromConfig(Config config, Cluster cluster, JournalSettings journal,
      AdmissionSettings webhook) {
    Config c = config.getConfig("jobflow.controller");
    return new ControllerSettings(cluster, journal, webhook,
        new Http(c.getString("http-interface"), c.getInt("http-port"), true),
        new Status(c.getDuration("status-interval"), c.getInt("full-status-limit")),
        new Periods(c.getDuration("resync"), c.getDuration("ttl-sweep"), c.getDuration("quiet-watch-check")), true, 1.0,
        config.getBoolean("jobflow.trigger.enabled") ? TriggerSettings.fromConfig(config) : null,
        NotifySettings.fromConfig(config));
  }

  public ControllerSettings withHttp(Http newHttp) {
    return new ControllerSettings(cluster, journal, webhook, newHttp, status, periods, metricsEnabled,
        scheduleClockSpeed, triggers, notifications);
  }

  /** With statuses written as {@code newStatus} says (how often, from which size on bounded). */
  public ControllerSettings withStatus(Status newStatus) {
    return new ControllerSettings(cluster, journal, webhook, http, newStatus, periods, metricsEnabled,
        scheduleClockSpeed, triggers);
  }

  /** With the controller's periods as {@code newPeriods} says. */
  public ControllerSettings withPeriods(Periods newPeriods) {
    return new ControllerSettings(cluster, journal, webhook, http, status, newPeriods, metricsEnabled,
        scheduleClockSpeed, triggers, notifications);
  }

  /** Without a {@code /metrics} endpoint. */
  public ControllerSettings withoutMetrics() {
    return new ControllerSettings(cluster, journal, webhook, http, status, periods, false, scheduleClockSpeed,
        triggers, notifications);
  }

  /** Dev mode and tests only: schedules run {@code speed} times faster than the wall clock. */
  public ControllerSettings withScheduleClockSpeed(double speed) {
    return new ControllerSettings(cluster, journal, webhook, http, status, periods, metricsEnabled, speed, triggers,
        notifications);
  }

  /** With the JobFlowTrigger endpoint on its own HTTPS port. */
  public ControllerSettings withTriggers(TriggerSettings newTriggers) {
    return new ControllerSettings(cluster, journal, webhook, http, status, periods, metricsEnabled,
        scheduleClockSpeed, newTriggers, notifications);
  }

  /** With notifications delivered as {@code newNotify} says. */
  public ControllerSettings withNotifications(NotifySettings newNotify) {
    return new ControllerSettings(cluster, journal, webhook, http, status, periods, metricsEnabled,
        scheduleClockSpeed, triggers, newNotify);
  }
}
