package dev.jobflow.metrics;

import com.typesafe.config.Config;
import dev.jobflow.api.FlowPhase;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import kamon.Kamon;
import kamon.metric.Counter;
import kamon.metric.Gauge;
import kamon.metric.Histogram;
import kamon.tag.TagSet;

/**
 * The one place the controller, webhook and engine report measurements: a method per measurement, label values
 * normalised to bounded sets ({@link LabelValues}). Calls are cheap and thread-safe, and work whether or not a
 * {@link MetricsServer} is running (Kamon's registry is process-wide; without a server nothing is exported).
 *
 * <p>Instruments are looked up in Kamon's registry on every call instead of being cached, because stopping Kamon
 * clears the registry and cached instruments would silently stop being exported after a restart of the server.
 */
public final class JobflowMetrics {
  /** Default cap on distinct namespace label values ({@code jobflow.metrics.max-namespaces}). */
  public static final int DEFAULT_MAX_NAMESPACES = 200;

  private static final JobflowMetrics DEFAULT = new JobflowMetrics(DEFAULT_MAX_NAMESPACES);

  /** Which admission webhook answered. */
  public enum Webhook { VALIDATE, MUTATE }

  /** What an admission webhook answered: allowed, denied, or could not decide (bad input, internal error). */
  public enum Verdict { ALLOWED, DENIED, ERROR }

  /** The kinds of actor counted by {@link #actorStarted}. */
  public enum ActorKind { FLOW, STEP, ROUTER, OTHER }

  /** A journal write that failed (storage error) or was rejected (e.g. serialization). */
  public enum PersistFailure { FAILURE, REJECTION }

  private final LabelValues labels;
  private final Set<String> censusNamespaces = new HashSet<>();

  public JobflowMetrics(int maxNamespaces) {
    this.labels = new LabelValues(maxNamespaces);
  }

  /** The process-wide instance with the default namespace cap. */
  public static JobflowMetrics global() {
    return DEFAULT;
  }

  /** An instance configured from {@code jobflow.metrics.max-namespaces}. */
  public static JobflowMetrics fromConfig(Config config) {
    return new JobflowMetrics(config.getInt("jobflow.metrics.max-namespaces"));
  }

  // --- flows ---

  /**
   * Sets the flows-by-phase gauge and the oldest-running-flow gauge from a complete census. Namespaces seen in an
   * earlier census and now empty are set to 0 rather than left at their last value.
   */
  public synchronized void recordFlowCensus(FlowCensus census) {
    Map<String, EnumMap<FlowPhase, Long>> counts = new HashMap<>();
    Map<String, Instant> oldest = new HashMap<>();
    census.counts().forEach((namespace, byPhase) -> {
      String ns = labels.namespace(namespace);
      EnumMap<FlowPhase, Long> merged = counts.computeIfAbsent(ns, k -> new EnumMap<>(FlowPhase.class));
      byPhase.forEach((phase, n) -> merged.merge(phase, n, Long::sum));
    });
    census.oldestRunningStart().forEach((namespace, start) ->
        oldest.merge(labels.namespace(namespace), start, (a, b) -> a.isBefore(b) ? a : b));
    Map<String, Long> pending = new HashMap<>();
    census.pendingApprovals().forEach((namespace, n) -> pending.merge(labels.namespace(namespace), n, Long::sum));
    censusNamespaces.addAll(counts.keySet());
    for (String ns : censusNamespaces) {
      EnumMap<FlowPhase, Long> byPhase = counts.getOrDefault(ns, new EnumMap<>(FlowPhase.class));
      for (FlowPhase phase : FlowPhase.values()) {
        gauge(JobflowMetric.FLOWS, TagSet.builder().add("namespace", ns).add("phase", phase.name()).build())
            .update(byPhase.getOrDefault(phase, 0L));
      }
      Instant start = oldest.get(ns);
      gauge(JobflowMetric.FLOWS_OLDEST_RUNNING_START_TIME, TagSet.of("namespace", ns))
          .update(start == null ? 0 : start.toEpochMilli() / 1000.0);
      gauge(JobflowMetric.APPROVALS_PENDING, TagSet.of("namespace", ns)).update(pending.getOrDefault(ns, 0L));
    }
  }

  public void flowStarted(String namespace) {
    counter(JobflowMetric.FLOWS_STARTED, TagSet.of("namespace", labels.namespace(namespace))).increment();
  }

