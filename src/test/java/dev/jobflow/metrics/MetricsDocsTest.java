package dev.jobflow.metrics;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** docs/metrics.md names every metric, every dashboard panel and every alert. */
class MetricsDocsTest {
  static final Path DOC = ProjectFiles.dir().resolve("docs/metrics.md");

  @Test
  void everyMetricIsDocumented() throws Exception {
    String doc = Files.readString(DOC);
    for (JobflowMetric metric : JobflowMetric.values()) {
      assertTrue(doc.contains("`" + metric.prometheusName() + "`"), "docs/metrics.md lacks " + metric.prometheusName());
    }
  }

  @Test
  void everyPanelIsDocumented() throws Exception {
    String doc = Files.readString(DOC);
    for (Path dashboard : DashboardsTest.dashboards()) {
      List<JsonNode> panels = new ArrayList<>();
      DashboardsTest.collect(new ObjectMapper().readTree(dashboard.toFile()).path("panels"), panels);
      String section = doc.substring(doc.indexOf("(`" + dashboard.getFileName() + "`)"));
      for (JsonNode panel : panels) {
        String title = panel.path("title").asText();
        assertTrue(section.contains("| " + title + " |"),
            "docs/metrics.md has no row for panel \"" + title + "\" of " + dashboard.getFileName());
      }
    }
  }

  @Test
  void everyAlertIsListed() throws Exception {
    String doc = Files.readString(DOC);
    for (JsonNode alert : AlertRulesTest.alerts()) {
      String name = alert.path("alert").asText();
      assertTrue(doc.contains("[" + name + "](runbook.md#" + name.toLowerCase() + ")"), "docs/metrics.md lacks " + name);
    }
  }
}
