package dev.jobflow.metrics;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One scrape of a {@code /metrics} endpoint, parsed just enough to tell which metric families have samples. Shared by
 * the metric checks here and the controller-level test that scrapes a running controller.
 */
public record Scrape(String text, String contentType) {
  private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{[^}]*})?\\s+(\\S+)");
  private static final Pattern TYPE = Pattern.compile("^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (\\w+)");
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  /** GETs {@code uri}; fails on anything but 200. */
  public static Scrape of(URI uri) throws IOException, InterruptedException {
    HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IOException("GET " + uri + " answered " + response.statusCode());
    }
    return new Scrape(response.body(), response.headers().firstValue("Content-Type").orElse(""));
  }

  /**
   * Scrapes until {@code ready} holds, because the exported data only changes on Kamon's tick.
   *
   * @throws AssertionError with the last scrape when it never held
   */
  public static Scrape until(URI uri, Predicate<Scrape> ready, Duration timeout)
      throws IOException, InterruptedException {
    return until(uri, ready, timeout, last -> "last:\n" + last.text);
  }

  /**
   * As {@link #until(URI, Predicate, Duration)}, but the failure says {@code whyNot} of the last scrape, which is
   * shorter and more to the point than the whole scrape.
   */
  public static Scrape until(URI uri, Predicate<Scrape> ready, Duration timeout,
      java.util.function.Function<Scrape, String> whyNot) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    Scrape last = of(uri);
    while (!ready.test(last)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("scrape of " + uri + " never became ready within " + timeout + "; " + whyNot.apply(last));
      }
      Thread.sleep(50);
      last = of(uri);
    }
    return last;
  }

  /** Metric family → type, from the {@code # TYPE} lines. */
  public Map<String, String> types() {
    Map<String, String> types = new TreeMap<>();
    for (String line : text.split("\n")) {
      Matcher m = TYPE.matcher(line);
      if (m.find()) {
        types.put(m.group(1), m.group(2));
      }
    }
    return types;
  }

  /**
   * Families that have at least one sample: a histogram's {@code _bucket}/{@code _sum}/{@code _count} samples count for
   * the histogram. A family announced by {@code # TYPE} without samples is not exported as far as Prometheus cares.
   */
  public Set<String> familiesWithSamples() {
    Map<String, String> types = types();
    Set<String> families = new TreeSet<>();
    for (String line : text.split("\n")) {
      if (line.startsWith("#")) {
        continue;
      }
      Matcher m = SAMPLE.matcher(line);
      if (!m.find()) {
        continue;
      }
      String name = m.group(1);
      String base = name.replaceFirst("_(bucket|sum|count)$", "");
      families.add(!base.equals(name) && types.containsKey(base) ? base : name);
    }
    return families;
  }

  /** The value of the sample written exactly as {@code series} (name plus labels as rendered), or null. */
  public Double value(String name, Map<String, String> labels) {
    for (String line : text.split("\n")) {
      Matcher m = SAMPLE.matcher(line);
      if (!line.startsWith("#") && m.find() && m.group(1).equals(name) && labelsOf(m.group(2)).equals(labels)) {
        return Double.parseDouble(m.group(3));
      }
    }
    return null;
  }

  /** The sum of every sample of {@code name}, whatever its labels; 0 when none is exported. */
  public double sum(String name) {
    double total = 0;
    for (String line : text.split("\n")) {
      Matcher m = SAMPLE.matcher(line);
      if (!line.startsWith("#") && m.find() && m.group(1).equals(name)) {
        total += Double.parseDouble(m.group(3));
      }
    }
    return total;
  }

  /** Every label set exported for {@code name}. */
  public Set<Map<String, String>> series(String name) {
    Set<Map<String, String>> all = new java.util.HashSet<>();
    for (String line : text.split("\n")) {
      Matcher m = SAMPLE.matcher(line);
      if (!line.startsWith("#") && m.find() && m.group(1).equals(name)) {
        all.add(labelsOf(m.group(2)));
      }
    }
    return all;
  }

  private static Map<String, String> labelsOf(String braces) {
    Map<String, String> labels = new TreeMap<>();
    if (braces == null) {
      return labels;
    }
    Matcher m = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"").matcher(braces);
    while (m.find()) {
      labels.put(m.group(1), m.group(2));
    }
    return labels;
  }
}
