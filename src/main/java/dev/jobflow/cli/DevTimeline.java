package dev.jobflow.cli;

import dev.jobflow.api.JobFlow;
import dev.jobflow.audit.FlowHistory;
import dev.jobflow.dev.DevMode;
import dev.jobflow.dev.FlowProgress;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.TimeUnit;

/** What {@code jobflow dev} prints when a flow ends: its audit timeline, read back from the journal. */
final class DevTimeline {
  private DevTimeline() {}

  static String of(DevMode dev, FlowHistory history, FlowProgress p) {
    StringWriter text = new StringWriter();
    PrintWriter out = new PrintWriter(text);
    out.printf("%n%s/%s ended %s%s%n", p.namespace(), p.name(), p.phase(),
        p.message() == null || p.message().isBlank() ? "" : ": " + p.message());
    JobFlow flow = dev.client().resources(JobFlow.class).inNamespace(p.namespace()).withName(p.name()).get();
    String uid = flow == null ? null : flow.getMetadata().getUid();
    try {
      for (FlowHistory.FlowTimeline timeline : history.history(p.namespace(), p.name(), uid)
          .toCompletableFuture().get(30, TimeUnit.SECONDS)) {
        AuditTable.printFlow(out, timeline);
      }
    } catch (Exception e) {
      out.printf("(the audit timeline could not be read: %s; try `jobflow audit %s/%s`)%n", e.getMessage(),
          p.namespace(), p.name());
    }
    out.flush();
    return text.toString();
  }
}
