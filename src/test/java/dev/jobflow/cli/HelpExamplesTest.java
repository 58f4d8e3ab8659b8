package dev.jobflow.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

/** Every verb's {@code --help} ends with examples of that verb, each fitting an 80-column terminal. */
class HelpExamplesTest {
  static Stream<String> verbs() {
    return new CommandLine(new JobflowCommand()).getSubcommands().keySet().stream()
        .filter(v -> !v.equals("help") && !v.equals("ls"));
  }

  @ParameterizedTest
  @MethodSource("verbs")
  void helpShowsExamplesOfTheVerb(String verb) {
    CliRun run = CliRun.run(verb, "--help");
    assertEquals(0, run.exit(), run.toString());
    String examples = run.out().substring(run.out().indexOf("Examples:") + 1);
    assertTrue(run.out().contains("\nExamples:\n"), run.out());
    assertTrue(examples.lines().anyMatch(l -> l.startsWith("  jobflow " + verb)), run.out());
    // picocli wraps at 80 columns: an example longer than that would be broken in two.
    CommandLine command = new CommandLine(new JobflowCommand()).getSubcommands().get(verb);
    for (String example : command.getCommandSpec().usageMessage().footer()) {
      assertTrue(example.length() <= 80, "an example longer than 80 columns: " + example);
    }
  }

  @org.junit.jupiter.api.Test
  void theTopLevelExamplesFitToo() {
    for (String example : new CommandLine(new JobflowCommand()).getCommandSpec().usageMessage().footer()) {
      assertTrue(example.length() <= 80, "an example longer than 80 columns: " + example);
    }
  }

  @ParameterizedTest
  @MethodSource("verbs")
  void theCommandListSaysWhatEachVerbDoesInOneWholeLine(String verb) {
    String usage = CliRun.run("--help").out();
    String line = usage.lines().filter(l -> l.matches("  " + verb + "(, \\w+)?\\s+.*")).findFirst().orElseThrow();
    assertTrue(line.endsWith(".") && line.length() <= 80, "the summary of " + verb + " is cut: " + line);
  }
}
