package dev.jobflow.dag;

import java.time.Duration;
import java.util.Objects;

/**
 * How often and after how long a failed step is tried again.
 *
 * @param limit extra attempts after the first (0: never retried)
 * @param duration delay before the first retry
 * @param factor multiplier per further retry (>= 1)
 * @param maxDuration cap of any one delay, null for none
 */
public record RetryRule(int limit, Duration duration, double factor, Duration maxDuration) {
  public static final RetryRule NONE = new RetryRule(0, Duration.ZERO, 1, null);
  public static final Duration DEFAULT_DURATION = Duration.ofSeconds(10);
  public static final double DEFAULT_FACTOR = 2;

  public RetryRule {
    if (limit < 0) {
      throw new IllegalArgumentException("retry limit must be >= 0, was " + limit);
    }
    Objects.requireNonNull(duration, "duration");
    if (factor < 1) {
      throw new IllegalArgumentException("retry backoff factor must be >= 1, was " + factor);
    }
  }

  /** True when attempt number {@code failedAttempt} (1-based) may be followed by another. */
  public boolean allowsRetryAfter(int failedAttempt) {
    return failedAttempt <= limit;
  }

  /** The delay between the failure of attempt {@code n} (1-based) and the start of attempt n+1: duration x factor^(n-1), capped. */
  public Duration delayAfter(int n) {
    double millis = duration.toMillis() * Math.pow(factor, Math.max(0, n - 1));
    long capped = millis >= Long.MAX_VALUE ? Long.MAX_VALUE : (long) millis;
    if (maxDuration != null) {
      capped = Math.min(capped, maxDuration.toMillis());
    }
    return Duration.ofMillis(capped);
  }
}
