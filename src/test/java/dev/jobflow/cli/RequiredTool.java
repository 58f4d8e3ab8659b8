package dev.jobflow.cli;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/** A program a test runs (tmux, zsh): skipped with a how-to when absent, a failure under CI=true (.ci/run installs it). */
final class RequiredTool {
  private RequiredTool() {}

  static String require(String program, String debianPackage) {
    for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(File.pathSeparator)) {
      Path p = Path.of(dir, program);
      if (Files.isExecutable(p)) {
        return p.toString();
      }
    }
    String howTo = program + " is not on the PATH: apt-get install " + debianPackage + " (or run .ci/run) to run this test";
    if ("true".equals(System.getenv("CI"))) {
      fail(howTo + " (CI=true: .ci/run installs it)");
    }
    Assumptions.abort(howTo);
    return null;
  }
}
