package dev.jobflow.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The completion scripts, run by the real shells: what TAB offers after {@code jobflow } and after {@code -o}. */
class CompletionCommandTest {
  @TempDir
  Path dir;

  Path script(String shell) throws Exception {
    CliRun run = CliRun.run("completion", shell);
    assertEquals(0, run.exit(), run.toString());
    Path file = dir.resolve("jobflow." + shell);
    Files.writeString(file, run.out());
    return file;
  }

  /** What the shell printed on stdout; its stderr (e.g. compopt outside a real TAB press) only explains failures. */
  String shell(String program, String script) throws Exception {
    Path err = Files.createTempFile(dir, "stderr", ".txt");
    Process p = new ProcessBuilder(program, "-c", script).redirectError(err.toFile()).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), out);
    assertEquals(0, p.exitValue(), out + Files.readString(err));
    return out;
  }

  /** Sets what bash sets when TAB is pressed at the end of {@code line}. */
  static String words(String line) {
    String[] words = line.split(" ", -1);
    StringBuilder quoted = new StringBuilder();
    for (String w : words) {
      quoted.append(" '").append(w).append("'");
    }
    return "COMP_WORDS=(" + quoted + "); COMP_CWORD=" + (words.length - 1) + "; COMP_LINE='" + line + "'; COMP_POINT="
        + line.length() + ";";
  }

  @Test
  void bashCompletesVerbsOptionsAndOutputFormats() throws Exception {
    String bash = RequiredTool.require("bash", "bash");
    Path script = script("bash");
    String verbs = shell(bash, "source " + script + "; " + words("jobflow su") + " _complete_jobflow; printf '%s\\n' \"${COMPREPLY[@]}\"");
    assertEquals(List.of("submit", "suspend"), verbs.lines().toList());
    String formats = shell(bash, "source " + script + "; " + words("jobflow get x -o ")
        + " _complete_jobflow; printf '%s\\n' \"${COMPREPLY[@]}\"");
    assertEquals(List.of("table", "wide", "json", "yaml"), formats.lines().toList());
    String options = shell(bash, "source " + script + "; " + words("jobflow logs x --att")
        + " _complete_jobflow; printf '%s\\n' \"${COMPREPLY[@]}\"");
    assertEquals(List.of("--attempt"), options.lines().toList());
  }

  @Test
  void zshRegistersTheCompletionAndOffersTheSameWords() throws Exception {
    String zsh = RequiredTool.require("zsh", "zsh");
    Path script = script("zsh");
    // zsh runs the bash function through bashcompinit's compgen (zsh itself then filters by the typed prefix).
    String registered = shell(zsh, "source " + script + "; print -r -- ${_comps[jobflow]}");
    assertEquals("_bash_complete -F _complete_jobflow -o default", registered.trim());
    String verbs = shell(zsh, "source " + script + "; " + words("jobflow ") + " compgen -F _complete_jobflow -- ''");
    for (String verb : List.of("submit", "get", "list", "watch", "logs", "suspend", "resume", "stop", "terminate", "delete")) {
      assertTrue(verbs.lines().anyMatch(verb::equals), verb + " not offered: " + verbs);
    }
    String formats = shell(zsh, "source " + script + "; " + words("jobflow submit -o ") + " compgen -F _complete_jobflow -- ''");
    assertEquals(List.of("table", "wide", "json", "yaml"), formats.lines().toList());
  }
}
