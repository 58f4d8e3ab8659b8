package dev.jobflow.cli;

import java.time.Duration;

/** Durations and ages as kubectl shows them: two units at most ({@code 45s}, {@code 3m12s}, {@code 2h5m}, {@code 4d3h}). */
final class Durations {
  private Durations() {}

  static String human(Duration d) {
    if (d == null) {
      return "";
    }
    long s = Math.max(0, d.getSeconds());
    if (s == 0 && d.toMillis() > 0) {
      return d.toMillis() + "ms";
    }
    if (s < 60) {
      return s + "s";
    }
    if (s < 3600) {
      return two(s / 60, "m", s % 60, "s");
    }
    if (s < 86_400) {
      return two(s / 3600, "h", s % 3600 / 60, "m");
    }
    return two(s / 86_400, "d", s % 86_400 / 3600, "h");
  }

  private static String two(long big, String bigUnit, long small, String smallUnit) {
    return big + bigUnit + (small == 0 ? "" : small + smallUnit);
  }
}
