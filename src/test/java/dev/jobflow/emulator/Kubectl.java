package dev.jobflow.emulator;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/** Runs the real kubectl against an emulator, with its own kubeconfig and discovery cache. */
final class Kubectl {
  record Result(int exit, String out, String err) {
    Result ok() {
      if (exit != 0) {
        fail("kubectl failed (" + exit + "): " + err + out);
      }
      return this;
    }
  }

  private final Path kubeconfig;
  private final Path cache;

  Kubectl(Emulator emulator, Path dir) throws IOException {
    this(dir, emulator.writeKubeconfig(dir.resolve("kubeconfig")));
  }

  Kubectl(Path dir, Path kubeconfig) throws IOException {
    requireKubectl();
    this.kubeconfig = kubeconfig;
    this.cache = Files.createDirectories(dir.resolve("kube-cache"));
  }

  static String binary() {
    for (String d : System.getenv().getOrDefault("PATH", "/usr/bin").split(File.pathSeparator)) {
      Path p = Path.of(d, "kubectl");
      if (Files.isExecutable(p)) {
        return p.toString();
      }
    }
    return null;
  }

  /** On CI (CI=true, where .ci/run installs kubectl) a missing kubectl fails; elsewhere the test is skipped. */
  static void requireKubectl() {
    if (binary() == null) {
      if ("true".equals(System.getenv("CI"))) {
        fail("kubectl is not on the PATH (CI=true): .ci/run installs it");
      }
      Assumptions.abort("kubectl is not on the PATH: install it (or run .ci/run) to run the kubectl tests");
    }
  }

  ProcessBuilder builder(String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(binary());
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().put("KUBECONFIG", kubeconfig.toString());
    pb.environment().put("KUBECACHEDIR", cache.toString());
    return pb;
  }

  Result run(String... args) throws IOException, InterruptedException {
    Process p = builder(args).start();
    p.getOutputStream().close();
    var out = p.getInputStream().readAllBytes();
    var err = p.getErrorStream().readAllBytes();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      fail("kubectl " + String.join(" ", args) + " did not finish");
    }
    return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8), new String(err, StandardCharsets.UTF_8));
  }
}
