package dev.jobflow.metrics;

import java.util.List;
import kamon.metric.DynamicRange;
import kamon.metric.MeasurementUnit;

/**
 * Every metric Jobflow exports, with its exact Prometheus name. Kamon's Prometheus reporter appends {@code _total} to
 * counters and {@code _seconds} to time-valued metrics only when the name lacks them, so registering the final names
 * here makes the exported name equal the documented one (a test scrapes and compares).
 */
public enum JobflowMetric {
  FLOWS(Type.GAUGE, "jobflow_flows",
      "JobFlows known to the controller, by namespace and phase.", "namespace", "phase"),
  FLOWS_OLDEST_RUNNING_START_TIME(Type.GAUGE, "jobflow_flows_oldest_running_start_time_seconds",
      "Unix time at which the oldest running JobFlow of the namespace started; 0 when none is running.", "namespace"),
  APPROVALS_PENDING(Type.GAUGE, "jobflow_approvals_pending",
      "Approval steps waiting for a decision, by namespace (from the JobFlows' status.waitingForApproval).", "namespace"),
  FLOWS_STARTED(Type.COUNTER, "jobflow_flows_started_total",
      "JobFlows that started running.", "namespace"),
  FLOWS_FINISHED(Type.COUNTER, "jobflow_flows_finished_total",
      "JobFlows that finished, by result (Succeeded, Failed, Cancelled).", "namespace", "result"),
  FLOW_DURATION(Type.HISTOGRAM, "jobflow_flow_duration_seconds",
      "Wall time of finished JobFlows from start to finish, by result.", "namespace", "result"),

  STEP_ATTEMPTS_STARTED(Type.COUNTER, "jobflow_step_attempts_started_total",
      "Step attempts whose Job was created (or adopted).", "namespace"),
  STEP_ATTEMPTS_SUCCEEDED(Type.COUNTER, "jobflow_step_attempts_succeeded_total",
      "Step attempts whose Job completed.", "namespace"),
  STEP_ATTEMPTS_FAILED(Type.COUNTER, "jobflow_step_attempts_failed_total",
      "Step attempts that failed, by normalised reason.", "namespace", "reason"),
  STEP_ATTEMPTS_RETRIED(Type.COUNTER, "jobflow_step_attempts_retried_total",
      "Retries scheduled after a failed attempt, by the reason of that failure.", "namespace", "reason"),
  STEP_RUN_TIME(Type.HISTOGRAM, "jobflow_step_run_time_seconds",
      "Run time of finished step attempts, from Job creation to completion or failure.", "namespace", "result"),
  STEP_SCHEDULING_LATENCY(Type.HISTOGRAM, "jobflow_step_scheduling_latency_seconds",
      "Time from a step's last dependency succeeding (or its flow starting) to the create call of its Job.",
      "namespace"),

  SCHEDULE_FIRINGS(Type.COUNTER, "jobflow_schedule_firings_total",
      "Runs a CronJobFlow started (ScheduleFired).", "namespace"),
  SCHEDULE_SKIPPED(Type.COUNTER, "jobflow_schedule_skipped_total",
      "Scheduled runs not started, by reason: ConcurrencyForbidden (Forbid while a run was active), "
          + "MissedStartingDeadline, or FlowRefused (the run's flow could not be created).", "namespace", "reason"),
  SCHEDULE_MISSED_TIMES(Type.COUNTER, "jobflow_schedule_missed_times_total",
      "Scheduled times that passed without a run (downtime, suspension), counted when the schedule catches up.",
      "namespace"),

