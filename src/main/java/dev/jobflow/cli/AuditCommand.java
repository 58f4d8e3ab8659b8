package dev.jobflow.cli;

import akka.stream.javadsl.Sink;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.jobflow.audit.AuditJournal;
import dev.jobflow.audit.AuditJson;
import dev.jobflow.audit.ChainReport;
import dev.jobflow.audit.FlowHistory;
import dev.jobflow.audit.TimelineEntry;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code jobflow audit}: a flow's history from the event journal, and the check of its hash chain. */
@Command(name = "audit",
    header = "Replay flows' histories from the event journal.",
    footerHeading = "%nExamples:%n",
    footer = {"  jobflow audit default/hello", "  jobflow audit --all --since 24h", "  jobflow audit --verify --all"},
    mixinStandardHelpOptions = true,
    description = {
        "Replay flows' histories from the event journal (also of deleted flows),",
        "or check their hash chains (--verify). Reads the journal only; works",
        "while the controller runs and when it is stopped.",
        "Exit codes: 0 ok (every chain intact); 1 a chain is broken: the first",
        "altered, removed or reordered sequence number is named; 2 unusable",
        "input (no journal, no such flow, bad flags)."})
public final class AuditCommand implements Callable<Integer> {
  private static final long QUERY_TIMEOUT_SECONDS = 300;

  @Parameters(arity = "0..1", paramLabel = "NAMESPACE/NAME", description = "The flow (every uid it had over time).")
  String flow;

  @Option(names = "--uid", paramLabel = "UID", description = "Only the flow with this uid.")
  String uid;

  @Option(names = "--all", description = "Events of all flows, in the order they were written.")
  boolean all;

  @Option(names = "--since", paramLabel = "TIME",
      description = "With --all: events at or after TIME: RFC 3339 (2026-11-23T08:00:00Z), a date (2026-11-23, UTC) "
          + "or a duration ago (90m, 24h).")
  String since;

  @Option(names = "--namespace", paramLabel = "NS", description = "With --all: only flows of this namespace.")
  String namespace;

  @Option(names = "--follow", description = "With --all: keep printing events as they are written (jsonl or table).")
  boolean follow;

  @Option(names = "--verify", description = "Check the hash chains instead of printing the timeline.")
  boolean verify;

  @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", description = "table (default), json or jsonl.")
  String output = "table";

