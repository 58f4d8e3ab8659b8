package dev.jobflow.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Every metric a dashboard panel or an alert uses is exported by a real scrape, and the scrape passes
 * {@code promtool check metrics}.
 */
class MetricsInUseTest {
  @Test
  void everyMetricUsedByADashboardOrAlertIsExported() throws Exception {
    MetricNamesInUse inUse = MetricNamesInUse.fromDashboardsAndRules(ProjectFiles.dir());
    assertTrue(inUse.names().size() >= 15, "the dashboards and rules were read: " + inUse.names());
    try (MetricsServer server = MetricsFixture.start()) {
      MetricsFixture.exerciseEveryMeasurement(JobflowMetrics.global());
      Set<String> declared = Arrays.stream(JobflowMetric.values()).map(JobflowMetric::prometheusName)
          .collect(Collectors.toSet());
      Scrape scrape = Scrape.until(server.uri(), s -> s.familiesWithSamples().containsAll(declared),
          Duration.ofSeconds(20));
      assertEquals(Set.of(), inUse.missingFrom(scrape).keySet(),
          "used by a dashboard or alert but not exported: " + inUse.missingFrom(scrape));
    }
  }

  @Test
  void theScrapePassesPromtoolCheckMetrics() throws Exception {
    Promtool.require();
    try (MetricsServer server = MetricsFixture.start()) {
      MetricsFixture.exerciseEveryMeasurement(JobflowMetrics.global());
      Scrape scrape = Scrape.until(server.uri(),
          s -> s.familiesWithSamples().contains("jobflow_step_run_time_seconds"), Duration.ofSeconds(20));
      Promtool.Result result = Promtool.run(scrape.text(), "check", "metrics");
      assertEquals(0, result.exitCode(), "promtool check metrics:\n" + result.output() + "\non:\n" + scrape.text());
      assertEquals("", result.output().trim(), "promtool lint findings");
    }
  }

  @Test
  void aNameThatIsNotExportedIsReportedWithWhereItIsUsed() {
    MetricNamesInUse inUse = MetricNamesInUse.fromDashboardsAndRules(ProjectFiles.dir());
    Scrape empty = new Scrape("# nothing yet\n", "text/plain");
    var missing = inUse.missingFrom(empty);
    assertEquals(inUse.names(), missing.keySet());
    assertTrue(missing.get("jobflow_journal_persist_failures_total").stream()
        .anyMatch(where -> where.contains("alert JobflowJournalPersistFailures")), missing.toString());
    assertTrue(missing.get("jobflow_flows").stream()
        .anyMatch(where -> where.startsWith("jobflow-overview.json: panel \"Flows by phase\"")), missing.toString());
  }
}
