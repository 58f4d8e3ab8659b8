package dev.jobflow.cli;

import java.io.PrintWriter;

/** Prints log lines of several steps, whole lines at a time, each after its step's name ({@code load    | ...}). */
final class LogPrinter {
  private final PrintWriter out;
  private final PrintWriter err;
  private final boolean prefix;
  private final int width;

  LogPrinter(PrintWriter out, PrintWriter err, boolean prefix, int width) {
    this.out = out;
    this.err = err;
    this.prefix = prefix;
    this.width = width;
  }

  /** Every line of a whole log. */
  void all(String step, String log) {
    if (log.isEmpty()) {
      return;
    }
    String text = log.endsWith("\n") ? log.substring(0, log.length() - 1) : log;
    for (String line : text.split("\n", -1)) {
      line(step, line);
    }
  }

  synchronized void line(String step, String line) {
    if (prefix) {
      out.print(step);
      out.print(" ".repeat(Math.max(0, width - step.length())));
      out.print(" | ");
    }
    out.println(line);
    out.flush();
  }

  synchronized void error(String message) {
    out.flush();
    err.println("jobflow: " + message);
    err.flush();
  }
}
