package dev.jobflow.cli;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/** The terminal's rows and columns, so a live view neither wraps nor scrolls off its own top. */
record TerminalSize(int rows, int columns) {
  static final TerminalSize FALLBACK = new TerminalSize(40, 120);

  /** Asks {@code stty} about the controlling terminal; $LINES/$COLUMNS or a fallback when it cannot say. */
  static TerminalSize query() {
    try {
      Process stty = new ProcessBuilder("stty", "size").redirectInput(ProcessBuilder.Redirect.from(new File("/dev/tty")))
          .redirectError(ProcessBuilder.Redirect.DISCARD).start();
      String out = new String(stty.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
      if (stty.waitFor(2, TimeUnit.SECONDS) && stty.exitValue() == 0) {
        String[] parts = out.split("\\s+");
        if (parts.length == 2) {
          return sane(Integer.parseInt(parts[0]), Integer.parseInt(parts[1]));
        }
      }
    } catch (Exception e) {
      // No terminal to ask (Windows, no stty, no /dev/tty): fall through.
    }
    return sane(number(System.getenv("LINES")), number(System.getenv("COLUMNS")));
  }

  private static TerminalSize sane(int rows, int columns) {
    return new TerminalSize(rows >= 5 ? rows : FALLBACK.rows(), columns >= 20 ? columns : FALLBACK.columns());
  }

  private static int number(String s) {
    try {
      return s == null ? 0 : Integer.parseInt(s.trim());
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}
