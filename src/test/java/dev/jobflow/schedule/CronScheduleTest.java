package dev.jobflow.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CronScheduleTest {

  /** Firings after {@code from}, as instants in UTC. */
  static List<String> firings(String expression, String zone, String from, int count) {
    CronSchedule s = CronSchedule.parse(expression, zone);
    List<String> out = new ArrayList<>();
    Instant at = Instant.parse(from);
    for (int i = 0; i < count; i++) {
      at = s.nextAfter(at);
      out.add(at.toString());
    }
    return out;
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "@hourly    | 0 * * * *",
      "@daily     | 0 0 * * *",
      "@midnight  | 0 0 * * *",
      "@weekly    | 0 0 * * 0",
      "@monthly   | 0 0 1 * *",
      "@yearly    | 0 0 1 1 *",
      "@annually  | 0 0 1 1 *",
  })
  void macrosMeanWhatCronJobsMacrosMean(String macro, String expression) {
    assertEquals(firings(expression, "UTC", "2026-02-10T13:17:00Z", 3), firings(macro, "UTC", "2026-02-10T13:17:00Z", 3));
  }

  @Test
  void readsTheScheduleOnTheZonesWallClock() {
    assertEquals(List.of("2026-01-15T01:00:00Z", "2026-01-16T01:00:00Z"),
        firings("0 2 * * *", "Europe/Berlin", "2026-01-15T00:00:00Z", 2));
    assertEquals(List.of("2026-07-15T00:00:00Z"), firings("0 2 * * *", "Europe/Berlin", "2026-07-14T23:00:00Z", 1),
        "summer time: UTC+2");
    assertEquals(List.of("2026-01-15T02:00:00Z"), firings("0 2 * * *", null, "2026-01-15T01:59:00Z", 1), "UTC by default");
  }

  @Test
  void springForwardADailyRunInTheSkippedHourRunsWhenTheGapEnds() {
    // Europe/Berlin, 2026-03-29: 02:00 CET jumps to 03:00 CEST (01:00Z). 02:30 does not exist: it runs at 03:30 CEST.
    assertEquals(List.of("2026-03-28T01:30:00Z", "2026-03-29T01:30:00Z", "2026-03-30T00:30:00Z"),
        firings("30 2 * * *", "Europe/Berlin", "2026-03-28T00:00:00Z", 3));
    // A run just before 02:00 and just after the gap is unaffected.
    assertEquals(List.of("2026-03-29T00:59:00Z", "2026-03-29T23:59:00Z"),
        firings("59 1 * * *", "Europe/Berlin", "2026-03-28T12:00:00Z", 2));
  }

  @Test
  void springForwardAnHourlyScheduleLosesTheSkippedHourWithoutRunningTwice() {
    // 01:00 CET, then 02:00 (skipped, shifted to 03:00 CEST) and 03:00 CEST are one instant: one run.
    assertEquals(List.of("2026-03-29T00:00:00Z", "2026-03-29T01:00:00Z", "2026-03-29T02:00:00Z"),
        firings("0 * * * *", "Europe/Berlin", "2026-03-28T23:30:00Z", 3));
  }

  @Test
  void fallBackARepeatedTimeRunsOnceAtItsFirstOccurrence() {
    // Europe/Berlin, 2026-10-25: 03:00 CEST goes back to 02:00 CET (01:00Z); 02:30 happens twice.
    assertEquals(List.of("2026-10-24T00:30:00Z", "2026-10-25T00:30:00Z", "2026-10-26T01:30:00Z"),
        firings("30 2 * * *", "Europe/Berlin", "2026-10-23T12:00:00Z", 3));
    // Every 15 minutes during 02:xx: four runs that day, not eight.
    assertEquals(List.of("2026-10-25T00:00:00Z", "2026-10-25T00:15:00Z", "2026-10-25T00:30:00Z",
        "2026-10-25T00:45:00Z", "2026-10-26T01:00:00Z"),
        firings("*/15 2 * * *", "Europe/Berlin", "2026-10-24T23:00:00Z", 5));
    // Hourly: 02:00 once (CEST), then 03:00 CET; the repeated hour has no run of its own.
    assertEquals(List.of("2026-10-25T00:00:00Z", "2026-10-25T02:00:00Z"),
        firings("0 * * * *", "Europe/Berlin", "2026-10-24T23:30:00Z", 2));
  }

  @Test
  void lastAtOrBeforeAgreesWithNextAfterAcrossBothTransitions() {
    for (String expr : List.of("30 2 * * *", "0 * * * *", "*/15 2 * * *", "*/7 * * * *")) {
      CronSchedule s = CronSchedule.parse(expr, "Europe/Berlin");
      for (String day : List.of("2026-03-28T20:00:00Z", "2026-10-24T20:00:00Z")) {
        Instant from = Instant.parse(day);
        Instant end = from.plusSeconds(30 * 3600);
        for (Instant t = from; t.isBefore(end); t = t.plusSeconds(300)) {
          Instant last = s.lastAtOrBefore(t);
          Instant next = s.nextAfter(last);
          assertTrue(!last.isAfter(t) && next.isAfter(t), expr + " at " + t + ": last " + last + ", next " + next);
        }
      }
    }
  }

  @Test
  void betweenCountsTheFiringsOfAWindowUpToALimit() {
    CronSchedule s = CronSchedule.parse("*/10 * * * *", "UTC");
    assertEquals(6, s.between(Instant.parse("2026-01-01T00:00:00Z"), Instant.parse("2026-01-01T01:00:00Z"), 100).size());
    assertEquals(3, s.between(Instant.parse("2026-01-01T00:00:00Z"), Instant.parse("2026-01-01T01:00:00Z"), 3).size());
    assertEquals(List.of(), s.between(Instant.parse("2026-01-01T00:00:00Z"), Instant.parse("2026-01-01T00:09:59Z"), 10));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "* * * *           | not a cron schedule",
      "61 * * * *        | not a cron schedule",
      "* * * * * *       | not a cron schedule",
      "@reboot           | unknown macro",
      "@every 5m         | unknown macro",
      "TZ=UTC 0 * * * *  | spec.timeZone",
      "0 0 31 2 *        | never fires",
  })
  void badSchedulesAreRefusedWithAReason(String expression, String expected) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CronSchedule.parse(expression, "UTC"));
    assertTrue(e.getMessage().contains(expected), e.getMessage());
  }

  @Test
  void unknownZonesAndOffsetsAreRefused() {
    assertTrue(assertThrows(IllegalArgumentException.class, () -> CronSchedule.parse("@daily", "Europe/Berln"))
        .getMessage().contains("unknown time zone 'Europe/Berln'"));
    assertThrows(IllegalArgumentException.class, () -> CronSchedule.parse("@daily", "+02:00"));
    assertEquals("Europe/Berlin", CronSchedule.parse("@daily", "Europe/Berlin").zone().getId());
  }
}