  /** A flow reached a finished phase ({@code Succeeded}, {@code Failed} or {@code Cancelled}) after {@code took}. */
  public void flowFinished(String namespace, FlowPhase result, Duration took) {
    if (!result.isFinished()) {
      throw new IllegalArgumentException("flowFinished needs a finished phase, got " + result);
    }
    TagSet tags = TagSet.builder().add("namespace", labels.namespace(namespace)).add("result", result.name()).build();
    counter(JobflowMetric.FLOWS_FINISHED, tags).increment();
    record(JobflowMetric.FLOW_DURATION, tags, took);
  }

  // --- steps ---

  /** A step attempt's Job was created or adopted. */
  public void stepAttemptStarted(String namespace) {
    counter(JobflowMetric.STEP_ATTEMPTS_STARTED, TagSet.of("namespace", labels.namespace(namespace))).increment();
  }

  /** @param runTime from the Job's creation to its completion */
  public void stepAttemptSucceeded(String namespace, Duration runTime) {
    String ns = labels.namespace(namespace);
    counter(JobflowMetric.STEP_ATTEMPTS_SUCCEEDED, TagSet.of("namespace", ns)).increment();
    record(JobflowMetric.STEP_RUN_TIME, TagSet.builder().add("namespace", ns).add("result", "succeeded").build(),
        runTime);
  }

  /**
   * @param reason the failure reason (a Job condition reason such as {@code BackoffLimitExceeded}, or the engine's
   *     such as {@code StepTimedOut}); unknown reasons are counted as {@code Other}
   * @param runTime from the Job's creation to its failure
   */
  public void stepAttemptFailed(String namespace, String reason, Duration runTime) {
    String ns = labels.namespace(namespace);
    counter(JobflowMetric.STEP_ATTEMPTS_FAILED,
        TagSet.builder().add("namespace", ns).add("reason", LabelValues.failureReason(reason)).build()).increment();
    record(JobflowMetric.STEP_RUN_TIME, TagSet.builder().add("namespace", ns).add("result", "failed").build(),
        runTime);
  }

  /** A retry was scheduled after an attempt failed for {@code reason}. */
  public void stepAttemptRetried(String namespace, String reason) {
    counter(JobflowMetric.STEP_ATTEMPTS_RETRIED, TagSet.builder().add("namespace", labels.namespace(namespace))
        .add("reason", LabelValues.failureReason(reason)).build()).increment();
  }

  /** @param latency from the step's last dependency succeeding (or the flow starting) to its Job create call */
  public void stepScheduled(String namespace, Duration latency) {
    record(JobflowMetric.STEP_SCHEDULING_LATENCY, TagSet.of("namespace", labels.namespace(namespace)), latency);
  }

  // --- schedules ---

  /** A schedule of this namespace exists: its series start at 0, so rate() and the panels see them from the start. */
  public void scheduleSeen(String namespace) {
    String ns = labels.namespace(namespace);
    counter(JobflowMetric.SCHEDULE_FIRINGS, TagSet.of("namespace", ns));
    counter(JobflowMetric.SCHEDULE_MISSED_TIMES, TagSet.of("namespace", ns));
    for (String reason : LabelValues.SCHEDULE_SKIP_REASONS) {
      counter(JobflowMetric.SCHEDULE_SKIPPED, TagSet.builder().add("namespace", ns).add("reason", reason).build());
    }
  }

  /** A CronJobFlow started a run; {@code missedBefore} earlier times were not run. */
  public void scheduleFired(String namespace, int missedBefore) {
    String ns = labels.namespace(namespace);
    counter(JobflowMetric.SCHEDULE_FIRINGS, TagSet.of("namespace", ns)).increment();
    if (missedBefore > 0) {
      counter(JobflowMetric.SCHEDULE_MISSED_TIMES, TagSet.of("namespace", ns)).increment(missedBefore);
    }
  }

  /** A scheduled run was not started ({@code times} of them, for missed deadlines). */
  public void scheduleSkipped(String namespace, String reason, int times) {
    String ns = labels.namespace(namespace);
    counter(JobflowMetric.SCHEDULE_SKIPPED, TagSet.builder().add("namespace", ns)
        .add("reason", LabelValues.scheduleSkipReason(reason)).build()).increment();
    if ("MissedStartingDeadline".equals(reason)) {
      counter(JobflowMetric.SCHEDULE_MISSED_TIMES, TagSet.of("namespace", ns)).increment(times);
    }
  }