  @Mixin
  JournalOptions journal;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    String problem = checkFlags();
    if (problem != null) {
      return fail(problem);
    }
    Instant sinceTime;
    try {
      sinceTime = since == null ? null : FlowHistory.parseTime(since, Instant.now());
    } catch (IllegalArgumentException e) {
      return fail(e.getMessage());
    }
    Config config = ConfigFactory.load();
    AuditJournal opened;
    try {
      opened = AuditJournal.open(journal.settings(config), config);
    } catch (IllegalArgumentException e) {
      return fail(e.getMessage());
    }
    try (AuditJournal audit = opened) {
      FlowHistory history = audit.history();
      if (verify) {
        return verify(history, out);
      }
      if (all) {
        return printAll(audit, history, sinceTime, out);
      }
      String[] nsName = flow.split("/", 2);
      List<FlowHistory.FlowTimeline> flows = await(history.history(nsName[0], nsName[1], uid));
      if (flows.isEmpty()) {
        return fail("no flow " + flow + (uid == null ? "" : " with uid " + uid) + " in the journal");
      }
      switch (output) {
        case "json" -> out.println(AuditJson.writePretty(AuditJson.history(nsName[0], nsName[1], flows)));
        case "jsonl" -> flows.forEach(t -> t.events().forEach(e -> out.println(AuditJson.write(e))));
        default -> flows.forEach(t -> AuditTable.printFlow(out, t));
      }
      out.flush();
      return ExitCodes.OK;
    }
  }

  private String checkFlags() {
    if (!List.of("table", "json", "jsonl").contains(output)) {
      return "--output must be table, json or jsonl, not '" + output + "'";
    }
    if (all == (flow != null)) {
      return "name one flow as NAMESPACE/NAME, or use --all";
    }
    if (flow != null && (flow.indexOf('/') <= 0 || flow.indexOf('/') == flow.length() - 1
        || flow.indexOf('/') != flow.lastIndexOf('/'))) {
      return "the flow must be given as NAMESPACE/NAME, not '" + flow + "'";
    }
    if (uid != null && flow == null) {
      return "--uid selects one flow of NAMESPACE/NAME: give the name too";
    }
    if (!all && (since != null || namespace != null || follow)) {
      return "--since, --namespace and --follow go with --all";
    }
    if (verify && (follow || since != null)) {
      return "--verify checks whole chains: --follow and --since do not apply";
    }
    if (follow && output.equals("json")) {
      return "--follow streams: use --output jsonl or table";
    }
    return null;
  }

  private int verify(FlowHistory history, PrintWriter out) throws Exception {
    List<String> pids = new ArrayList<>();
    if (all) {
      pids.addAll(await(history.flows()));
    } else {
      String[] nsName = flow.split("/", 2);
      for (FlowHistory.FlowRun run : await(history.runs(nsName[0], nsName[1]))) {
        if (uid == null || uid.equals(run.id().uid())) {
          pids.add(run.persistenceId());
        }
      }
      if (pids.isEmpty()) {
        return fail("no flow " + flow + (uid == null ? "" : " with uid " + uid) + " in the journal");
      }
    }
    List<ChainReport> reports = new ArrayList<>();
    for (String pid : pids) {
      ChainReport r = await(history.verify(pid));
      if (all && namespace != null && !namespace.equals(r.flow().namespace())) {
        continue;
      }
      reports.add(r);
    }
    switch (output) {
      case "json" -> out.println(AuditJson.writePretty(AuditJson.verification(reports)));
      case "jsonl" -> reports.forEach(r -> out.println(AuditJson.write(AuditJson.report(r))));
      default -> AuditTable.printReports(out, reports);
    }
    out.flush();
    List<ChainReport> broken = reports.stream().filter(r -> !r.intact()).toList();
    if (!broken.isEmpty()) {
      ChainReport first = broken.get(0);
      spec.commandLine().getErr().println("jobflow: hash chain broken in " + describe(first) + " at sequence number "
          + first.badSequenceNr() + ": " + first.message() + (broken.size() > 1 ? " (and " + (broken.size() - 1)
          + " more flows)" : ""));
      spec.commandLine().getErr().flush();
      return ExitCodes.INVALID;
    }
    return ExitCodes.OK;
  }

  private int printAll(AuditJournal audit, FlowHistory history, Instant sinceTime, PrintWriter out) throws Exception {
    var events = history.all(sinceTime, namespace, follow);
    if (follow) {
      boolean[] header = {false};
      // Runs until the process is stopped (Ctrl-C): eventsByTag never completes.
      events.runWith(Sink.foreach(e -> {
        if (output.equals("jsonl")) {
          out.println(AuditJson.write(e));
        } else {
          if (!header[0]) {
            AuditTable.printAllHeader(out);
            header[0] = true;
          }
          AuditTable.printAllRow(out, e);
        }
        out.flush();
      }), audit.system()).toCompletableFuture().get();
      return ExitCodes.OK;
    }
    List<TimelineEntry> list = await(events.runWith(Sink.seq(), audit.system()));
    switch (output) {
      case "json" -> out.println(AuditJson.writePretty(AuditJson.events(list)));
      case "jsonl" -> list.forEach(e -> out.println(AuditJson.write(e)));
      default -> {
        AuditTable.printAllHeader(out);
        list.forEach(e -> AuditTable.printAllRow(out, e));
      }
    }
    out.flush();
    return ExitCodes.OK;
  }

  private static String describe(ChainReport r) {
    return r.flow().namespace() == null ? r.persistenceId()
        : r.flow().namespace() + "/" + r.flow().name() + " (uid " + r.flow().uid() + ")";
  }

  private static <T> T await(CompletionStage<T> stage) throws Exception {
    try {
      return stage.toCompletableFuture().get(QUERY_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      throw new IllegalStateException("reading the journal failed: " + cause.getMessage(), cause);
    }
  }

  private int fail(String message) {
    spec.commandLine().getErr().println("jobflow: " + message);
    spec.commandLine().getErr().flush();
    return ExitCodes.ERROR;
  }
}
