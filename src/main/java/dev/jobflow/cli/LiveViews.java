package dev.jobflow.cli;

import dev.jobflow.api.JobFlow;
import dev.jobflow.dev.FlowProgress;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The live views of {@code submit --watch}, {@code watch} and {@code --wait}. */
final class LiveViews {
  private LiveViews() {}

  /** The view for this output: a redrawn tree on a terminal, progress lines elsewhere, objects for -o json|yaml. */
  static LiveView forOutput(PrintWriter out, OutputFormat format, boolean terminal, boolean watch) {
    if (format.isObjects()) {
      return watch ? new Objects(out, format) : new Final(out, format);
    }
    if (!watch) {
      return new Final(out, format);
    }
    return terminal ? new Tree(out, format == OutputFormat.wide, TerminalSize.query()) : new Lines(out, format == OutputFormat.wide);
  }

  /** The tree redrawn in place, once a second and on every change; lines cut to the terminal's width. */
  static final class Tree implements LiveView {
    private static final String CURSOR_UP = "\u001b[%dA";
    private static final String CLEAR_LINE = "\u001b[2K";
    private final PrintWriter out;
    private final boolean wide;
    private final TerminalSize size;
    private int drawn;

    Tree(PrintWriter out, boolean wide, TerminalSize size) {
      this.out = out;
      this.wide = wide;
      this.size = size;
    }

    @Override
    public Duration tick() {
      return Duration.ofSeconds(1);
    }

    @Override
    public void show(List<FlowWatch.Seen> flows, Instant now) {
      // Room for every flow's header and a line of its own below, whatever the terminal's height.
      int perFlow = Math.max(3, (size.rows() - 2) / Math.max(1, flows.size()) - 3);
      List<String> lines = new ArrayList<>();
      for (FlowWatch.Seen seen : flows) {
        lines.addAll(FlowTree.lines(seen.flow(), now, new FlowTree.Style(wide, perFlow, 0, FlowTree.Branches.forOutput())));
        if (seen.deleted()) {
          lines.add("(deleted)");
        }
      }
      if (drawn > 0) {
        out.printf(CURSOR_UP, drawn);
      }
      for (String line : lines) {
        out.print(CLEAR_LINE);
        out.println(line.length() > size.columns() ? line.substring(0, Math.max(0, size.columns() - 1)) : line);
      }
      // A block shorter than the last one leaves old lines below: clear them.
      for (int i = lines.size(); i < drawn; i++) {
        out.print(CLEAR_LINE);
        out.println();
      }
      drawn = Math.max(lines.size(), drawn);
      out.flush();
    }

    @Override
    public void end(List<FlowWatch.Seen> flows, Instant now) {
      show(flows, now);
      summary(out, flows, now);
    }
  }

  /** For pipes and CI logs: a line per flow each time its progress changes, the tree once at the end. */
  static final class Lines implements LiveView {
    private final PrintWriter out;
    private final boolean wide;
    private final Map<String, String> last = new HashMap<>();

    Lines(PrintWriter out, boolean wide) {
      this.out = out;
      this.wide = wide;
    }

    @Override
    public void show(List<FlowWatch.Seen> flows, Instant now) {
      for (FlowWatch.Seen seen : flows) {
        String line = progress(seen.flow()).plain() + (seen.deleted() ? " (deleted)" : "");
        if (!line.equals(last.put(FlowWatch.key(seen.flow()), line))) {
          out.println(line);
        }
      }
      out.flush();
    }

    @Override
    public void end(List<FlowWatch.Seen> flows, Instant now) {
      show(flows, now);
      for (FlowWatch.Seen seen : flows) {
        out.println();
        FlowTree.lines(seen.flow(), now, new FlowTree.Style(wide, 0, 0, FlowTree.Branches.forOutput())).forEach(out::println);
      }
      summary(out, flows, now);
    }
  }

  /** {@code -o json|yaml} with {@code --watch}: each new state of each flow, as an object. */
  static final class Objects implements LiveView {
    private final PrintWriter out;
    private final OutputFormat format;
    private final Map<String, String> printed = new HashMap<>();
    private boolean first = true;

    Objects(PrintWriter out, OutputFormat format) {
      this.out = out;
      this.format = format;
    }

    @Override
    public void show(List<FlowWatch.Seen> flows, Instant now) {
      for (FlowWatch.Seen seen : flows) {
        String version = seen.flow().getMetadata().getResourceVersion() + (seen.deleted() ? "-deleted" : "");
        if (!version.equals(printed.put(FlowWatch.key(seen.flow()), version))) {
          ObjectOutput.print(out, format, seen.flow(), first);
          first = false;
        }
      }
    }

    @Override
    public void end(List<FlowWatch.Seen> flows, Instant now) {
      show(flows, now);
    }
  }

  /** {@code --wait} alone: nothing while waiting; at the end the outcome (or the final objects for -o json|yaml). */
  static final class Final implements LiveView {
    private final PrintWriter out;
    private final OutputFormat format;

    Final(PrintWriter out, OutputFormat format) {
      this.out = out;
      this.format = format;
    }

    @Override
    public void show(List<FlowWatch.Seen> flows, Instant now) {}

    @Override
    public void end(List<FlowWatch.Seen> flows, Instant now) {
      if (format.isObjects()) {
        ObjectOutput.printAll(out, format, flows.stream().map(FlowWatch.Seen::flow).toList());
      } else {
        summary(out, flows, now);
      }
    }
  }

  /** One line per flow: how it ended, in how long, and why when it did not succeed. */
  static void summary(PrintWriter out, List<FlowWatch.Seen> flows, Instant now) {
    for (FlowWatch.Seen seen : flows) {
      out.println(FlowOutcome.of(seen).describe(now));
    }
    out.flush();
  }

  private static FlowProgress progress(JobFlow flow) {
    return FlowProgress.of(flow, StepRow.of(flow).size());
  }
}
