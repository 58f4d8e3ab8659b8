package dev.jobflow.bench;

import com.typesafe.config.ConfigFactory;
import dev.jobflow.api.FlowPhase;
import dev.jobflow.metrics.FlowCensus;
import dev.jobflow.metrics.JobflowMetrics;
import dev.jobflow.metrics.MetricsServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * What a measurement costs the engine's hot path, and what a scrape costs with many namespaces.
 * {@code bin/bench MetricsBenchmark [namespaces]} (default 200). Prints figures; asserts nothing.
 */
public final class MetricsBenchmark {
  public static void main(String[] args) throws Exception {
    int namespaces = args.length > 0 ? Integer.parseInt(args[0]) : 200;
    var config = ConfigFactory.parseString("jobflow.metrics { host = \"127.0.0.1\", port = 0 }\n"
        + "kamon.metric.tick-interval = 1 second").withFallback(ConfigFactory.load());
    try (MetricsServer server = MetricsServer.start(config)) {
      JobflowMetrics metrics = new JobflowMetrics(namespaces);
      String[] ns = new String[namespaces];
      for (int i = 0; i < namespaces; i++) {
        ns[i] = "team-" + i;
      }

      measure("counter (stepAttemptStarted)", 2_000_000, i -> metrics.stepAttemptStarted(ns[i % namespaces]));
      measure("counter + histogram (stepAttemptSucceeded)", 2_000_000,
          i -> metrics.stepAttemptSucceeded(ns[i % namespaces], Duration.ofMillis(1_000 + i % 100_000)));
      measure("counter, 2 labels (stepAttemptFailed)", 2_000_000,
          i -> metrics.stepAttemptFailed(ns[i % namespaces], i % 2 == 0 ? "BackoffLimitExceeded" : "weird",
              Duration.ofSeconds(5)));
      measure("histogram (journalPersisted)", 2_000_000, i -> metrics.journalPersisted(Duration.ofNanos(800_000 + i)));
      measureConcurrently(metrics, ns, 4, 1_000_000);

      FlowCensus census = new FlowCensus();
      Instant now = Instant.now();
      FlowPhase[] phases = FlowPhase.values();
      for (int i = 0; i < 100_000; i++) {
        census.add(ns[i % namespaces], phases[i % phases.length], now.minusSeconds(i));
      }
      long t0 = System.nanoTime();
      int rounds = 20;
      for (int r = 0; r < rounds; r++) {
        metrics.recordFlowCensus(census);
      }
      System.out.printf("recordFlowCensus, 100,000 flows in %d namespaces: %.2f ms per census%n", namespaces,
          (System.nanoTime() - t0) / 1e6 / rounds);

      Thread.sleep(2_500); // two ticks, so the scrape holds everything recorded
      HttpClient http = HttpClient.newHttpClient();
      URI uri = server.uri();
      String body = "";
      long best = Long.MAX_VALUE;
      for (int i = 0; i < 10; i++) {
        long s = System.nanoTime();
        body = http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString()).body();
        best = Math.min(best, System.nanoTime() - s);
      }
      long series = body.lines().filter(l -> !l.startsWith("#") && !l.isBlank()).count();
      System.out.printf("scrape with %d namespaces: %d series, %d KiB, best of 10 GETs %.1f ms%n",
          namespaces, series, body.length() / 1024, best / 1e6);
      Runtime rt = Runtime.getRuntime();
      System.gc();
      System.out.printf("heap used after all that: %d MiB%n", (rt.totalMemory() - rt.freeMemory()) >> 20);
    }
  }

  interface Op {
    void run(int i);
  }

  static void measure(String name, int n, Op op) {
    for (int i = 0; i < n / 4; i++) {
      op.run(i); // warm-up
    }
    long t0 = System.nanoTime();
    for (int i = 0; i < n; i++) {
      op.run(i);
    }
    System.out.printf("%-45s %7.0f ns/call (1 thread)%n", name, (System.nanoTime() - t0) / (double) n);
  }

  static void measureConcurrently(JobflowMetrics metrics, String[] ns, int threads, int perThread) throws Exception {
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> all = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int offset = t;
      Thread thread = new Thread(() -> {
        try {
          start.await();
        } catch (InterruptedException e) {
          return;
        }
        for (int i = 0; i < perThread; i++) {
          metrics.stepAttemptSucceeded(ns[(i + offset) % ns.length], Duration.ofMillis(i % 100_000));
        }
      });
      thread.start();
      all.add(thread);
    }
    long t0 = System.nanoTime();
    start.countDown();
    for (Thread thread : all) {
      thread.join();
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    System.out.printf("%-45s %7.0f calls/s (%d threads, %d cores)%n", "stepAttemptSucceeded concurrently",
        threads * perThread / seconds, threads, Runtime.getRuntime().availableProcessors());
  }
}
