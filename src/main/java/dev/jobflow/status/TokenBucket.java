package dev.jobflow.status;

import java.time.Clock;

/** A token bucket: {@code burst} at once, refilled at {@code perSecond}. Not thread-safe; callers synchronise. */
final class TokenBucket {
  private final double burst;
  private final double perSecond;
  private final Clock clock;
  private double tokens;
  private long lastMillis;

  TokenBucket(double burst, double perSecond, Clock clock) {
    this.burst = burst;
    this.perSecond = perSecond;
    this.clock = clock;
    this.tokens = burst;
    this.lastMillis = clock.millis();
  }

  boolean tryTake() {
    long now = clock.millis();
    tokens = Math.min(burst, tokens + (now - lastMillis) / 1000.0 * perSecond);
    lastMillis = now;
    if (tokens >= 1) {
      tokens -= 1;
      return true;
    }
    return false;
  }
}
