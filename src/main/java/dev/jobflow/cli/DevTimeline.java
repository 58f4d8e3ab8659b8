package dev.jobflow.cli;

import dev.jobflow.api.JobFlow;
import dev.jobflow.api.StepStatus;
import dev.jobflow.dev.DevMode;
import dev.jobflow.dev.FlowProgress;
import java.util.Map;

/** What {@code jobflow dev} prints when a flow ends: its steps, attempts, Jobs and outcomes. */
final class DevTimeline {
  private DevTimeline() {}

  static String of(DevMode dev, FlowProgress p) {
    JobFlow flow = dev.client().resources(JobFlow.class).inNamespace(p.namespace()).withName(p.name()).get();
    StringBuilder out = new StringBuilder();
    out.append("\n").append(p.namespace()).append('/').append(p.name()).append(" ended ").append(p.phase());
    if (p.message() != null && !p.message().isBlank()) {
      out.append(": ").append(p.message());
    }
    out.append('\n');
    if (flow != null && flow.getStatus() != null && flow.getStatus().getSteps() != null) {
      out.append(String.format("  %-20s %-10s %-8s %-36s %s%n", "STEP", "PHASE", "ATTEMPTS", "JOB", "REASON"));
      for (Map.Entry<String, StepStatus> e : flow.getStatus().getSteps().entrySet()) {
        StepStatus s = e.getValue();
        out.append(String.format("  %-20s %-10s %-8s %-36s %s%n", e.getKey(), s.getPhase(),
            s.getAttempts() == null ? "" : s.getAttempts(), s.getJob() == null ? "" : s.getJob(),
            s.getReason() == null ? "" : s.getReason()));
      }
    }
    return out.append('\n').toString();
  }
}
