package dev.jobflow.metrics;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs Prometheus' {@code promtool}. Missing promtool skips the test locally (with how to get it) and fails it in CI
 * ({@code CI=true}), where {@code .ci/run} installs it.
 */
final class Promtool {
  record Result(int exitCode, String output) {}

  private Promtool() {}

  static Path require() {
    Path found = find();
    boolean ci = "true".equalsIgnoreCase(System.getenv("CI"));
    if (found == null && ci) {
      fail("promtool is not installed: CI must have it (.ci/run installs the Debian package 'prometheus')");
    }
    assumeTrue(found != null,
        "promtool not found on PATH: install it (apt-get install prometheus, or a release of prometheus) to run this check");
    return found;
  }

  /** Runs {@code promtool args...} with {@code stdin} (may be null). */
  static Result run(String stdin, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(require().toString());
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    if (stdin != null) {
      process.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
    }
    process.getOutputStream().close();
    String output;
    try (InputStream out = process.getInputStream()) {
      output = new String(out.readAllBytes(), StandardCharsets.UTF_8);
    }
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      fail("promtool " + String.join(" ", args) + " did not finish within 60 s");
    }
    return new Result(process.exitValue(), output);
  }

  private static Path find() {
    String path = System.getenv("PATH");
    if (path != null) {
      for (String dir : path.split(java.io.File.pathSeparator)) {
        Path candidate = Path.of(dir, "promtool");
        if (Files.isExecutable(candidate)) {
          return candidate;
        }
      }
    }
    Path debian = Path.of("/usr/bin/promtool");
    return Files.isExecutable(debian) ? debian : null;
  }
}