  TRIGGER_RECEIVED(Type.COUNTER, "jobflow_trigger_firings_received_total",
      "Firings (alerts of an Alertmanager payload, or webhook documents) that reached a JobFlowTrigger with an "
          + "accepted token.", "namespace", "trigger"),
  TRIGGER_FILTERED(Type.COUNTER, "jobflow_trigger_firings_filtered_total",
      "Firings no flow was created for because a filter said no, by filter (status, labels, labelsMatch, "
          + "expression).", "namespace", "trigger", "filter"),
  TRIGGER_DEDUPLICATED(Type.COUNTER, "jobflow_trigger_firings_deduplicated_total",
      "Firings that repeated one accepted within the dedup window (answered with the existing flow).",
      "namespace", "trigger"),
  TRIGGER_FLOWS_CREATED(Type.COUNTER, "jobflow_trigger_flows_created_total",
      "JobFlows a JobFlowTrigger created.", "namespace", "trigger"),
  TRIGGER_REJECTED(Type.COUNTER, "jobflow_trigger_requests_rejected_total",
      "Trigger requests (or firings of one) refused, by reason: UnknownTrigger, Unauthenticated, Forbidden, "
          + "TooLarge, BadPayload, InvalidTrigger, RateLimited, FlowRefused, Unavailable, Timeout, Error.",
      "namespace", "trigger", "reason"),

  LOCK_HOLDERS(Type.GAUGE, "jobflow_lock_holders",
      "Flows holding a lock (spec.synchronization, queue limits), by namespace, kind and lock; exported by the "
          + "replica the lock lives on.", "namespace", "kind", "lock"),
  LOCK_WAITERS(Type.GAUGE, "jobflow_lock_waiters",
      "Flows waiting for a lock, by namespace, kind and lock.", "namespace", "kind", "lock"),
  LOCK_GRANTS(Type.COUNTER, "jobflow_lock_grants_total",
      "Grants of a lock to a waiting flow.", "namespace", "kind", "lock"),
  LOCK_WAIT_TIME(Type.HISTOGRAM, "jobflow_lock_wait_time_seconds",
      "Time a flow waited for a lock, from its request to its grant, by namespace and kind.", "namespace", "kind"),
  NOTIFICATIONS_DELIVERED(Type.COUNTER, "jobflow_notifications_delivered_total",
      "Notifications a sink accepted (2xx), by event (flow.started, flow.succeeded, flow.failed, flow.cancelled, "
          + "step.failed, approval.requested).", "event"),
  NOTIFICATION_ATTEMPTS_FAILED(Type.COUNTER, "jobflow_notification_attempts_failed_total",
      "Notification attempts that failed and will be retried, by reason: connection (no answer, timeout), status "
          + "(5xx, 404, 408, 409, 429) or token (the bearer token could not be read).", "reason"),
  NOTIFICATIONS_DROPPED(Type.COUNTER, "jobflow_notifications_dropped_total",
      "Notifications given up, by reason: rejected (the sink answered another 4xx) or expired (still failing after "
          + "jobflow.notify.give-up-after).", "reason"),
  NOTIFICATIONS_RETRYING(Type.GAUGE, "jobflow_notifications_retrying",
      "Notification deliveries waiting for their next attempt."),
  NOTIFICATIONS_LAG(Type.GAUGE, "jobflow_notifications_lag_seconds",
      "Age of the oldest journal event whose notifications are not all delivered; 0 when caught up (on the "
          + "replica that sends them)."),

  KUBE_REQUESTS(Type.COUNTER, "jobflow_kube_requests_total",
      "Requests to the Kubernetes API server, by verb and resource.", "verb", "resource"),
  KUBE_API_ERRORS(Type.COUNTER, "jobflow_kube_api_errors_total",
      "Kubernetes API requests that failed, by verb, resource and HTTP code (or 'connection').",
      "verb", "resource", "code"),
  STATUS_WRITES(Type.COUNTER, "jobflow_status_writes_total",
      "Writes of the JobFlow status subresource."),
  STATUS_WRITE_CONFLICTS(Type.COUNTER, "jobflow_status_write_conflicts_total",
      "Status writes rejected with 409 Conflict (retried with a fresh resourceVersion)."),
  INFORMER_RELISTS(Type.COUNTER, "jobflow_informer_relists_total",
      "Full re-lists done by an informer (start-up, or after its watch expired), by resource.", "resource"),

