package dev.jobflow.cli;

import dev.jobflow.journal.JournalDialect;
import dev.jobflow.journal.JournalSchema;
import dev.jobflow.journal.JournalSettings;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code jobflow journal ...}: looks after the event journal's database. */
@Command(name = "journal",
    header = "Manage the event journal's database.",
    footerHeading = "%nExamples:%n",
    footer = {"  jobflow journal init --journal-url jdbc:postgresql://HOST/DB"},
    description = "Manage the event journal's database.",
    mixinStandardHelpOptions = true,
    subcommands = {JournalCommand.Init.class})
public final class JournalCommand implements Runnable {

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** {@code jobflow journal init}: creates the journal's tables; safe to run again on a live journal. */
  @Command(name = "init",
      mixinStandardHelpOptions = true,
      description = {
          "Create the journal's tables and indexes where missing (idempotent; existing events are kept).",
          "With --print-sql, print the schema instead (the same SQL as deploy/postgres/schema.sql)."})
  static final class Init implements Callable<Integer> {
    @Mixin
    JournalOptions journal;

    @Option(names = "--print-sql", description = "Print the SQL for the URL's database and exit, without connecting.")
    boolean printSql;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      JournalSettings settings = journal.settings();
      JournalDialect dialect = settings.dialect();
      if (printSql) {
        spec.commandLine().getOut().print(JournalSchema.sql(dialect));
        spec.commandLine().getOut().flush();
        return ExitCodes.OK;
      }
      int statements = JournalSchema.apply(settings);
      spec.commandLine().getOut().println("journal schema ready in " + settings.displayUrl()
          + " (" + statements + " idempotent statements applied)");
      spec.commandLine().getOut().flush();
      return ExitCodes.OK;
    }
  }
}
