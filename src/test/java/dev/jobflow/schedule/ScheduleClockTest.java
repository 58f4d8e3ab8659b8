package dev.jobflow.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.jobflow.flow.MutableClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ScheduleClockTest {
  @Test
  void aFasterClockRunsSchedulesAheadButKeepsDeadlinesInRealTime() {
    MutableClock real = new MutableClock(Instant.parse("2026-11-23T00:00:00Z"));
    ScheduleClock fast = ScheduleClock.scaled(real, 86400);
    real.advance(Duration.ofSeconds(1));
    assertEquals(Instant.parse("2026-11-24T00:00:00Z"), fast.now(), "a day per second");
    assertEquals(Duration.ofSeconds(2), fast.realDelay(Duration.ofDays(2)));
    assertEquals(Duration.ofSeconds(600).multipliedBy(86400), fast.scheduleTime(Duration.ofSeconds(600)),
        "600 real seconds of starting deadline");
    ScheduleClock same = ScheduleClock.of(real);
    assertEquals(real.instant(), same.now());
    assertEquals(Duration.ofMinutes(5), same.realDelay(Duration.ofMinutes(5)));
    assertEquals(Duration.ofMinutes(5), same.scheduleTime(Duration.ofMinutes(5)));
    assertThrows(IllegalArgumentException.class, () -> ScheduleClock.scaled(real, 0));
  }
}
