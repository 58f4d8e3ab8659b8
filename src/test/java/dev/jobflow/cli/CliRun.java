package dev.jobflow.cli;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** One in-process run of the {@code jobflow} command line: its exit code and what it printed. */
record CliRun(int exit, String out, String err) {

  static CliRun withStdin(String stdin, String... args) {
    return start(stdin, args).await();
  }

  static CliRun run(String... args) {
    return withStdin("", args);
  }

  /** Starts the command line on another thread, so a test can watch its output while it runs. */
  static Running start(String stdin, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> JobflowCommand.execute(
        new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)), new PrintWriter(out, true),
        new PrintWriter(err, true), args));
    return new Running(exit, out, err);
  }

  /** A command line still running; {@link StringWriter} is synchronized, so its output can be read meanwhile. */
  record Running(CompletableFuture<Integer> exit, StringWriter out, StringWriter err) {
    String outSoFar() {
      return out.toString();
    }

    CliRun await() {
      try {
        return new CliRun(exit.get(180, TimeUnit.SECONDS), out.toString(), err.toString());
      } catch (Exception e) {
        throw new AssertionError("the command line did not end: out " + out + ", err " + err, e);
      }
    }
  }
}