  // --- triggers ---

  /** A JobFlowTrigger exists: its series start at 0, so rate() and the rejection alert see them from the start. */
  public void triggerSeen(String namespace, String trigger) {
    TagSet tags = triggerTags(namespace, trigger);
    counter(JobflowMetric.TRIGGER_RECEIVED, tags);
    counter(JobflowMetric.TRIGGER_DEDUPLICATED, tags);
    counter(JobflowMetric.TRIGGER_FLOWS_CREATED, tags);
    for (String filter : LabelValues.TRIGGER_FILTERS) {
      counter(JobflowMetric.TRIGGER_FILTERED, tags.withTag("filter", filter));
    }
    for (String reason : LabelValues.TRIGGER_REJECT_REASONS) {
      counter(JobflowMetric.TRIGGER_REJECTED, tags.withTag("reason", reason));
    }
  }

  public void triggerReceived(String namespace, String trigger, int firings) {
    counter(JobflowMetric.TRIGGER_RECEIVED, triggerTags(namespace, trigger)).increment(firings);
  }

  public void triggerFiltered(String namespace, String trigger, String filter) {
    counter(JobflowMetric.TRIGGER_FILTERED, triggerTags(namespace, trigger)
        .withTag("filter", LabelValues.TRIGGER_FILTERS.contains(filter) ? filter : LabelValues.OTHER)).increment();
  }

  public void triggerDeduplicated(String namespace, String trigger) {
    counter(JobflowMetric.TRIGGER_DEDUPLICATED, triggerTags(namespace, trigger)).increment();
  }

  public void triggerFlowCreated(String namespace, String trigger) {
    counter(JobflowMetric.TRIGGER_FLOWS_CREATED, triggerTags(namespace, trigger)).increment();
  }

  /** {@code trigger} empty for a request to a trigger that does not exist (no label value per guessed name). */
  public void triggerRejected(String namespace, String trigger, String reason) {
    counter(JobflowMetric.TRIGGER_REJECTED, triggerTags(namespace, trigger)
        .withTag("reason", LabelValues.TRIGGER_REJECT_REASONS.contains(reason) ? reason : LabelValues.OTHER))
        .increment();
  }

  // --- notifications ---

  public void notificationDelivered(String event) {
    counter(JobflowMetric.NOTIFICATIONS_DELIVERED, TagSet.of("event", event)).increment();
  }

  public void notificationAttemptFailed(String reason) {
    counter(JobflowMetric.NOTIFICATION_ATTEMPTS_FAILED, TagSet.of("reason", reason)).increment();
  }

  public void notificationDropped(String reason) {
    counter(JobflowMetric.NOTIFICATIONS_DROPPED, TagSet.of("reason", reason)).increment();
  }

  public void notificationsRetrying(int deliveries) {
    gauge(JobflowMetric.NOTIFICATIONS_RETRYING, TagSet.Empty()).update(deliveries);
  }

  public void notificationLag(Duration lag) {
    gauge(JobflowMetric.NOTIFICATIONS_LAG, TagSet.Empty()).update(Math.max(0, lag.toMillis()) / 1000.0);
  }

  private TagSet triggerTags(String namespace, String trigger) {
    return TagSet.builder().add("namespace", labels.namespace(namespace)).add("trigger", trigger).build();
  }

  // --- Kubernetes API ---

  /** A request to the API server, e.g. {@code ("create", "jobs")}; {@link KubeApiMetrics} calls this for you. */
  public void kubeRequest(String verb, String resource) {
    counter(JobflowMetric.KUBE_REQUESTS, TagSet.builder().add("verb", LabelValues.kubeVerb(verb))
        .add("resource", LabelValues.kubeResource(resource)).build()).increment();
  }

  /** A request that failed with HTTP {@code code}, or with no response at all ({@code code <= 0}). */
  public void kubeApiError(String verb, String resource, int code) {
    counter(JobflowMetric.KUBE_API_ERRORS, TagSet.builder().add("verb", LabelValues.kubeVerb(verb))
        .add("resource", LabelValues.kubeResource(resource)).add("code", LabelValues.httpCode(code)).build())
        .increment();
  }

