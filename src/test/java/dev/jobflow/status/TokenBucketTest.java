package dev.jobflow.status;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class TokenBucketTest {
  static final class MovableClock extends Clock {
    Instant now = Instant.parse("2026-11-23T00:00:00Z");

    public ZoneOffset getZone() { return ZoneOffset.UTC; }
    public Clock withZone(java.time.ZoneId zone) { return this; }
    public Instant instant() { return now; }
  }

  @Test
  void allowsABurstThenRefillsAtTheRate() {
    MovableClock clock = new MovableClock();
    TokenBucket bucket = new TokenBucket(3, 1, clock);
    assertTrue(bucket.tryTake());
    assertTrue(bucket.tryTake());
    assertTrue(bucket.tryTake());
    assertFalse(bucket.tryTake());
    clock.now = clock.now.plus(Duration.ofMillis(1100));
    assertTrue(bucket.tryTake());
    assertFalse(bucket.tryTake());
  }
}
