package dev.jobflow.validation;

import dev.jobflow.api.Backoff;
import dev.jobflow.api.GoDuration;
import dev.jobflow.api.JobFlowSpec;
import dev.jobflow.api.RetryPolicy;
import java.time.Duration;
import java.util.List;

/** Numbers and durations: parallelism, TTL, timeouts, retry limits and backoff. */
final class BoundsRules {
  private BoundsRules() {}

  static void checkFlow(JobFlowSpec spec, List<Problem> problems) {
    if (spec.getParallelism() != null && spec.getParallelism() < 1) {
      problems.add(new Problem("spec.parallelism", "must be at least 1, got " + spec.getParallelism()
          + " (leave it out for no limit)"));
    }
    if (spec.getTtlSecondsAfterFinished() != null && spec.getTtlSecondsAfterFinished() < 0) {
      problems.add(new Problem("spec.ttlSecondsAfterFinished", "must be 0 or more seconds, got "
          + spec.getTtlSecondsAfterFinished()));
    }
    positiveDuration(spec.getTimeout(), "spec.timeout", problems);
  }

  static void checkStep(StepAt at, List<Problem> problems) {
    if (at.step().getTimeout() != null) {
      positiveDuration(at.step().getTimeout(), at.at("timeout"), problems);
    }
    RetryPolicy retries = at.step().getRetries();
    if (retries == null) {
      return;
    }
    Integer limit = retries.getLimit();
    if (limit != null && (limit < 0 || limit > NameLimits.MAX_RETRY_LIMIT)) {
      problems.add(new Problem(at.at("retries.limit"), "must be between 0 and " + NameLimits.MAX_RETRY_LIMIT
          + ", got " + limit));
    }
    Backoff backoff = retries.getBackoff();
    if (backoff == null) {
      return;
    }
    Duration first = duration(backoff.getDuration(), at.at("retries.backoff.duration"), problems);
    Double factor = backoff.getFactor();
    if (factor != null && !(factor >= 1 && Double.isFinite(factor))) {
      problems.add(new Problem(at.at("retries.backoff.factor"), "must be a number of at least 1, got " + factor));
    }
    Duration max = duration(backoff.getMaxDuration(), at.at("retries.backoff.maxDuration"), problems);
    if (first != null && max != null && max.compareTo(first) < 0) {
      problems.add(new Problem(at.at("retries.backoff.maxDuration"), "'" + backoff.getMaxDuration()
          + "' is shorter than duration '" + backoff.getDuration() + "'; the cap must be at least the first delay"));
    }
  }

  static void positiveDuration(String text, String path, List<Problem> problems) {
    Duration d = duration(text, path, problems);
    if (d != null && (d.isZero() || d.isNegative())) {
      problems.add(new Problem(path, "must be longer than 0, got '" + text + "' (leave it out for no deadline)"));
    }
  }

  /** The parsed duration, or null when absent or unparsable (then a problem is added). */
  private static Duration duration(String text, String path, List<Problem> problems) {
    if (text == null) {
      return null;
    }
    try {
      return GoDuration.parse(text);
    } catch (IllegalArgumentException e) {
      problems.add(new Problem(path, e.getMessage()));
      return null;
    }
  }
}
