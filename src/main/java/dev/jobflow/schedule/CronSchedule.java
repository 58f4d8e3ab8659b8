package dev.jobflow.schedule;

import com.cronutils.model.Cron;
import com.cronutils.model.definition.CronDefinition;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.definition.CronNicknames;
import com.cronutils.model.field.definition.FieldDefinition;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.model.CronType;
import com.cronutils.parser.CronParser;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.zone.ZoneOffsetTransition;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;

/**
 * A cron schedule in a time zone: standard 5-field expressions and the {@code @hourly}-style macros, parsed by
 * cron-utils. Times are matched on the zone's wall clock, and each matching wall-clock time fires once:
 * <ul>
 *   <li>a time that does not exist (the hour skipped when clocks go forward) fires when the gap ends, shifted by the
 *       gap's length (02:30 becomes 03:30), as {@link ZonedDateTime#of(LocalDateTime, ZoneId)} reads it;</li>
 *   <li>a time that exists twice (the hour repeated when clocks go back) fires at its first occurrence only.</li>
 * </ul>
 * Firing instants are strictly increasing; two wall-clock times that land on one instant fire once.
 */
public final class CronSchedule {
  /** The 5-field Unix crontab as cron-utils defines it, plus the nicknames Kubernetes CronJob accepts. */
  private static final CronDefinition DEFINITION = withNicknames(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));
  private static final CronParser PARSER = new CronParser(DEFINITION);
  /** How far ahead a schedule must fire at least once ("0 0 31 2 *" never does). */
  private static final Duration HORIZON = Duration.ofDays(5 * 366);

  private final String expression;
  private final ZoneId zone;
  private final ExecutionTime wallClock;

  private CronSchedule(String expression, ZoneId zone, ExecutionTime wallClock) {
    this.expression = expression;
    this.zone = zone;
    this.wallClock = wallClock;
  }

  /**
   * Parses {@code expression} in {@code timeZone} (null or empty: UTC).
   *
   * @throws IllegalArgumentException with a message for the user (the field path is the caller's) when the
   *     expression does not parse, never fires, or the zone is unknown
   */
  public static CronSchedule parse(String expression, String timeZone) {
    ZoneId zone = zone(timeZone);
    if (expression == null || expression.isBlank()) {
      throw new IllegalArgumentException("a schedule is required, e.g. \"0 2 * * *\" or \"@daily\"");
    }
    String text = expression.trim();
    if (text.startsWith("TZ=") || text.startsWith("CRON_TZ=")) {
      throw new IllegalArgumentException("'" + text + "': give the time zone in spec.timeZone, not in the schedule");
    }
    Cron cron;
    try {
      cron = PARSER.parse(text);
      cron.validate();
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("'" + text + "' is not a cron schedule: "
          + (text.startsWith("@") ? "unknown macro" : describe(e))
          + "; expected 5 fields (minute hour day-of-month month day-of-week) or one of @hourly, @daily, @midnight, "
          + "@weekly, @monthly, @yearly, @annually");
    }
    CronSchedule schedule = new CronSchedule(text, zone, ExecutionTime.forCron(cron));
    Instant probe = Instant.parse("2026-01-01T00:00:00Z");
    Instant next = schedule.nextAfter(probe);
    if (next == null || next.isAfter(probe.plus(HORIZON))) {
      throw new IllegalArgumentException("'" + text + "' never fires (no such date in the next five years)");
    }
    return schedule;
  }

  /** The zone of that IANA name (null or empty: UTC); offsets like {@code +02:00} are not time zones. */
  public static ZoneId zone(String timeZone) {
    if (timeZone == null || timeZone.isEmpty()) {
      return ZoneOffset.UTC;
    }
    if (!ZoneId.getAvailableZoneIds().contains(timeZone)) {
      throw new IllegalArgumentException("unknown time zone '" + timeZone
          + "': use an IANA time zone name such as UTC, Europe/Berlin or America/New_York");
    }
    try {
      return ZoneId.of(timeZone);
    } catch (DateTimeException e) {
      throw new IllegalArgumentException("unknown time zone '" + timeZone + "': " + e.getMessage());
    }
  }

  public String expression() {
    return expression;
  }

  public ZoneId zone() {
    return zone;
  }

  /** The first firing strictly after {@code after}, or null when there is none. */
  public Instant nextAfter(Instant after) {
    LocalDateTime from = LocalDateTime.ofInstant(after, zone);
    // Wall-clock times inside a gap that just ended fire after `after` although they read earlier: start there.
    ZoneOffsetTransition t = zone.getRules().previousTransition(after.plusNanos(1));
    if (t != null && t.isGap() && after.isBefore(t.getInstant().plus(t.getDuration()))) {
      from = t.getDateTimeBefore().minusMinutes(1);
    }
    LocalDateTime candidate = from;
    for (int i = 0; i < 10_000; i++) {
      Optional<ZonedDateTime> next = wallClock.nextExecution(candidate.atZone(ZoneOffset.UTC));
      if (next.isEmpty()) {
        return null;
      }
      candidate = next.get().toLocalDateTime();
      Instant at = instant(candidate);
      if (at.isAfter(after)) {
        return at;
      }
    }
    return null;
  }

  /** The last firing at or before {@code atOrBefore}, or null when there is none. */
  public Instant lastAtOrBefore(Instant atOrBefore) {
    LocalDateTime from = LocalDateTime.ofInstant(atOrBefore, zone).plusMinutes(1);
    // In the second pass of a repeated hour, later wall-clock times of that hour fired at their first occurrence,
    // which is before the instant: start from the end of the repeated hour.
    ZoneOffsetTransition t = zone.getRules().previousTransition(atOrBefore.plusNanos(1));
    if (t != null && t.isOverlap() && atOrBefore.isBefore(t.getInstant().plus(t.getDuration().abs()))) {
      from = t.getDateTimeBefore().plusMinutes(1);
    }
    LocalDateTime candidate = from;
    for (int i = 0; i < 10_000; i++) {
      Optional<ZonedDateTime> last = wallClock.lastExecution(candidate.atZone(ZoneOffset.UTC));
      if (last.isEmpty()) {
        return null;
      }
      candidate = last.get().toLocalDateTime();
      Instant at = instant(candidate);
      if (!at.isAfter(atOrBefore)) {
        return at;
      }
    }
    return null;
  }

  /** Firings in {@code (after, atOrBefore]}, oldest first, at most {@code limit}. */
  public List<Instant> between(Instant after, Instant atOrBefore, int limit) {
    List<Instant> out = new ArrayList<>();
    Instant at = after;
    while (out.size() < limit) {
      at = nextAfter(at);
      if (at == null || at.isAfter(atOrBefore)) {
        break;
      }
      out.add(at);
    }
    return out;
  }

  private Instant instant(LocalDateTime wallClockTime) {
    return ZonedDateTime.of(wallClockTime, zone).toInstant();
  }

  @Override
  public String toString() {
    return expression + (zone.equals(ZoneOffset.UTC) ? "" : " (" + zone + ")");
  }

  private static CronDefinition withNicknames(CronDefinition unix) {
    List<FieldDefinition> fields = new ArrayList<>(unix.getFieldDefinitions());
    fields.sort(Comparator.comparingInt(f -> f.getFieldName().getOrder()));
    return new CronDefinition(fields, unix.getCronConstraints(), EnumSet.of(CronNicknames.YEARLY,
        CronNicknames.ANNUALLY, CronNicknames.MONTHLY, CronNicknames.WEEKLY, CronNicknames.DAILY,
        CronNicknames.MIDNIGHT, CronNicknames.HOURLY), unix.isMatchDayOfWeekAndDayOfMonth());
  }

  private static String describe(IllegalArgumentException e) {
    String m = e.getMessage() == null ? "unreadable" : e.getMessage();
    return m.replace("Failed to parse cron expression. ", "");
  }
}