  /** The Job create call of a step attempt (counted once per call, whatever its outcome). */
  public void jobCreateCalled() {
    kubeRequest("create", "jobs");
  }

  /** A Job delete call (step timeout, flow timeout, cancellation). */
  public void jobDeleteCalled() {
    kubeRequest("delete", "jobs");
  }

  public void statusWritten() {
    counter(JobflowMetric.STATUS_WRITES, TagSet.Empty()).increment();
  }

  public void statusWriteConflicted() {
    counter(JobflowMetric.STATUS_WRITE_CONFLICTS, TagSet.Empty()).increment();
  }

  /** An informer listed all its objects again ({@code jobflows} or {@code jobs}). */
  public void informerRelisted(String resource) {
    counter(JobflowMetric.INFORMER_RELISTS, TagSet.of("resource", LabelValues.informerResource(resource)))
        .increment();
  }

  // --- admission ---

  /**
   * One AdmissionReview answered.
   *
   * @param operation the request's operation ({@code CREATE}, {@code UPDATE}...), or null when the input was too bad
   *     to tell
   */
  public void admissionReviewed(Webhook webhook, String operation, Verdict verdict, Duration latency) {
    String hook = webhook.name().toLowerCase();
    counter(JobflowMetric.ADMISSION_REQUESTS, TagSet.builder().add("webhook", hook)
        .add("operation", LabelValues.admissionOperation(operation))
        .add("verdict", verdict.name().toLowerCase()).build()).increment();
    record(JobflowMetric.ADMISSION_LATENCY, TagSet.of("webhook", hook), latency);
  }

  // --- journal and entities ---

  /** @param latency from {@code Effect().persist(...)} to its {@code thenRun} */
  public void journalPersisted(Duration latency) {
    record(JobflowMetric.JOURNAL_PERSIST_LATENCY, TagSet.Empty(), latency);
  }

  public void journalPersistFailed(PersistFailure kind) {
    counter(JobflowMetric.JOURNAL_PERSIST_FAILURES, TagSet.of("kind", kind.name().toLowerCase())).increment();
  }

  /** A flow entity finished recovery (on {@code RecoveryCompleted}) after {@code took}. */
  public void entityRecovered(Duration took) {
    counter(JobflowMetric.ENTITY_RECOVERIES, TagSet.of("result", "succeeded")).increment();
    record(JobflowMetric.ENTITY_RECOVERY_DURATION, TagSet.Empty(), took);
  }

  /** A flow entity's recovery failed (on {@code RecoveryFailed}) after {@code took}. */
  public void entityRecoveryFailed(Duration took) {
    counter(JobflowMetric.ENTITY_RECOVERIES, TagSet.of("result", "failed")).increment();
    record(JobflowMetric.ENTITY_RECOVERY_DURATION, TagSet.Empty(), took);
  }

  // --- locks ---

  /** A lock's holders and waiters now (on the replica it lives on). */
  public void lockState(String namespace, String kind, String lock, int holders, int waiters) {
    TagSet tags = lockTags(namespace, kind, lock);
    gauge(JobflowMetric.LOCK_HOLDERS, tags).update(holders);
    gauge(JobflowMetric.LOCK_WAITERS, tags).update(waiters);
    counter(JobflowMetric.LOCK_GRANTS, tags); // at 0 from the first request, so increase() sees the first grant
  }

  /** A waiter was granted the lock after {@code waited}. */
  public void lockGranted(String namespace, String kind, String lock, Duration waited) {
    counter(JobflowMetric.LOCK_GRANTS, lockTags(namespace, kind, lock)).increment();
    record(JobflowMetric.LOCK_WAIT_TIME, TagSet.builder().add("namespace", labels.namespace(namespace))
        .add("kind", kind).build(), waited);
  }

  /** The lock's entity stopped here (idle, or moved to another replica): its gauges are that replica's now. */
  public void lockGone(String namespace, String kind, String lock) {
    TagSet tags = lockTags(namespace, kind, lock);
    Kamon.gauge(JobflowMetric.LOCK_HOLDERS.kamonName()).remove(tags);
    Kamon.gauge(JobflowMetric.LOCK_WAITERS.kamonName()).remove(tags);
  }

  private TagSet lockTags(String namespace, String kind, String lock) {
    return TagSet.builder().add("namespace", namespace == null || namespace.isEmpty() ? "" : labels.namespace(namespace))
        .add("kind", kind).add("lock", lock).build();
  }

