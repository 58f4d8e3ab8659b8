package dev.jobflow.dev;

import dev.jobflow.api.FlowPhase;
import dev.jobflow.api.JobFlow;
import dev.jobflow.api.StepPhase;
import java.util.Map;
import java.util.TreeSet;

/** One line of the dev mode's live view: a flow's phase, {@code done/total} and the steps running now. */
public record FlowProgress(String namespace, String name, FlowPhase phase, int done, int total, TreeSet<String> running,
                           String message) {

  public static FlowProgress of(JobFlow flow, int declaredSteps) {
    var status = flow.getStatus();
    FlowPhase phase = status == null || status.getPhase() == null ? FlowPhase.Pending : status.getPhase();
    int done = 0;
    int total = declaredSteps;
    if (status != null && status.getProgress() != null && status.getProgress().contains("/")) {
      String[] parts = status.getProgress().split("/");
      done = Integer.parseInt(parts[0].trim());
      total = Integer.parseInt(parts[1].trim());
    }
    TreeSet<String> running = new TreeSet<>();
    if (status != null && status.getSteps() != null) {
      for (Map.Entry<String, dev.jobflow.api.StepStatus> e : status.getSteps().entrySet()) {
        if (e.getValue().getPhase() == StepPhase.Running) {
          running.add(e.getKey());
        }
      }
    }
    return new FlowProgress(flow.getMetadata().getNamespace(), flow.getMetadata().getName(), phase, done, total,
        running, status == null ? null : status.getMessage());
  }

  public boolean isFinished() {
    return phase.isFinished();
  }

  /** Plain text, for logs and pipes: {@code default/hello Running 1/3 running: b}. */
  public String plain() {
    StringBuilder s = new StringBuilder().append(namespace).append('/').append(name).append(' ').append(phase)
        .append(' ').append(done).append('/').append(total);
    if (!running.isEmpty()) {
      s.append(" running: ").append(String.join(", ", running));
    }
    if (isFinished() && message != null && !message.isBlank()) {
      s.append(" - ").append(message);
    }
    return s.toString();
  }

  /** With a progress bar, for terminals. */
  public String bar(int width) {
    int filled = total == 0 ? 0 : (int) Math.round((double) done / total * width);
    return String.format("%-28s %-10s [%s%s] %d/%d %s", namespace + "/" + name, phase, "#".repeat(filled),
        ".".repeat(Math.max(0, width - filled)), done, total,
        running.isEmpty() ? "" : "running: " + String.join(", ", running));
  }
}
