package dev.jobflow.cli;

import dev.jobflow.api.JobFlow;
import dev.jobflow.api.JobFlowStatus;
import dev.jobflow.api.Step;
import dev.jobflow.api.StepPhase;
import dev.jobflow.api.StepStatus;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One step of a flow as the CLI shows it: declared in the spec, observed in the status. Steps the status
 * does not list are Pending, or Succeeded when the status of a large flow lists only the others.
 */
record StepRow(String name, boolean isFinally, List<String> dependsOn, StepPhase phase, int attempts, String job,
               Instant startedAt, Instant finishedAt, Instant nextAttemptAt, String reason, String message) {

  /** Every step in order: {@code steps}, then {@code finally}, then any the status knows and the spec does not. */
  static List<StepRow> of(JobFlow flow) {
    JobFlowStatus status = flow.getStatus();
    Map<String, StepStatus> observed = status == null || status.getSteps() == null ? Map.of() : status.getSteps();
    int unlistedSucceeded = unlistedSucceeded(status, observed);
    Map<String, StepRow> rows = new LinkedHashMap<>();
    for (boolean isFinally : new boolean[] {false, true}) {
      List<Step> declared = flow.getSpec() == null ? null
          : isFinally ? flow.getSpec().getFinallySteps() : flow.getSpec().getSteps();
      for (Step step : declared == null ? List.<Step>of() : declared) {
        if (step == null || step.getName() == null || rows.containsKey(step.getName())) {
          continue;
        }
        StepStatus s = observed.get(step.getName());
        if (s == null && unlistedSucceeded > 0) {
          unlistedSucceeded--;
          s = new StepStatus();
          s.setPhase(StepPhase.Succeeded);
        }
        rows.put(step.getName(), row(step.getName(), isFinally, step.getDependsOn(), s));
      }
    }
    // A flow made from a template declares no steps itself: the status names them.
    observed.forEach((name, s) -> rows.putIfAbsent(name, row(name, false, List.of(), s)));
    return new ArrayList<>(rows.values());
  }

  /** How long the step has run: until it finished, else until now; null before it started. */
  Duration duration(Instant now) {
    if (startedAt == null) {
      return null;
    }
    return Duration.between(startedAt, finishedAt != null ? finishedAt : now);
  }

  private static int unlistedSucceeded(JobFlowStatus status, Map<String, StepStatus> observed) {
    if (status == null || status.getStepCounts() == null) {
      return 0;
    }
    int listed = (int) observed.values().stream().filter(s -> s.getPhase() == StepPhase.Succeeded).count();
    return Math.max(0, status.getStepCounts().getOrDefault(StepPhase.Succeeded.name(), 0) - listed);
  }

  private static StepRow row(String name, boolean isFinally, List<String> dependsOn, StepStatus s) {
    List<String> deps = dependsOn == null ? List.of() : List.copyOf(dependsOn);
    if (s == null) {
      return new StepRow(name, isFinally, deps, StepPhase.Pending, 0, null, null, null, null, null, null);
    }
    return new StepRow(name, isFinally, deps, s.getPhase() == null ? StepPhase.Pending : s.getPhase(),
        s.getAttempts() == null ? 0 : s.getAttempts(), s.getJob(), time(s.getStartedAt()), time(s.getFinishedAt()),
        time(s.getNextAttemptAt()), s.getReason(), s.getMessage());
  }

  static Instant time(String rfc3339) {
    if (rfc3339 == null || rfc3339.isBlank()) {
      return null;
    }
    try {
      return java.time.OffsetDateTime.parse(rfc3339).toInstant();
    } catch (DateTimeParseException e) {
      return null;
    }
  }
}
