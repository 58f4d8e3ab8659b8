package dev.jobflow.cli;

import dev.jobflow.audit.ChainReport;
import dev.jobflow.audit.FlowHistory;
import dev.jobflow.audit.TimelineEntry;
import java.io.PrintWriter;
import java.util.List;

/** The human-readable tables of {@code jobflow audit}: fixed columns, one event per line, "-" for nothing. */
final class AuditTable {
  private static final String FLOW_ROW = "%4s  %-24s  %-22s  %-12s  %7s  %-28s  %-36s  %-20s  %-18s  %s%n";
  private static final String ALL_ROW = "%-24s  %-30s  %4s  %-22s  %-12s  %7s  %-28s  %-20s  %s%n";

  private AuditTable() {}

  static void printFlow(PrintWriter out, FlowHistory.FlowTimeline t) {
    out.printf("FLOW %s/%s  uid %s  accepted %s  (%d events)%n", t.run().id().namespace(), t.run().id().name(),
        t.run().id().uid(), millis(t.run().acceptedAt()), t.events().size());
    out.printf(FLOW_ROW, "SEQ", "TIME", "EVENT", "STEP", "ATTEMPT", "JOB", "JOB UID", "REASON", "WRITER", "MESSAGE");
    for (TimelineEntry e : t.events()) {
      out.printf(FLOW_ROW, e.sequenceNr(), millis(e.at()), e.type(), dash(e.step()), dash(e.attempt()), dash(e.job()),
          dash(e.jobUid()), dash(e.reason()), dash(e.writer()), text(e));
    }
    out.println();
  }

  static void printAllHeader(PrintWriter out) {
    out.printf(ALL_ROW, "TIME", "FLOW", "SEQ", "EVENT", "STEP", "ATTEMPT", "JOB", "REASON", "MESSAGE");
  }

  static void printAllRow(PrintWriter out, TimelineEntry e) {
    String flow = e.namespace() == null ? e.uid() : e.namespace() + "/" + e.name();
    out.printf(ALL_ROW, millis(e.at()), flow, e.sequenceNr(), e.type(), dash(e.step()), dash(e.attempt()), dash(e.job()),
        dash(e.reason()), text(e));
  }

  static void printReports(PrintWriter out, List<ChainReport> reports) {
    String row = "%-11s  %-30s  %-36s  %6s  %-64s  %s%n";
    out.printf(row, "VERDICT", "FLOW", "UID", "EVENTS", "HEAD", "DETAIL");
    for (ChainReport r : reports) {
      String flow = r.flow().namespace() == null ? "?" : r.flow().namespace() + "/" + r.flow().name();
      out.printf(row, r.verdict(), flow, r.flow().uid(), r.events(), dash(r.head()), r.message());
    }
  }

  private static String text(TimelineEntry e) {
    String message = e.message() == null ? "" : e.message();
    if (e.detail() != null) {
      message = message.isEmpty() ? e.detail() : message + " [" + e.detail() + "]";
    }
    return message.isEmpty() ? "-" : message;
  }

  /** Tables show milliseconds; JSON keeps the nanoseconds the journal has. */
  private static String millis(java.time.Instant at) {
    return at == null ? "-" : at.truncatedTo(java.time.temporal.ChronoUnit.MILLIS).toString();
  }

  private static String dash(Object value) {
    return value == null ? "-" : value.toString();
  }
}
