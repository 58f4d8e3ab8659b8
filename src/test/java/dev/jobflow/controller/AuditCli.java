package dev.jobflow.controller;

import dev.jobflow.cli.JobflowCommand;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;

/** Runs {@code jobflow audit ...} in-process against a journal directory, capturing what it prints. */
record AuditCli(int exit, String out, String err) {

  static AuditCli run(Path journalDir, String... args) {
    List<String> all = new ArrayList<>(List.of("audit", "--data-dir", journalDir.toString()));
    all.addAll(List.of(args));
    return runRaw(all.toArray(String[]::new));
  }

  static AuditCli runRaw(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(new JobflowCommand());
    cli.setExecutionExceptionHandler(new CommandLine.IExecutionExceptionHandler() {
      @Override
      public int handleExecutionException(Exception ex, CommandLine cmd, CommandLine.ParseResult parsed) {
        cmd.getErr().println("jobflow: " + ex.getMessage());
        return 2;
      }
    });
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int exit = cli.execute(args);
    return new AuditCli(exit, out.toString(), err.toString());
  }

  @Override
  public String toString() {
    return "exit " + exit + "\n--- out\n" + out + "--- err\n" + err;
  }
}
