package dev.jobflow.cli;

import dev.jobflow.api.GoDuration;
import dev.jobflow.api.JobFlow;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Follows flows until each has ended, showing them in a {@link LiveView}: exit 0 when all succeeded, 1 when
 * one failed, was cancelled or deleted, 3 when {@code --timeout} ran out first.
 */
final class FlowFollower {
  /** Without redraws, still look at the clock this often (for the timeout). */
  private static final Duration IDLE = Duration.ofSeconds(30);

  private FlowFollower() {}

  /** {@code --timeout}: a Go duration, 0 for none. */
  static Duration timeout(String text) {
    try {
      Duration d = GoDuration.parse(text);
      if (d.isNegative()) {
        throw new IllegalArgumentException("'" + text + "' is negative");
      }
      return d;
    } catch (IllegalArgumentException e) {
      throw new CommandFailure(ExitCodes.ERROR, "--timeout: " + e.getMessage());
    }
  }

  static int follow(KubernetesClient client, Duration requestTimeout, List<JobFlow> flows, LiveView view,
                    Duration timeout) throws InterruptedException {
    Instant deadline = timeout.isZero() ? null : Instant.now().plus(timeout);
    try (FlowWatch watch = new FlowWatch(client, flows, requestTimeout.multipliedBy(2))) {
      while (true) {
        List<FlowWatch.Seen> seen = watch.current();
        Instant now = Instant.now();
        List<FlowOutcome> outcomes = seen.stream().map(FlowOutcome::of).toList();
        if (outcomes.stream().allMatch(FlowOutcome::isFinal)) {
          view.end(seen, now);
          return outcomes.stream().mapToInt(FlowOutcome::exitCode).max().orElse(ExitCodes.OK);
        }
        if (deadline != null && !now.isBefore(deadline)) {
          view.end(seen, now);
          throw new CommandFailure(ExitCodes.UNREACHABLE, "timed out after " + Durations.human(timeout) + ": "
              + outcomes.stream().filter(o -> !o.isFinal()).map(o -> o.describe(now)).collect(Collectors.joining("; ")));
        }
        view.show(seen, now);
        Duration wait = view.tick() == null ? IDLE : view.tick();
        if (deadline != null && Duration.between(now, deadline).compareTo(wait) < 0) {
          wait = Duration.between(now, deadline);
        }
        watch.awaitChange(wait);
      }
    }
  }
}
