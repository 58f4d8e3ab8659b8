package dev.jobflow.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The {@code jobflow} command: every subcommand of the product hangs off this one. */
@Command(name = "jobflow",
    mixinStandardHelpOptions = true,
    versionProvider = JobflowCommand.Version.class,
    description = "Runs DAGs of Kubernetes batch Jobs, event-sourced, with an audit trail.",
    subcommands = {
        CommandLine.HelpCommand.class,
        ControllerCommand.class,
        WebhookCommand.class,
        JournalCommand.class,
        EmulatorCommand.class,
        AuditCommand.class,
    })
public final class JobflowCommand implements Runnable {

  @Option(names = "--debug", scope = CommandLine.ScopeType.INHERIT,
      description = "Print stack traces of errors.")
  boolean debug;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  public static void main(String[] args) {
    System.exit(execute(args));
  }

  /** Runs the command line and returns its exit code; errors become one line unless {@code --debug}. */
  public static int execute(String... args) {
    CommandLine cli = new CommandLine(new JobflowCommand());
    cli.setExecutionExceptionHandler(new ErrorHandler());
    return cli.execute(args);
  }

  /** Users see a one-line error; stack traces only with {@code --debug}. */
  static final class ErrorHandler implements CommandLine.IExecutionExceptionHandler {
    @Override
    public int handleExecutionException(Exception ex, CommandLine cmd, CommandLine.ParseResult parsed) {
      boolean debug = parsed.hasMatchedOption("--debug")
          || (parsed.subcommand() != null && parsed.subcommand().hasMatchedOption("--debug"));
      if (debug) {
        ex.printStackTrace(cmd.getErr());
      } else {
        cmd.getErr().println("jobflow: " + (ex.getMessage() == null ? ex.getClass().getSimpleName() : ex.getMessage()));
      }
      return ExitCodes.ERROR;
    }
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = JobflowCommand.class.getPackage().getImplementationVersion();
      return new String[] {"jobflow " + (v == null ? "dev" : v)};
    }
  }
}
