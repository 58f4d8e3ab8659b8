package dev.jobflow.schedule;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * The time schedules are read in. The real one is the controller's clock; {@code jobflow dev --clock-speed N} runs
 * schedules N times faster (a minute of schedule time in 60/N real seconds), so a new user sees one fire.
 */
public interface ScheduleClock {
  Instant now();

  /** How long to wait in real time for {@code scheduleTime} to pass. */
  Duration realDelay(Duration scheduleTime);

  /**
   * A real duration in schedule time: starting deadlines are kept in real seconds, or on a faster clock the
   * controller's own milliseconds of work would already miss every run.
   */
  Duration scheduleTime(Duration real);

  static ScheduleClock of(Clock clock) {
    return new ScheduleClock() {
      public Instant now() {
        return clock.instant();
      }

      public Duration realDelay(Duration scheduleTime) {
        return scheduleTime;
      }

      public Duration scheduleTime(Duration real) {
        return real;
      }
    };
  }

  /** Starts at {@code clock}'s now and runs {@code speed} times faster. */
  static ScheduleClock scaled(Clock clock, double speed) {
    if (!(speed > 0) || Double.isInfinite(speed)) {
      throw new IllegalArgumentException("clock speed must be a positive number, got " + speed);
    }
    Instant origin = clock.instant();
    return new ScheduleClock() {
      public Instant now() {
        Duration real = Duration.between(origin, clock.instant());
        return origin.plusNanos((long) (real.toNanos() * speed));
      }

      public Duration realDelay(Duration scheduleTime) {
        return Duration.ofNanos((long) (scheduleTime.toNanos() / speed));
      }

      public Duration scheduleTime(Duration real) {
        double nanos = real.toNanos() * speed;
        return nanos >= Long.MAX_VALUE ? Duration.ofDays(365L * 1000) : Duration.ofNanos((long) nanos);
      }
    };
  }
}
