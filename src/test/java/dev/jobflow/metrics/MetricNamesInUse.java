package dev.jobflow.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The Jobflow metric names that the Grafana dashboards ({@code dashboards/*.json}: panel targets and templating
 * queries) and the alert rules ({@code deploy/prometheus/*.yaml}: every rule {@code expr}) use. PromQL is read
 * roughly: every identifier starting {@code jobflow_}, with a histogram's {@code _bucket}/{@code _sum}/{@code _count}
 * stripped. Other metrics ({@code up}, kube-state-metrics) come from elsewhere and are not ours to export.
 *
 * <p>Reusable: the controller-level test scrapes a real controller and asserts {@link #missingFrom} is empty.
 */
public final class MetricNamesInUse {
  private static final Pattern JOBFLOW_NAME = Pattern.compile("(?<![a-zA-Z0-9_:])jobflow_[a-zA-Z0-9_]*");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  /** Metric name → where it is used (file and panel title or alert name), sorted. */
  private final Map<String, Set<String>> uses;

  private MetricNamesInUse(Map<String, Set<String>> uses) {
    this.uses = uses;
  }

  public static MetricNamesInUse fromDashboardsAndRules(Path projectDir) {
    Map<String, Set<String>> uses = new TreeMap<>();
    try {
      for (Path dashboard : files(projectDir.resolve("dashboards"), ".json")) {
        for (Expression e : dashboardExpressions(JSON.readTree(dashboard.toFile()))) {
          note(uses, e.expr(), dashboard.getFileName() + ": " + e.where());
        }
      }
      for (Path rules : files(projectDir.resolve("deploy/prometheus"), ".yaml")) {
        for (Expression e : ruleExpressions(YAML.readTree(rules.toFile()))) {
          note(uses, e.expr(), rules.getFileName() + ": " + e.where());
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new MetricNamesInUse(uses);
  }

  public Set<String> names() {
    return uses.keySet();
  }

  /** Where each name is used, for failure messages. */
  public Map<String, Set<String>> uses() {
    return uses;
  }

  /** Names in use that have no sample in {@code scrape}, each with where it is used. */
  public Map<String, Set<String>> missingFrom(Scrape scrape) {
    Set<String> exported = scrape.familiesWithSamples();
    Map<String, Set<String>> missing = new TreeMap<>();
    uses.forEach((name, where) -> {
      if (!exported.contains(name)) {
        missing.put(name, where);
      }
    });
    return missing;
  }

  /** A PromQL expression and where it was found. */
  public record Expression(String expr, String where) {}

  /** Every panel target {@code expr} (nested rows included) and every templating query. */
  public static List<Expression> dashboardExpressions(JsonNode dashboard) {
    List<Expression> found = new ArrayList<>();
    collectPanels(dashboard.path("panels"), found);
    for (JsonNode variable : dashboard.path("templating").path("list")) {
      JsonNode query = variable.path("query");
      String text = query.isObject() ? query.path("query").asText("") : query.asText("");
      if (!variable.path("type").asText().equals("datasource") && !text.isEmpty()) {
        found.add(new Expression(text, "variable " + variable.path("name").asText()));
      }
    }
    return found;
  }

  /** Every rule {@code expr} of a PrometheusRule (or a plain rule file: {@code groups} at the top). */
  public static List<Expression> ruleExpressions(JsonNode document) {
    List<Expression> found = new ArrayList<>();
    JsonNode groups = document.has("spec") ? document.path("spec").path("groups") : document.path("groups");
    for (JsonNode group : groups) {
      for (JsonNode rule : group.path("rules")) {
        String name = rule.has("alert") ? "alert " + rule.path("alert").asText() : "record " + rule.path("record").asText();
        found.add(new Expression(rule.path("expr").asText(), name));
      }
    }
    return found;
  }

  private static void collectPanels(JsonNode panels, List<Expression> found) {
    for (JsonNode panel : panels) {
      for (JsonNode target : panel.path("targets")) {
        if (target.hasNonNull("expr")) {
          found.add(new Expression(target.path("expr").asText(), "panel \"" + panel.path("title").asText() + "\""));
        }
      }
      collectPanels(panel.path("panels"), found);
    }
  }

  private static void note(Map<String, Set<String>> uses, String expr, String where) {
    Matcher m = JOBFLOW_NAME.matcher(expr);
    while (m.find()) {
      String name = m.group().replaceFirst("_(bucket|sum|count)$", "");
      uses.computeIfAbsent(name, k -> new TreeSet<>()).add(where);
    }
  }

  private static List<Path> files(Path dir, String suffix) throws IOException {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.getFileName().toString().endsWith(suffix))
          .filter(p -> !p.getFileName().toString().equals("kustomization.yaml"))
          .sorted().toList();
    }
  }
}
