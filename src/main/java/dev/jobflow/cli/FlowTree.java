package dev.jobflow.cli;

import dev.jobflow.api.JobFlow;
import dev.jobflow.api.StepPhase;
import dev.jobflow.client.FlowStates;
import java.nio.charset.Charset;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A flow as a tree: the flow, its steps, and its {@code finally} steps on a branch of their own, each
 * with phase, attempt and duration. Phases are words, never only a colour.
 */
final class FlowTree {
  /** The branch characters: box drawing where the output can show it, ASCII elsewhere. */
  record Branches(String middle, String last, String through, String after) {
    static final Branches UNICODE = new Branches("├─ ", "└─ ", "│  ", "   ");
    static final Branches ASCII = new Branches("|- ", "`- ", "|  ", "   ");

    static Branches forOutput() {
      return Charset.defaultCharset().newEncoder().canEncode("├─└│") ? UNICODE : ASCII;
    }
  }

  /**
   * @param wide also the Job, start time and dependencies of each step
   * @param maxSteps show at most this many steps, the unfinished and failed ones first (0: all)
   * @param maxMessage cut messages to this length (0: whole)
   */
  record Style(boolean wide, int maxSteps, int maxMessage, Branches branches) {}

  private FlowTree() {}

  static List<String> lines(JobFlow flow, Instant now, Style style) {
    List<StepRow> all = StepRow.of(flow);
    List<StepRow> shown = pick(all, style.maxSteps());
    TextTable table = new TextTable();
    table.row(style.wide()
        ? new String[] {"NAME", "PHASE", "ATTEMPT", "DURATION", "STARTED", "JOB", "DEPENDS ON", "MESSAGE"}
        : new String[] {"NAME", "PHASE", "ATTEMPT", "DURATION", "MESSAGE"});
    var status = flow.getStatus();
    String progress = status == null || status.getProgress() == null ? "" : " (" + status.getProgress() + ")";
    Instant started = status == null ? null : StepRow.time(status.getStartedAt());
    Instant finished = status == null ? null : StepRow.time(status.getFinishedAt());
    Duration flowTime = started == null ? null : Duration.between(started, finished != null ? finished : now);
    String flowMessage = status == null ? null : status.getMessage();
    row(table, style, FlowStates.ref(flow) + progress, FlowStates.phase(flow).name(), "", flowTime, started, "", "",
        flowMessage);

    List<StepRow> steps = shown.stream().filter(r -> !r.isFinally()).toList();
    List<StepRow> finallySteps = shown.stream().filter(StepRow::isFinally).toList();
    Branches b = style.branches();
    for (int i = 0; i < steps.size(); i++) {
      boolean last = i == steps.size() - 1 && finallySteps.isEmpty();
      step(table, style, (last ? b.last() : b.middle()), steps.get(i), now);
    }
    if (!finallySteps.isEmpty()) {
      table.row(b.last() + "finally");
      for (int i = 0; i < finallySteps.size(); i++) {
        step(table, style, b.after() + (i == finallySteps.size() - 1 ? b.last() : b.middle()), finallySteps.get(i), now);
      }
    }
    List<String> lines = table.lines();
    if (shown.size() < all.size()) {
      lines.add(hidden(all, shown));
    }
    if (status != null && status.getStepsOmitted() != null) {
      lines.add("... and " + status.getStepsOmitted() + " more steps not Succeeded that the status does not list "
          + "(its counts: " + status.getStepCounts() + "); jobflow audit " + FlowStates.ref(flow) + " shows every one");
    }
    return lines;
  }

  private static void step(TextTable table, Style style, String branch, StepRow r, Instant now) {
    String message = message(r, now);
    row(table, style, branch + r.name(), r.phase().name(), r.attempts() == 0 ? "" : String.valueOf(r.attempts()),
        r.duration(now), r.startedAt(), r.job(), String.join(",", r.dependsOn()), message);
  }

  private static void row(TextTable table, Style style, String name, String phase, String attempt, Duration duration,
                          Instant started, String job, String deps, String message) {
    String text = cut(message == null ? "" : message, style.maxMessage());
    String time = Durations.human(duration);
    if (style.wide()) {
      table.row(name, phase, attempt, time, started == null ? "" : started.toString(), job, deps, text);
    } else {
      table.row(name, phase, attempt, time, text);
    }
  }

  private static String message(StepRow r, Instant now) {
    if (r.phase() == StepPhase.Succeeded) {
      // The Job's own "CompletionsReached" on every line says nothing the phase does not.
      return null;
    }
    String why = r.reason() == null ? r.message() : r.message() == null || r.message().isBlank() ? r.reason()
        : r.reason() + ": " + r.message();
    if (r.phase() == StepPhase.Retrying && r.nextAttemptAt() != null) {
      String next = "next attempt in " + Durations.human(Duration.between(now, r.nextAttemptAt()));
      return why == null ? next : next + "; " + why;
    }
    return why;
  }

  /** The steps a bounded view shows: those still moving or gone wrong first, then the rest, in flow order. */
  private static List<StepRow> pick(List<StepRow> all, int max) {
    if (max <= 0 || all.size() <= max) {
      return all;
    }
    List<StepRow> chosen = new ArrayList<>();
    for (StepRow r : all) {
      if (chosen.size() < max && r.phase() != StepPhase.Succeeded && r.phase() != StepPhase.Pending
          && r.phase() != StepPhase.Skipped) {
        chosen.add(r);
      }
    }
    for (StepRow r : all) {
      if (chosen.size() < max && !chosen.contains(r)) {
        chosen.add(r);
      }
    }
    List<StepRow> ordered = new ArrayList<>(all);
    ordered.retainAll(chosen);
    return ordered;
  }

  private static String hidden(List<StepRow> all, List<StepRow> shown) {
    Map<StepPhase, Integer> counts = new EnumMap<>(StepPhase.class);
    for (StepRow r : all) {
      if (!shown.contains(r)) {
        counts.merge(r.phase(), 1, Integer::sum);
      }
    }
    return "... and " + (all.size() - shown.size()) + " more steps: " + counts.entrySet().stream()
        .map(e -> e.getValue() + " " + e.getKey()).collect(Collectors.joining(", "));
  }

  private static String cut(String text, int max) {
    String oneLine = text.replace('\n', ' ');
    return max > 0 && oneLine.length() > max ? oneLine.substring(0, max - 3) + "..." : oneLine;
  }
}
