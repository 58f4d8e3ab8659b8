package dev.jobflow.cli;

import java.io.InputStream;
import java.io.PrintWriter;
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
        ValidateCommand.class,
        GraphCommand.class,
        DevCommand.class,
        EmulatorCommand.class,
        ControllerCommand.class,
        WebhookCommand.class,
        JournalCommand.class,
        AuditCommand.class,
    })
public final class JobflowCommand implements Runnable {

  @Option(names = "--debug", scope = CommandLine.ScopeType.INHERIT,
      description = "Print stack traces of errors.")
  boolean debug;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  /** What {@code -} reads; a test hands in its own. */
  InputStream stdin = System.in;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  public static void main(String[] args) {
    System.exit(execute(args));
  }

  /** Runs the command line and returns its exit code; errors become one line unless {@code --debug}. */
  public static int execute(String... args) {
    return execute(System.in, new PrintWriter(System.out, true), new PrintWriter(System.err, true), args);
  }

  /** Runs the command line with the given standard streams (tests, and embedding in another process). */
  public static int execute(InputStream in, PrintWriter out, PrintWriter err, String... args) {
    JobflowCommand root = new JobflowCommand();
    root.stdin = in;
    CommandLine cli = new CommandLine(root);
    cli.setOut(out);
    cli.setErr(err);
    cli.setCaseInsensitiveEnumValuesAllowed(true);
    cli.setExecutionExceptionHandler(new ErrorHandler());
    try {
      return cli.execute(args);
    } finally {
      out.flush();
      err.flush();
    }
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
