package dev.jobflow.cli;

import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code jobflow completion bash|zsh}: the shell completion script, generated from the commands themselves. */
@Command(name = "completion",
    header = "Print the bash or zsh completion script.", mixinStandardHelpOptions = true,
    description = {"Prints a completion script for bash or zsh: every command, option and enum value of jobflow.",
        "The script is generated from the command line itself (picocli's AutoComplete), so it never lags behind."},
    footerHeading = "%nExamples:%n",
    footer = {
        "  source <(jobflow completion bash)                     # this bash session",
        "  jobflow completion bash > /etc/bash_completion.d/jobflow",
        "  source <(jobflow completion zsh)                      # this zsh session"})
final class CompletionCommand implements Callable<Integer> {
  enum Shell { bash, zsh }

  @Parameters(index = "0", paramLabel = "bash|zsh", description = "The shell.")
  Shell shell;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() {
    String script = AutoComplete.bash("jobflow", spec.root().commandLine());
    var out = spec.commandLine().getOut();
    if (shell == Shell.zsh) {
      // picocli's script runs in zsh through bashcompinit; compinit must come first.
      out.println("#compdef jobflow");
      out.println("(( $+functions[compdef] )) || { autoload -U +X compinit && compinit; }");
      out.println("autoload -U +X bashcompinit && bashcompinit");
    }
    out.print(script);
    out.flush();
    return ExitCodes.OK;
  }
}
