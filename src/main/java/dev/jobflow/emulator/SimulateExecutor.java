package dev.jobflow.emulator;

import dev.jobflow.api.GoDuration;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Finishes Jobs after a duration with an outcome, both read from annotations on the Job's pod
 * template, so a flow's behaviour is fixed by its YAML:
 * <ul>
 *   <li>{@code sim.jobflow.dev/duration}: a Go duration ({@code 2s}, {@code 1m30s}); default {@code 1s};</li>
 *   <li>{@code sim.jobflow.dev/outcome}: {@code Succeeded}, {@code Failed} or {@code DeadlineExceeded}, or a
 *       comma-separated list of them read by the Job's {@code jobflow.dev/attempt} label (1 is the first; the
 *       last entry holds for later attempts); default {@code Succeeded}.</li>
 *   <li>{@code sim.jobflow.dev/outputs}: the termination message a succeeded attempt writes, e.g.
 *       {@code {"rows": "1200"}} (the step's outputs); a Job with it gets a Pod, where the controller reads it.</li>
 * </ul>
 * A {@code Failed} outcome fails the Job at once with reason BackoffLimitExceeded, as if every Pod
 * retry had failed: the step's retries, not the Job's, are what a flow test exercises.
 */
final class SimulateExecutor implements JobExecutor {
  static final String DURATION = "sim.jobflow.dev/duration";
  static final String OUTCOME = "sim.jobflow.dev/outcome";
  static final String OUTPUTS = "sim.jobflow.dev/outputs";
  static final String ATTEMPT_LABEL = "jobflow.dev/attempt";
  static final Duration DEFAULT_DURATION = Duration.ofSeconds(1);

  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "emulator-simulate");
    t.setDaemon(true);
    return t;
  });

  @Override
  public Attempt start(Job job, int podIndex, String podName) {
    Outcome outcome;
    Duration duration;
    try {
      duration = duration(job);
      outcome = outcome(job);
    } catch (IllegalArgumentException e) {
      outcome = Outcome.jobFailed("InvalidSimulation", e.getMessage());
      duration = Duration.ZERO;
    }
    CompletableFuture<Outcome> result = new CompletableFuture<>();
    Outcome decided = outcome.kind() == Outcome.Kind.SUCCEEDED ? outcome.withTerminationMessage(outputs(job)) : outcome;
    ScheduledFuture<?> f = timer.schedule(() -> result.complete(decided), duration.toMillis(), TimeUnit.MILLISECONDS);
    return Attempt.of(result, () -> f.cancel(false));
  }

  static Duration duration(Job job) {
    String d = annotations(job).get(DURATION);
    if (d == null || d.isBlank()) {
      return DEFAULT_DURATION;
    }
    try {
      return GoDuration.parse(d.trim());
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("annotation " + DURATION + " of Job " + job.getMetadata().getName()
          + " is not a duration: \"" + d + "\" (use e.g. 2s, 1m30s)");
    }
  }

  static Outcome outcome(Job job) {
    String list = annotations(job).get(OUTCOME);
    if (list == null || list.isBlank()) {
      return Outcome.succeeded();
    }
    List<String> outcomes = Arrays.stream(list.split(",")).map(String::trim).toList();
    int attempt = attempt(job);
    String chosen = outcomes.get(Math.min(Math.max(attempt, 1), outcomes.size()) - 1);
    return switch (chosen.toLowerCase(Locale.ROOT)) {
      case "succeeded" -> Outcome.succeeded();
      case "failed" -> Outcome.jobFailed("BackoffLimitExceeded", "Job has reached the specified backoff limit");
      case "deadlineexceeded" -> Outcome.jobFailed("DeadlineExceeded", "Job was active longer than specified deadline");
      default -> throw new IllegalArgumentException("annotation " + OUTCOME + " of Job " + job.getMetadata().getName()
          + " has \"" + chosen + "\": use Succeeded, Failed or DeadlineExceeded, or a comma-separated list of them");
    };
  }

  /** The termination message the Job's annotation asks for, or null. */
  static String outputs(Job job) {
    String text = annotations(job).get(OUTPUTS);
    return text == null || text.isBlank() ? null : text.strip();
  }

  private static int attempt(Job job) {
    Map<String, String> labels = job.getMetadata().getLabels();
    String a = labels == null ? null : labels.get(ATTEMPT_LABEL);
    try {
      return a == null ? 1 : Integer.parseInt(a.trim());
    } catch (NumberFormatException e) {
      return 1;
    }
  }

  private static Map<String, String> annotations(Job job) {
    var template = job.getSpec() == null ? null : job.getSpec().getTemplate();
    Map<String, String> a = template == null || template.getMetadata() == null
        ? null : template.getMetadata().getAnnotations();
    return a == null ? Map.of() : a;
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
