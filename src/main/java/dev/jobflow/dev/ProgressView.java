package dev.jobflow.dev;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Shows the flows' progress: on a terminal, a block of progress bars redrawn in place; otherwise (a pipe,
 * a CI log) one plain line each time a flow's line changes, so logs stay readable.
 */
public final class ProgressView {
  private static final String CURSOR_UP = "\u001b[%dA";
  private static final String CLEAR_LINE = "\u001b[2K";

  private final PrintStream out;
  private final boolean terminal;
  private final Map<String, String> lastLines = new LinkedHashMap<>();
  private int drawnLines;

  public ProgressView(PrintStream out, boolean terminal) {
    this.out = out;
    this.terminal = terminal;
  }

  public synchronized void show(List<FlowProgress> flows) {
    if (terminal) {
      redraw(flows);
    } else {
      for (FlowProgress p : flows) {
        String line = p.plain();
        String key = p.namespace() + "/" + p.name();
        if (!line.equals(lastLines.put(key, line))) {
          out.println(line);
        }
      }
    }
    out.flush();
  }

  /** Prints text below the live block, which is drawn again afresh next time. */
  public synchronized void print(String text) {
    out.print(text);
    out.flush();
    drawnLines = 0;
  }

  private void redraw(List<FlowProgress> flows) {
    if (drawnLines > 0) {
      out.printf(CURSOR_UP, drawnLines);
    }
    List<String> lines = new ArrayList<>();
    for (FlowProgress p : flows) {
      lines.add(p.bar(30));
    }
    for (String line : lines) {
      out.print(CLEAR_LINE);
      out.println(line);
    }
    drawnLines = lines.size();
  }
}
