package dev.jobflow.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Grafana dashboards are importable: valid JSON, a Prometheus datasource variable used everywhere, sound PromQL. */
class DashboardsTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final Path DASHBOARDS = ProjectFiles.dir().resolve("dashboards");
  static final String DATASOURCE_UID = "${datasource}";

  @Test
  void theOverviewAndNamespaceDashboardsExist() throws Exception {
    assertEquals(List.of("jobflow-namespace.json", "jobflow-overview.json"),
        dashboards().stream().map(p -> p.getFileName().toString()).toList());
  }

  @Test
  void eachHasAPrometheusDatasourceVariableUniquePanelIdsAndTargetsOnThatDatasource() throws Exception {
    Set<String> uids = new HashSet<>();
    for (Path file : dashboards()) {
      JsonNode dashboard = JSON.readTree(file.toFile());
      String name = file.getFileName().toString();
      assertTrue(uids.add(dashboard.path("uid").asText()), name + ": uid must be unique across dashboards");
      assertFalse(dashboard.path("title").asText().isEmpty(), name + ": title");
      assertTrue(dashboard.path("id").isMissingNode() || dashboard.path("id").isNull(),
          name + ": no numeric id, so importing creates the dashboard instead of overwriting another");

      JsonNode datasource = null;
      for (JsonNode variable : dashboard.path("templating").path("list")) {
        if (variable.path("name").asText().equals("datasource")) {
          datasource = variable;
        }
      }
      assertTrue(datasource != null, name + ": no variable named datasource");
      assertEquals("datasource", datasource.path("type").asText(), name + ": datasource variable type");
      assertEquals("prometheus", datasource.path("query").asText(), name + ": datasource variable plugin");

      List<JsonNode> panels = new ArrayList<>();
      collect(dashboard.path("panels"), panels);
      assertTrue(panels.size() >= 8, name + ": panels");
      Set<Integer> ids = new HashSet<>();
      for (JsonNode panel : panels) {
        String title = panel.path("title").asText();
        assertTrue(panel.path("id").isInt() && ids.add(panel.path("id").asInt()),
            name + ": panel id " + panel.path("id") + " (" + title + ") missing or repeated");
        assertFalse(title.isBlank(), name + ": panel " + panel.path("id") + " has no title");
        if (panel.path("type").asText().equals("row")) {
          continue;
        }
        assertEquals(DATASOURCE_UID, panel.path("datasource").path("uid").asText(), name + ": " + title);
        assertTrue(panel.path("targets").size() > 0, name + ": " + title + " has no query");
        for (JsonNode target : panel.path("targets")) {
          assertEquals(DATASOURCE_UID, target.path("datasource").path("uid").asText(),
              name + ": " + title + " target " + target.path("refId").asText() + " not on ${datasource}");
          assertFalse(target.path("expr").asText().isBlank(), name + ": " + title + " empty expr");
        }
        assertTrue(panel.path("description").asText().length() > 10, name + ": " + title + " needs a description");
      }
      for (JsonNode variable : dashboard.path("templating").path("list")) {
        if (variable.path("type").asText().equals("query")) {
          assertEquals(DATASOURCE_UID, variable.path("datasource").path("uid").asText(),
              name + ": variable " + variable.path("name").asText());
        }
      }
    }
  }

  /** Every panel query, with Grafana's variables filled in, parses as PromQL (as a recording rule for promtool). */
  @Test
  void everyPanelQueryIsValidPromql(@TempDir Path tmp) throws Exception {
    ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
    ObjectNode file = yaml.createObjectNode();
    ArrayNode groups = file.putArray("groups");
    for (Path dashboard : dashboards()) {
      ObjectNode group = groups.addObject();
      group.put("name", dashboard.getFileName().toString());
      ArrayNode rules = group.putArray("rules");
      int n = 0;
      for (MetricNamesInUse.Expression e : MetricNamesInUse.dashboardExpressions(JSON.readTree(dashboard.toFile()))) {
        if (e.where().startsWith("variable")) {
          continue; // label_values() is Grafana's, not PromQL
        }
        ObjectNode rule = rules.addObject();
        rule.put("record", "dashboard:query:" + (++n));
        rule.put("expr", e.expr().replace("$__rate_interval", "5m").replace("$namespace", ".*"));
      }
    }
    Path rulesFile = tmp.resolve("dashboard-queries.yaml");
    yaml.writeValue(rulesFile.toFile(), file);
    Promtool.Result result = Promtool.run(null, "check", "rules", rulesFile.toString());
    assertEquals(0, result.exitCode(), "a dashboard query is not valid PromQL:\n" + result.output());
  }

  static List<Path> dashboards() throws Exception {
    try (Stream<Path> files = Files.list(DASHBOARDS)) {
      return files.filter(p -> p.toString().endsWith(".json")).sorted().toList();
    }
  }

  static void collect(JsonNode panels, List<JsonNode> into) {
    for (JsonNode panel : panels) {
      into.add(panel);
      collect(panel.path("panels"), into);
    }
  }
}
