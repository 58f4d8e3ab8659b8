package dev.jobflow.deploy;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Renders deploy/ overlays with {@code kubectl kustomize}, as an operator's {@code kubectl apply -k} would.
 * Without kubectl (or before deploy/webhook and deploy/prometheus exist) the tests skip locally with a message,
 * and fail when {@code CI=true}, where .ci/run installs kubectl.
 */
final class Kustomize {
  static final Path PROJECT = Path.of(System.getProperty("jobflow.project.dir", ".")).toAbsolutePath().normalize();
  static final Path DEPLOY = PROJECT.resolve("deploy");
  private static final boolean CI = "true".equalsIgnoreCase(System.getenv("CI"));
  private static final ConcurrentHashMap<String, Manifests> RENDERED = new ConcurrentHashMap<>();

  private Kustomize() {
  }

  /** The overlay {@code deploy/overlays/<name>}, rendered and strictly parsed (cached: rendering takes a process). */
  static Manifests overlay(String name) {
    requirePrerequisites();
    return RENDERED.computeIfAbsent(name, n -> {
      Path dir = DEPLOY.resolve("overlays").resolve(n);
      return Manifests.parse("deploy/overlays/" + n, render(dir));
    });
  }

  static String render(Path dir) {
    Path kubectl = kubectl();
    try {
      Path out = Files.createTempFile("kustomize", ".yaml");
      Path err = Files.createTempFile("kustomize", ".err");
      try {
        Process p = new ProcessBuilder(kubectl.toString(), "kustomize", dir.toString())
            .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
          p.destroyForcibly();
          fail("kubectl kustomize " + dir + " did not finish within 60 s");
        }
        if (p.exitValue() != 0) {
          fail("kubectl kustomize " + PROJECT.relativize(dir) + " failed: " + Files.readString(err).strip());
        }
        return Files.readString(out, StandardCharsets.UTF_8);
      } finally {
        Files.deleteIfExists(out);
        Files.deleteIfExists(err);
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot run " + kubectl + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  static void requirePrerequisites() {
    kubectl();
    for (String dir : List.of("webhook", "prometheus")) {
      if (!Files.isRegularFile(DEPLOY.resolve(dir).resolve("kustomization.yaml"))) {
        skipOrFail("deploy/" + dir + "/kustomization.yaml is missing (deploy/base includes ../" + dir
            + "; it comes from the admission/metrics work)");
      }
    }
  }

  private static Path kubectl() {
    for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(java.io.File.pathSeparator)) {
      Path candidate = Path.of(dir, "kubectl");
      if (Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    skipOrFail("kubectl is not installed: install the Debian package `kubectl` (or run .ci/run, which does)"
        + " to render deploy/ with `kubectl kustomize`");
    throw new AssertionError("unreachable");
  }

  private static void skipOrFail(String why) {
    if (CI) {
      fail(why);
    }
    Assumptions.abort(why);
  }
}