  ADMISSION_REQUESTS(Type.COUNTER, "jobflow_admission_requests_total",
      "AdmissionReview requests answered, by webhook, operation and verdict (allowed, denied, error).",
      "webhook", "operation", "verdict"),
  ADMISSION_LATENCY(Type.HISTOGRAM, "jobflow_admission_latency_seconds",
      "Time to answer an AdmissionReview, from request received to response written.", "webhook"),

  JOURNAL_PERSIST_LATENCY(Type.HISTOGRAM, "jobflow_journal_persist_latency_seconds",
      "Time from persisting an event to the journal confirming it."),
  JOURNAL_PERSIST_FAILURES(Type.COUNTER, "jobflow_journal_persist_failures_total",
      "Events the journal failed to store (kind=failure) or rejected (kind=rejection).", "kind"),
  ENTITY_RECOVERIES(Type.COUNTER, "jobflow_entity_recoveries_total",
      "Flow entities recovered from the journal, by result.", "result"),
  ENTITY_RECOVERY_DURATION(Type.HISTOGRAM, "jobflow_entity_recovery_duration_seconds",
      "Time to recover a flow entity from its snapshot and events."),
  ACTORS_ALIVE(Type.GAUGE, "jobflow_actors_alive",
      "Actors currently alive, by kind (flow, step, router, other).", "kind");

  /** How a metric is exported. */
  public enum Type { COUNTER, GAUGE, HISTOGRAM }

  private final Type type;
  private final String prometheusName;
  private final String help;
  private final List<String> labels;

  JobflowMetric(Type type, String prometheusName, String help, String... labels) {
    this.type = type;
    this.prometheusName = prometheusName;
    this.help = help;
    this.labels = List.of(labels);
  }

  public Type type() {
    return type;
  }

  /** The exact name on {@code /metrics} (histograms add {@code _bucket}, {@code _sum}, {@code _count}). */
  public String prometheusName() {
    return prometheusName;
  }

  public String help() {
    return help;
  }

  public List<String> labels() {
    return labels;
  }

  /**
   * The unit values are recorded in. Kamon converts time units to seconds on export; recording microseconds (or
   * milliseconds for long runs) keeps sub-second precision in integer histograms.
   */
  MeasurementUnit unit() {
    return switch (this) {
      case FLOW_DURATION, STEP_RUN_TIME, LOCK_WAIT_TIME -> MeasurementUnit.time().milliseconds();
      case ADMISSION_LATENCY, JOURNAL_PERSIST_LATENCY, ENTITY_RECOVERY_DURATION, STEP_SCHEDULING_LATENCY ->
          MeasurementUnit.time().microseconds();
      case FLOWS_OLDEST_RUNNING_START_TIME, NOTIFICATIONS_LAG -> MeasurementUnit.time().seconds();
      default -> MeasurementUnit.none();
    };
  }

  /**
   * Highest value a histogram tracks, in its {@link #unit()}; larger values are clamped. Kept as small as the metric
   * allows because each histogram series costs memory proportional to log(highest) (about 20 KB at 2 digits).
   */
  long highestTrackable() {
    return switch (this) {
      case FLOW_DURATION, STEP_RUN_TIME, LOCK_WAIT_TIME -> 30L * 24 * 3600 * 1000; // 30 days in ms
      case STEP_SCHEDULING_LATENCY -> 24L * 3600 * 1_000_000;               // 1 day in µs
      case ADMISSION_LATENCY -> 60L * 1_000_000;                            // 1 minute in µs
      case JOURNAL_PERSIST_LATENCY -> 10L * 60 * 1_000_000;                 // 10 minutes in µs
      case ENTITY_RECOVERY_DURATION -> 3600L * 1_000_000;                   // 1 hour in µs
      default -> 0;
    };
  }

  DynamicRange dynamicRange() {
    return DynamicRange.apply(1, highestTrackable(), 2);
  }

  /** Kamon's name for the metric: the Prometheus name, which the reporter exports unchanged. */
  String kamonName() {
    return prometheusName;
  }
}