  /** Call from an actor's setup; pair with {@link #actorStopped} on {@code PostStop}. */
  public void actorStarted(ActorKind kind) {
    gauge(JobflowMetric.ACTORS_ALIVE, TagSet.of("kind", kind.name().toLowerCase())).increment();
  }

  public void actorStopped(ActorKind kind) {
    gauge(JobflowMetric.ACTORS_ALIVE, TagSet.of("kind", kind.name().toLowerCase())).decrement();
  }

  /**
   * Creates the series whose label values are all known in advance, at zero, so that {@code rate()} and alerts see
   * them from the first scrape rather than from the first event. {@link MetricsServer} calls this on start.
   */
  public void registerKnownSeries() {
    counter(JobflowMetric.STATUS_WRITES, TagSet.Empty());
    counter(JobflowMetric.STATUS_WRITE_CONFLICTS, TagSet.Empty());
    for (String resource : LabelValues.INFORMER_RESOURCES) {
      counter(JobflowMetric.INFORMER_RELISTS, TagSet.of("resource", resource));
    }
    // The controller's two busiest calls, unreachable: a healthy controller has no other error series to show.
    for (String[] call : new String[][] {{"create", "jobs"}, {"patch", "jobflows/status"}}) {
      counter(JobflowMetric.KUBE_API_ERRORS, TagSet.builder().add("verb", LabelValues.kubeVerb(call[0]))
          .add("resource", LabelValues.kubeResource(call[1])).add("code", LabelValues.httpCode(0)).build());
    }
    for (PersistFailure kind : PersistFailure.values()) {
      counter(JobflowMetric.JOURNAL_PERSIST_FAILURES, TagSet.of("kind", kind.name().toLowerCase()));
    }
    for (String result : new String[] {"succeeded", "failed"}) {
      counter(JobflowMetric.ENTITY_RECOVERIES, TagSet.of("result", result));
    }
    for (Webhook webhook : Webhook.values()) {
      for (String operation : new String[] {"CREATE", "UPDATE"}) {
        for (Verdict verdict : Verdict.values()) {
          counter(JobflowMetric.ADMISSION_REQUESTS, TagSet.builder().add("webhook", webhook.name().toLowerCase())
              .add("operation", operation).add("verdict", verdict.name().toLowerCase()).build());
        }
      }
    }
    for (String reason : new String[] {"connection", "status", "token"}) {
      counter(JobflowMetric.NOTIFICATION_ATTEMPTS_FAILED, TagSet.of("reason", reason));
    }
    for (String reason : new String[] {"rejected", "expired"}) {
      counter(JobflowMetric.NOTIFICATIONS_DROPPED, TagSet.of("reason", reason));
    }
    gauge(JobflowMetric.NOTIFICATIONS_RETRYING, TagSet.Empty());
    gauge(JobflowMetric.NOTIFICATIONS_LAG, TagSet.Empty());
    for (ActorKind kind : ActorKind.values()) {
      gauge(JobflowMetric.ACTORS_ALIVE, TagSet.of("kind", kind.name().toLowerCase()));
    }
  }

  private static Counter counter(JobflowMetric metric, TagSet tags) {
    return Kamon.counter(metric.kamonName(), metric.help()).withTags(tags);
  }

  private static Gauge gauge(JobflowMetric metric, TagSet tags) {
    return Kamon.gauge(metric.kamonName(), metric.help(), metric.unit()).withTags(tags);
  }

  private static void record(JobflowMetric metric, TagSet tags, Duration value) {
    Histogram histogram = Kamon.histogram(metric.kamonName(), metric.help(), metric.unit(), metric.dynamicRange())
        .withTags(tags);
    histogram.record(Math.min(inUnit(metric, value), metric.highestTrackable()));
  }

  private static long inUnit(JobflowMetric metric, Duration value) {
    if (value == null || value.isNegative()) {
      return 0;
    }
    TimeUnit unit = metric.unit().equals(kamon.metric.MeasurementUnit.time().milliseconds())
        ? TimeUnit.MILLISECONDS : TimeUnit.MICROSECONDS;
    try {
      return unit.convert(value);
    } catch (ArithmeticException tooLong) {
      return Long.MAX_VALUE;
    }
  }
}
