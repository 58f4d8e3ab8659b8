package dev.jobflow.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jobflow.api.FlowPhase;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The facade's measurements as Prometheus sees them: a real scrape of a real server. */
class JobflowMetricsTest {
  static final Duration PATIENCE = Duration.ofSeconds(20);
  MetricsServer server;

  @BeforeEach
  void start() {
    server = MetricsFixture.start();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void everyDeclaredMetricIsExportedUnderItsExactNameAndType() throws Exception {
    MetricsFixture.exerciseEveryMeasurement(JobflowMetrics.global());
    Set<String> declared = Arrays.stream(JobflowMetric.values()).map(JobflowMetric::prometheusName)
        .collect(Collectors.toSet());
    Scrape scrape = Scrape.until(server.uri(), s -> s.familiesWithSamples().containsAll(declared), PATIENCE);
    for (JobflowMetric metric : JobflowMetric.values()) {
      assertEquals(metric.type().name().toLowerCase(), scrape.types().get(metric.prometheusName()),
          "type of " + metric.prometheusName());
      for (Map<String, String> series : scrape.series(metric.type() == JobflowMetric.Type.HISTOGRAM
          ? metric.prometheusName() + "_count" : metric.prometheusName())) {
        assertEquals(Set.copyOf(metric.labels()), series.keySet(), "labels of " + metric.prometheusName());
      }
    }
  }

  @Test
  void countersCountAndUnknownReasonsBecomeOther() throws Exception {
    JobflowMetrics metrics = JobflowMetrics.global();
    metrics.stepAttemptFailed("etl", "backofflimitexceeded", Duration.ofSeconds(1));
    metrics.stepAttemptFailed("etl", "BackoffLimitExceeded", Duration.ofSeconds(1));
    metrics.stepAttemptFailed("etl", "pod of flow nightly-etl-7f3a exploded", Duration.ofSeconds(1));
    metrics.kubeApiError("create", "jobs", 0);
    metrics.kubeApiError("CREATE", "widgets", 503);
    Scrape scrape = Scrape.until(server.uri(),
        s -> s.familiesWithSamples().containsAll(Set.of("jobflow_step_attempts_failed_total",
            "jobflow_kube_api_errors_total")), PATIENCE);
    assertEquals(2.0, scrape.value("jobflow_step_attempts_failed_total",
        Map.of("namespace", "etl", "reason", "BackoffLimitExceeded")));
    assertEquals(1.0, scrape.value("jobflow_step_attempts_failed_total",
        Map.of("namespace", "etl", "reason", "Other")));
    assertEquals(2, scrape.series("jobflow_step_attempts_failed_total").size(), scrape.text());
    assertEquals(1.0, scrape.value("jobflow_kube_api_errors_total",
        Map.of("verb", "create", "resource", "jobs", "code", "connection")));
    assertEquals(1.0, scrape.value("jobflow_kube_api_errors_total",
        Map.of("verb", "create", "resource", "Other", "code", "503")));
  }

  @Test
  void durationsAreExportedInSecondsIntoTheConfiguredBuckets() throws Exception {
    JobflowMetrics metrics = JobflowMetrics.global();
    metrics.stepAttemptSucceeded("etl", Duration.ofSeconds(75));
    metrics.stepAttemptSucceeded("etl", Duration.ofSeconds(30));
    metrics.admissionReviewed(JobflowMetrics.Webhook.MUTATE, "UPDATE", JobflowMetrics.Verdict.ALLOWED,
        Duration.ofMillis(3));
    Scrape scrape = Scrape.until(server.uri(), s -> s.familiesWithSamples().containsAll(
        Set.of("jobflow_step_run_time_seconds", "jobflow_admission_latency_seconds")), PATIENCE);
    Map<String, String> series = Map.of("namespace", "etl", "result", "succeeded");
    assertEquals(2.0, scrape.value("jobflow_step_run_time_seconds_count", series));
    // HDR histograms keep 2 significant digits: the sum is within 1 %.
    double sum = scrape.value("jobflow_step_run_time_seconds_sum", series);
    assertTrue(Math.abs(sum - 105) < 1.1, "sum " + sum);
    assertEquals(1.0, scrape.value("jobflow_step_run_time_seconds_bucket", with(series, "le", "30.0")));
    assertEquals(1.0, scrape.value("jobflow_step_run_time_seconds_bucket", with(series, "le", "60.0")));
    assertEquals(2.0, scrape.value("jobflow_step_run_time_seconds_bucket", with(series, "le", "120.0")));
    assertEquals(2.0, scrape.value("jobflow_step_run_time_seconds_bucket", with(series, "le", "+Inf")));
    Map<String, String> mutate = Map.of("webhook", "mutate");
    assertEquals(0.0, scrape.value("jobflow_admission_latency_seconds_bucket", with(mutate, "le", "0.0025")));
    assertEquals(1.0, scrape.value("jobflow_admission_latency_seconds_bucket", with(mutate, "le", "0.005")));
    assertEquals(1.0, scrape.value("jobflow_admission_requests_total",
        Map.of("webhook", "mutate", "operation", "UPDATE", "verdict", "allowed")));
  }

  @Test
  void censusSetsEveryPhaseAndZeroesNamespacesThatEmptied() throws Exception {
    JobflowMetrics metrics = new JobflowMetrics(10);
    Instant oldest = Instant.parse("2026-11-23T05:00:00Z");
    metrics.recordFlowCensus(new FlowCensus()
        .add("a", FlowPhase.Running, Instant.parse("2026-11-23T06:00:00Z"))
        .add("a", FlowPhase.Running, oldest)
        .add("a", FlowPhase.Failed, null)
        .add("b", FlowPhase.Pending, null));
    Scrape first = Scrape.until(server.uri(),
        s -> Double.valueOf(2.0).equals(s.value("jobflow_flows", Map.of("namespace", "a", "phase", "Running"))),
        PATIENCE);
    assertEquals(1.0, first.value("jobflow_flows", Map.of("namespace", "a", "phase", "Failed")));
    assertEquals(0.0, first.value("jobflow_flows", Map.of("namespace", "a", "phase", "Succeeded")));
    assertEquals(1.0, first.value("jobflow_flows", Map.of("namespace", "b", "phase", "Pending")));
    assertEquals(oldest.getEpochSecond(), first.value("jobflow_flows_oldest_running_start_time_seconds",
        Map.of("namespace", "a")));
    assertEquals(0.0, first.value("jobflow_flows_oldest_running_start_time_seconds", Map.of("namespace", "b")));

    metrics.recordFlowCensus(new FlowCensus().add("a", FlowPhase.Succeeded, null));
    Scrape second = Scrape.until(server.uri(),
        s -> Double.valueOf(0.0).equals(s.value("jobflow_flows", Map.of("namespace", "b", "phase", "Pending"))),
        PATIENCE);
    assertEquals(0.0, second.value("jobflow_flows", Map.of("namespace", "a", "phase", "Running")));
    assertEquals(1.0, second.value("jobflow_flows", Map.of("namespace", "a", "phase", "Succeeded")));
    assertEquals(0.0, second.value("jobflow_flows_oldest_running_start_time_seconds", Map.of("namespace", "a")));
  }

  @Test
  void namespacesBeyondTheCapShareOneLabelValue() throws Exception {
    JobflowMetrics metrics = new JobflowMetrics(2);
    metrics.flowStarted("n1");
    metrics.flowStarted("n2");
    metrics.flowStarted("n3");
    metrics.flowStarted("n4");
    metrics.flowStarted("n1");
    Scrape scrape = Scrape.until(server.uri(),
        s -> s.series("jobflow_flows_started_total").size() == 3, PATIENCE);
    assertEquals(2.0, scrape.value("jobflow_flows_started_total", Map.of("namespace", "n1")));
    assertEquals(1.0, scrape.value("jobflow_flows_started_total", Map.of("namespace", "n2")));
    assertEquals(2.0, scrape.value("jobflow_flows_started_total", Map.of("namespace", LabelValues.OTHER_NAMESPACE)));
    assertNull(scrape.value("jobflow_flows_started_total", Map.of("namespace", "n3")));
  }

  @Test
  void actorsAliveGoesUpAndDown() throws Exception {
    JobflowMetrics metrics = JobflowMetrics.global();
    metrics.actorStarted(JobflowMetrics.ActorKind.STEP);
    metrics.actorStarted(JobflowMetrics.ActorKind.STEP);
    metrics.actorStarted(JobflowMetrics.ActorKind.STEP);
    metrics.actorStopped(JobflowMetrics.ActorKind.STEP);
    Scrape scrape = Scrape.until(server.uri(),
        s -> Double.valueOf(2.0).equals(s.value("jobflow_actors_alive", Map.of("kind", "step"))), PATIENCE);
    assertEquals(0.0, scrape.value("jobflow_actors_alive", Map.of("kind", "flow")), "registered at zero on start");
  }

  @Test
  void knownSeriesExistAtZeroBeforeAnyEvent() throws Exception {
    Scrape scrape = Scrape.until(server.uri(),
        s -> s.familiesWithSamples().contains("jobflow_journal_persist_failures_total"), PATIENCE);
    assertEquals(0.0, scrape.value("jobflow_journal_persist_failures_total", Map.of("kind", "failure")));
    assertEquals(0.0, scrape.value("jobflow_status_write_conflicts_total", Map.of()));
    assertEquals(0.0, scrape.value("jobflow_informer_relists_total", Map.of("resource", "jobflows")));
    assertEquals(0.0, scrape.value("jobflow_admission_requests_total",
        Map.of("webhook", "validate", "operation", "CREATE", "verdict", "error")));
  }

  @Test
  void flowFinishedRejectsAnUnfinishedPhase() {
    assertThrows(IllegalArgumentException.class,
        () -> JobflowMetrics.global().flowFinished("a", FlowPhase.Running, Duration.ZERO));
  }

  static Map<String, String> with(Map<String, String> labels, String key, String value) {
    var copy = new java.util.TreeMap<>(labels);
    copy.put(key, value);
    return copy;
  }
}
