package dev.jobflow.controller;

import static dev.jobflow.controller.ControllerHarness.flow;
import static dev.jobflow.controller.ControllerHarness.step;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import dev.jobflow.api.FlowPhase;
import dev.jobflow.api.JobFlow;
import dev.jobflow.api.StepStatus;
import dev.jobflow.emulator.Faults;
import dev.jobflow.emulator.Faults.Rule;
import dev.jobflow.metrics.MetricsServer;
import dev.jobflow.metrics.Scrape;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The controller under the faults a real API server throws ({@link Faults}, injected by the emulator into the
 * controller's calls only): every flow ends Succeeded, no completion is missed and no Job is created twice. Prints
 * what each fault cost, next to a fault-free run of the same flows measured first in the same JVM (figures only;
 * nothing here asserts a time).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ApiFaultsTest {
  static final int FLOWS = 4;

  @TempDir
  static Path dir;
  static ControllerHarness harness;
  static JobCreations jobsAdded;
  static MetricsServer metrics;
  static final List<Figure> figures = new ArrayList<>();
  /** A quiet Job watch is checked this soon, so a silent one is found within a run. */
  static final Duration QUIET_WATCH = Duration.ofSeconds(1);

  /** What one fault cost: API calls, time, how often it applied, and what the controller's metrics counted. */
  record Figure(String fault, long apiCalls, long millis, int hits, long apiErrors, long jobLists, long relists) {}

  /** The controller's own counts, from its metrics as Prometheus scrapes them. */
  record Counts(long apiErrors, long jobLists, long relists) {
    static Counts scraped() {
      // A count reaches the scrape at the next tick: read until two scrapes a tick apart agree.
      java.util.concurrent.atomic.AtomicReference<Counts> last = new java.util.concurrent.atomic.AtomicReference<>();
      return org.awaitility.Awaitility.await().pollInterval(Duration.ofMillis(300)).atMost(Duration.ofSeconds(10))
          .until(() -> {
            Scrape s = Scrape.of(metrics.uri());
            Double lists = s.value("jobflow_kube_requests_total", Map.of("verb", "list", "resource", "jobs"));
            Counts now = new Counts((long) s.sum("jobflow_kube_api_errors_total"), lists == null ? 0 : lists.longValue(),
                (long) s.sum("jobflow_informer_relists_total"));
            return now.equals(last.getAndSet(now)) ? now : null;
          }, java.util.Objects::nonNull);
    }
  }

  @BeforeAll
  static void start() throws Exception {
    metrics = MetricsServer.start(ConfigFactory.parseString("""
        jobflow.metrics { host = "127.0.0.1", port = 0 }
        kamon.metric.tick-interval = 100 ms
        kamon.metric.optimistic-tick-alignment = no
        """).withFallback(ConfigFactory.load()));
    harness = ControllerHarness.customized(dir, s -> s.withPeriods(new ControllerSettings.Periods(
        s.periods().resync(), s.periods().ttlSweep(), QUIET_WATCH)));
    // Counts Job creations as the API server sees them (the emulator's own client is never served a fault).
    jobsAdded = new JobCreations(harness.client());
  }

  @AfterAll
  static void stop() {
    if (!figures.isEmpty()) {
      Figure base = figures.get(0);
      System.out.printf("%n%-34s %10s %12s %12s %6s %11s %10s %8s%n", "fault (" + FLOWS + " flows x 2 steps)",
          "API calls", "extra calls", "added ms", "hits", "API errors", "Job lists", "relists");
      for (Figure f : figures) {
        System.out.printf("%-34s %10d %12d %12d %6d %11d %10d %8d%n", f.fault(), f.apiCalls(),
            f.apiCalls() - base.apiCalls(), f.millis() - base.millis(), f.hits(), f.apiErrors(), f.jobLists(),
            f.relists());
      }
      System.out.println("From the controller's metrics: API errors = failed calls it retried "
          + "(jobflow_kube_api_errors_total), Job lists = jobflow_kube_requests_total{verb=\"list\",resource=\"jobs\"} "
          + "(an informer's relist after 410 Gone, a quiet watch's check), relists = jobflow_informer_relists_total "
          + "(a broken watch, a silent one found behind)");
    }
    jobsAdded.close();
    harness.close();
    metrics.close();
  }

  /** Runs {@link #FLOWS} two-step flows under {@code rules}; each must succeed with one Job per step. */
  static void runUnder(String name, Rule... rules) {
    Faults faults = harness.emulator.faults();
    faults.clear();
    for (Rule r : rules) {
      faults.add(r);
    }
    if (java.util.Arrays.stream(rules).anyMatch(r -> r.verb().equals("watch"))) {
      // Watch faults apply to watches opened from now on: end the informers' current ones, so they watch again.
      harness.emulator.dropWatches(false);
    }
    Counts before = Counts.scraped();
    long calls = faults.requests();
    long started = System.nanoTime();
    try {
      for (int i = 1; i <= FLOWS; i++) {
        harness.submit(flow(name + "-" + i, "", step("a", List.of(), "100ms", "Succeeded")
            + step("b", List.of("a"), "100ms", "Succeeded"), null));
      }
      for (int i = 1; i <= FLOWS; i++) {
        JobFlow done = harness.await(name + "-" + i, f -> f.getStatus() != null && f.getStatus().getPhase() != null
            && f.getStatus().getPhase().isFinished() && "2/2".equals(f.getStatus().getProgress()), Duration.ofSeconds(90));
        assertEquals(FlowPhase.Succeeded, done.getStatus().getPhase(), name + "-" + i + ": " + done.getStatus().getMessage());
      }
    } catch (Exception e) {
      throw new AssertionError(name + ": " + e, e);
    }
    long millis = (System.nanoTime() - started) / 1_000_000;
    int hits = faults.hits();
    long used = faults.requests() - calls;
    faults.clear();
    if (rules.length > 0) {
      assertTrue(hits > 0, name + ": the fault never applied");
    }
    for (int i = 1; i <= FLOWS; i++) {
      String flowName = name + "-" + i;
      assertEquals(List.of(flowName + "-a-1", flowName + "-b-1"), harness.jobs(flowName).keySet().stream().sorted().toList());
      for (String job : harness.jobs(flowName).keySet()) {
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> jobsAdded.of(job) > 0);
        assertEquals(1, jobsAdded.of(job), "Job " + job + " created " + jobsAdded.of(job) + " times");
      }
    }
    Counts after = Counts.scraped();
    figures.add(new Figure(name, used, millis, hits, after.apiErrors() - before.apiErrors(),
        after.jobLists() - before.jobLists(), after.relists() - before.relists()));
  }

  @Test
  @Order(0)
  void baseline() {
    runUnder("warmup"); // the first flows of a JVM pay for class loading and JIT: not a fair baseline
    figures.clear();
    runUnder("baseline");
  }

  /** Each fault, by the name its figures are printed under. */
  static Stream<Arguments> faults() {
    return Stream.of(
        Arguments.of("create-500", List.of(Rule.error("jobs", "create", 500, 4))),
        Arguments.of("all-503", List.of(Rule.error("*", "*", 503, 20))),
        Arguments.of("create-429", List.of(Rule.tooManyRequests("jobs", "create", Duration.ofSeconds(1), 3))),
        Arguments.of("status-409", List.of(Rule.error("jobflows/status", "*", 409, 8))),
        Arguments.of("delay-200ms", List.of(Rule.delay("*", "*", Duration.ofMillis(200), 60))),
        Arguments.of("job-watch-closed", List.of(Rule.closeWatch("jobs", Duration.ofSeconds(1), 10))),
        // The first rule that matches applies: one close, then every resume (the next three) answered 410 Gone.
        Arguments.of("job-watch-410", List.of(Rule.closeWatch("jobs", Duration.ofMillis(500), 1),
            Rule.goneOnResume("jobs", 3))),
        // Silent until it ends 3 s later (as the client's own watch timeout would end it): the next watch, resumed
        // from the list's resourceVersion, brings what the silent one kept back.
        Arguments.of("job-watch-silent", List.of(Rule.silentWatch("jobs", Duration.ofSeconds(3), 1))),
        // Open for good and mute: only the check of a quiet watch against a list finds what changed.
        Arguments.of("job-watch-silent-forever", List.of(Rule.silentWatch("jobs", Duration.ZERO, 1))));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("faults")
  @Order(1)
  void everyFlowSucceedsWithOneJobPerStepUnder(String name, List<Rule> rules) {
    runUnder(name, rules.toArray(Rule[]::new));
    Figure figure = figures.get(figures.size() - 1);
    if (rules.stream().anyMatch(r -> r.kind() == Faults.Kind.SILENT_WATCH && r.delay().isZero())) {
      assertTrue(figure.relists() > 0, name + ": the silent watch was relisted");
    }
    if (rules.stream().anyMatch(r -> r.kind() == Faults.Kind.GONE_ON_RESUME)) {
      assertTrue(figure.jobLists() > 0, name + ": 410 Gone made the informer list again");
    }
  }

  @Test
  @Order(2)
  void aJobCreateAnswered422FailsTheAttemptJobRejectedAndTheRetryPolicyApplies() throws Exception {
    Faults faults = harness.emulator.faults();
    faults.add(Rule.error("jobs", "create", 422, -1));
    try {
      harness.submit(flow("rejected", "", step("a", List.of(), "100ms", "Succeeded",
          "      retries: {limit: 1, backoff: {duration: 100ms}}\n"), null));
      JobFlow failed = harness.awaitPhase("rejected", FlowPhase.Failed);
      StepStatus a = failed.getStatus().getSteps().get("a");
      assertEquals("JobRejected", a.getReason());
      assertEquals(2, a.getAttempts(), "the retry policy applied to the rejected attempt");
      assertTrue(a.getMessage().contains("(422)") && a.getMessage().contains("fault injected"), a.getMessage());
      assertEquals(2 * dev.jobflow.step.StepActor.Settings.DEFAULT_REJECTION_TRIES, faults.hits(),
          "a bounded number of tries per attempt");
      assertEquals(Map.of(), harness.jobs("rejected"));
    } finally {
      faults.clear();
    }
  }
}
