package dev.jobflow.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.jobflow.api.ConcurrencyPolicy;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** CronJob's rules as a table: schedule, policy, deadline, suspend, last handled, active runs, now -> decision. */
class FiringRulesTest {
  static final Instant CREATED = Instant.parse("2026-11-23T00:00:00Z");

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', nullValues = "-", value = {
      // case                                    | schedule     | policy  | deadline | suspend | lastHandled          | active | now                  | expected
      "nothing due yet                           | 0 * * * *    | Allow   | -        | false   | -                    | -      | 2026-11-23T00:30:00Z | Wait 2026-11-23T01:00:00Z",
      "the first run after creation              | 0 * * * *    | Allow   | -        | false   | -                    | -      | 2026-11-23T01:00:05Z | Fire 2026-11-23T01:00:00Z missed=0",
      "a time handled is never due again         | 0 * * * *    | Allow   | -        | false   | 2026-11-23T01:00:00Z | -      | 2026-11-23T01:00:05Z | Wait 2026-11-23T02:00:00Z",
      "after downtime only the most recent runs  | 0 * * * *    | Allow   | -        | false   | 2026-11-23T01:00:00Z | -      | 2026-11-23T05:10:00Z | Fire 2026-11-23T05:00:00Z missed=3",
      "within the starting deadline it runs      | 0 * * * *    | Allow   | 900      | false   | 2026-11-23T01:00:00Z | -      | 2026-11-23T05:10:00Z | Fire 2026-11-23T05:00:00Z missed=3",
      "past the starting deadline it is missed   | 0 * * * *    | Allow   | 300      | false   | 2026-11-23T01:00:00Z | -      | 2026-11-23T05:10:00Z | Miss 2026-11-23T05:00:00Z count=4",
      "exactly at the deadline it still runs     | 0 * * * *    | Allow   | 600      | false   | 2026-11-23T04:00:00Z | -      | 2026-11-23T05:10:00Z | Fire 2026-11-23T05:00:00Z missed=0",
      "no time is due before the creation        | 0 * * * *    | Allow   | -        | false   | -                    | -      | 2026-11-23T00:59:59Z | Wait 2026-11-23T01:00:00Z",
      "forbid skips while a run is active        | */5 * * * *  | Forbid  | -        | false   | 2026-11-23T01:00:00Z | a      | 2026-11-23T01:05:00Z | Skip 2026-11-23T01:05:00Z ConcurrencyForbidden",
      "forbid runs when nothing is active        | */5 * * * *  | Forbid  | -        | false   | 2026-11-23T01:00:00Z | -      | 2026-11-23T01:05:00Z | Fire 2026-11-23T01:05:00Z missed=0",
      "replace cancels the active runs           | */5 * * * *  | Replace | -        | false   | 2026-11-23T01:00:00Z | a b    | 2026-11-23T01:05:00Z | Fire 2026-11-23T01:05:00Z missed=0 replacing=a,b",
      "allow runs alongside                      | */5 * * * *  | Allow   | -        | false   | 2026-11-23T01:00:00Z | a      | 2026-11-23T01:05:00Z | Fire 2026-11-23T01:05:00Z missed=0",
      "suspended nothing fires                   | */5 * * * *  | Allow   | -        | true    | 2026-11-23T01:00:00Z | -      | 2026-11-23T03:00:00Z | Wait -",
      "resumed without deadline the latest runs  | */5 * * * *  | Allow   | -        | false   | 2026-11-23T01:00:00Z | -      | 2026-11-23T03:01:00Z | Fire 2026-11-23T03:00:00Z missed=23",
      "a missed run counts at most 100           | * * * * *    | Allow   | 30       | false   | 2026-11-23T01:00:00Z | -      | 2026-11-23T05:00:45Z | Miss 2026-11-23T05:00:00Z count=101",
  })
  void decides(String name, String schedule, ConcurrencyPolicy policy, Long deadline, boolean suspend,
               Instant lastHandled, String active, Instant now, String expected) {
    ScheduleSpec spec = new ScheduleSpec(CronSchedule.parse(schedule.strip(), "UTC"), policy,
        deadline == null ? null : Duration.ofSeconds(deadline), suspend);
    List<String> runs = active == null ? List.of() : Arrays.asList(active.strip().split(" "));
    assertEquals(expected, show(FiringRules.decide(spec, CREATED, lastHandled, runs, now)), name);
  }

  static String show(Firing f) {
    if (f instanceof Firing.Wait w) {
      return "Wait " + (w.nextAt() == null ? "-" : w.nextAt());
    } else if (f instanceof Firing.Fire fire) {
      return "Fire " + fire.scheduledTime() + " missed=" + fire.missed()
          + (fire.replacing().isEmpty() ? "" : " replacing=" + String.join(",", fire.replacing()));
    } else if (f instanceof Firing.Skip skip) {
      return "Skip " + skip.scheduledTime() + " " + skip.reason();
    }
    Firing.Miss miss = (Firing.Miss) f;
    return "Miss " + miss.latest() + " count=" + miss.count();
  }
}
