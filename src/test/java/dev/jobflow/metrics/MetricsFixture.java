package dev.jobflow.metrics;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.jobflow.api.FlowPhase;
import java.time.Duration;
import java.time.Instant;

/** A metrics server for tests (ephemeral port, fast ticks) and a workout of every measurement of the facade. */
final class MetricsFixture {
  private MetricsFixture() {}

  /** Loopback, port 0, a tick every 100 ms so scrapes catch up quickly. */
  static Config testConfig() {
    return ConfigFactory.parseString("""
        jobflow.metrics { host = "127.0.0.1", port = 0 }
        kamon.metric.tick-interval = 100 ms
        kamon.metric.optimistic-tick-alignment = no
        """).withFallback(ConfigFactory.load());
  }

  static MetricsServer start() {
    return MetricsServer.start(testConfig());
  }

  /** Calls every measurement method at least once, with label values a real controller would use. */
  static void exerciseEveryMeasurement(JobflowMetrics metrics) {
    metrics.recordFlowCensus(new FlowCensus()
        .add("data", FlowPhase.Running, Instant.parse("2026-11-23T06:00:00Z"))
        .add("data", FlowPhase.Running, Instant.parse("2026-11-23T07:00:00Z"))
        .add("data", FlowPhase.Succeeded, null)
        .add("ml", FlowPhase.Failed, null));
    metrics.flowStarted("data");
    metrics.flowFinished("data", FlowPhase.Succeeded, Duration.ofMinutes(12));
    metrics.flowFinished("ml", FlowPhase.Failed, Duration.ofSeconds(40));
    metrics.stepAttemptStarted("data");
    metrics.stepAttemptSucceeded("data", Duration.ofSeconds(75));
    metrics.stepAttemptFailed("data", "BackoffLimitExceeded", Duration.ofSeconds(20));
    metrics.stepAttemptRetried("data", "BackoffLimitExceeded");
    metrics.stepScheduled("data", Duration.ofMillis(4));
    metrics.jobCreateCalled();
    metrics.jobDeleteCalled();
    metrics.kubeRequest("patch", "jobflows/status");
    metrics.kubeApiError("create", "jobs", 409);
    metrics.statusWritten();
    metrics.statusWriteConflicted();
    metrics.informerRelisted("jobs");
    metrics.admissionReviewed(JobflowMetrics.Webhook.VALIDATE, "CREATE", JobflowMetrics.Verdict.DENIED,
        Duration.ofMillis(3));
    metrics.journalPersisted(Duration.ofMillis(2));
    metrics.journalPersistFailed(JobflowMetrics.PersistFailure.FAILURE);
    metrics.entityRecovered(Duration.ofMillis(30));
    metrics.actorStarted(JobflowMetrics.ActorKind.FLOW);
    metrics.scheduleFired("data", 2);
    metrics.scheduleSkipped("data", "ConcurrencyForbidden", 1);
    metrics.triggerSeen("ops", "disk");
    metrics.triggerReceived("ops", "disk", 2);
    metrics.triggerFiltered("ops", "disk", "labels");
    metrics.triggerDeduplicated("ops", "disk");
    metrics.triggerFlowCreated("ops", "disk");
    metrics.triggerRejected("ops", "disk", "Forbidden");
    metrics.lockState("ops", "mutex", "db-1", 1, 2);
    metrics.lockGranted("ops", "mutex", "db-1", java.time.Duration.ofSeconds(42));
    metrics.notificationDelivered("flow.failed");
    metrics.notificationAttemptFailed("connection");
    metrics.notificationDropped("rejected");
    metrics.notificationsRetrying(1);
    metrics.notificationLag(java.time.Duration.ofSeconds(3));
  }
}
