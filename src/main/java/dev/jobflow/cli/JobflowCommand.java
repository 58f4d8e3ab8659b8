package dev.jobflow.cli;

import io.fabric8.kubernetes.client.KubernetesClientException;
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
    commandListHeading = "%nCommands:%n",
    subcommands = {
        CommandLine.HelpCommand.class,
        SubmitCommand.class,
        GetCommand.class,
        ListCommand.class,
        WatchCommand.class,
        LogsCommand.class,
        SuspendCommand.class,
        ResumeCommand.class,
        StopCommand.class,
        TerminateCommand.class,
        ApproveCommand.class,
        RejectCommand.class,
        RetryCommand.class,
        ResubmitCommand.class,
        DeleteCommand.class,
        ValidateCommand.class,
        GraphCommand.class,
        DevCommand.class,
        EmulatorCommand.class,
        ControllerCommand.class,
        WebhookCommand.class,
        JournalCommand.class,
        AuditCommand.class,
        CompletionCommand.class,
    },
    footerHeading = "%nExamples:%n",
    footer = {
        "  jobflow submit --watch examples/hello.yaml   # run and watch a flow",
        "  jobflow list -A                              # every flow, every namespace",
        "  jobflow logs hello -f                        # its steps' logs, followed",
        "  jobflow dev --exit-when-done examples/hello.yaml   # no cluster needed",
        "  jobflow COMMAND --help                       # each command, with examples"})
public final class JobflowCommand implements Runnable {

  @Option(names = "--debug", scope = CommandLine.ScopeType.INHERIT,
      description = "Print stack traces of errors (and the Kubernetes client's own warnings).")
  boolean debug;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  /** What {@code -} reads; a test hands in its own. */
  InputStream stdin = System.in;

  /** True when standard output is a terminal, so live views redraw in place. */
  boolean terminal;

  /** True when this is the process's own command line (not a test or an embedding): its logging is ours. */
  boolean ownsProcess;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  public static void main(String[] args) {
    JobflowCommand root = new JobflowCommand();
    root.terminal = System.console() != null;
    root.ownsProcess = true;
    System.exit(execute(root, System.in, new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
  }

  /** Runs the command line and returns its exit code; errors become one line unless {@code --debug}. */
  public static int execute(String... args) {
    return execute(System.in, new PrintWriter(System.out, true), new PrintWriter(System.err, true), args);
  }

  /** Runs the command line with the given standard streams (tests, and embedding in another process). */
  public static int execute(InputStream in, PrintWriter out, PrintWriter err, String... args) {
    return execute(new JobflowCommand(), in, out, err, args);
  }

  static int execute(JobflowCommand root, InputStream in, PrintWriter out, PrintWriter err, String... args) {
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

  /**
   * A client verb's output is for the user: the Kubernetes client's warnings (a watch reconnecting, a
   * retried request) would break a live view, so they are shown only with {@code --debug}. A test's or an
   * embedding's logging is theirs and left alone.
   */
  void quietLibraryLogs() {
    if (!ownsProcess || debug) {
      return;
    }
    for (String name : new String[] {"io.fabric8", "io.vertx", "io.netty", "okhttp3"}) {
      org.slf4j.Logger logger = org.slf4j.LoggerFactory.getLogger(name);
      if (logger instanceof ch.qos.logback.classic.Logger logback) {
        logback.setLevel(ch.qos.logback.classic.Level.OFF);
      }
    }
  }

  /** Users see a one-line error; stack traces only with {@code --debug}. */
  static final class ErrorHandler implements CommandLine.IExecutionExceptionHandler {
    @Override
    public int handleExecutionException(Exception ex, CommandLine cmd, CommandLine.ParseResult parsed) {
      boolean debug = parsed.hasMatchedOption("--debug")
          || (parsed.subcommand() != null && parsed.subcommand().hasMatchedOption("--debug"));
      // Raised outside a cluster verb's own handling: still one sentence and the code it deserves.
      Exception shown = ex instanceof KubernetesClientException k ? ClusterErrors.describe(k, "the API server") : ex;
      if (debug) {
        ex.printStackTrace(cmd.getErr());
      } else {
        cmd.getErr().println("jobflow: " + (shown.getMessage() == null ? shown.getClass().getSimpleName() : shown.getMessage()));
      }
      return shown instanceof CommandFailure failure ? failure.exitCode() : ExitCodes.ERROR;
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
