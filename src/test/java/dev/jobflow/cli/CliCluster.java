package dev.jobflow.cli;

import com.typesafe.config.ConfigFactory;
import dev.jobflow.api.FlowPhase;
import dev.jobflow.api.JobFlow;
import dev.jobflow.dev.DevMode;
import dev.jobflow.emulator.EmulatorOptions;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * One {@code jobflow dev} (the API-server emulator with the real admission webhooks, the controller on an H2
 * journal, the process executor running each step's command) for the tests of one class, and the {@code jobflow}
 * command line pointed at it through a kubeconfig: the real fabric8 client over HTTP. It lives no longer than
 * its class: its /metrics (Kamon is process-wide) must not be running when another test starts its own.
 */
final class CliCluster implements ExtensionContext.Store.CloseableResource {
  private static final AtomicInteger NAMES = new AtomicInteger();

  final Path dir;
  final DevMode dev;

  private CliCluster(Path dir, DevMode dev) {
    this.dir = dir;
    this.dev = dev;
  }

  /** Hands the class's cluster to its {@code @BeforeAll}; JUnit closes it once the class's last test ran. */
  static final class Resolver implements ParameterResolver {
    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
      return parameter.getParameter().getType() == CliCluster.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
      return context.getStore(ExtensionContext.Namespace.create(CliCluster.class, context.getRequiredTestClass()))
          .getOrComputeIfAbsent(CliCluster.class, k -> start(), CliCluster.class);
    }
  }

  private static CliCluster start() {
    var config = ConfigFactory.parseMap(Map.of(
        "akka.loglevel", "WARNING",
        "akka.coordinated-shutdown.run-by-jvm-shutdown-hook", "off",
        "akka.coordinated-shutdown.exit-jvm", "off")).withFallback(ConfigFactory.load());
    for (int attempt = 1; ; attempt++) {
      try {
        Path dir = Files.createTempDirectory("jobflow-cli-");
        return new CliCluster(dir, DevMode.start(new DevMode.Options(dir, EmulatorOptions.ExecutorKind.PROCESS, 0, 0, 0), config));
      } catch (Exception e) {
        // DevMode picks its webhook port free, then binds it: on a shared machine another process may take it first.
        if (attempt < 3 && String.valueOf(e.getMessage()).contains("Address already in use")) {
          continue;
        }
        throw new IllegalStateException("could not start jobflow dev for the CLI tests: " + e, e);
      }
    }
  }

  /** The command line against this cluster (its kubeconfig, namespace default). */
  CliRun cli(String... args) {
    return cliWithStdin("", args);
  }

  CliRun cliWithStdin(String stdin, String... args) {
    return CliRun.withStdin(stdin, withKubeconfig(args));
  }

  /** The command line started on another thread, against this cluster. */
  CliRun.Running start(String... args) {
    return CliRun.start("", withKubeconfig(args));
  }

  private String[] withKubeconfig(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--kubeconfig", dev.kubeconfig().toString()));
    return all.toArray(String[]::new);
  }

  KubernetesClient client() {
    return dev.client();
  }

  /** A flow name no other test uses. */
  static String unique(String base) {
    return base + "-" + NAMES.incrementAndGet();
  }

  /** Writes a file under the cluster's directory. */
  Path write(String name, String text) {
    try {
      Path file = dir.resolve("files").resolve(name);
      Files.createDirectories(file.getParent());
      Files.writeString(file, text);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  JobFlow flow(String name) {
    return client().resources(JobFlow.class).inNamespace("default").withName(name).get();
  }

  JobFlow await(String name, Predicate<JobFlow> condition) {
    return client().resources(JobFlow.class).inNamespace("default").withName(name)
        .waitUntilCondition(f -> f != null && condition.test(f), 90, TimeUnit.SECONDS);
  }

  JobFlow awaitPhase(String name, FlowPhase phase) {
    return await(name, f -> f.getStatus() != null && f.getStatus().getPhase() == phase);
  }

  @Override
  public void close() {
    dev.close();
    deleteTree(dir);
  }

  /**
   * Hygiene, not a test: a file that vanishes while the tree is walked (a step's process writing its log as it is
   * killed) must not fail the class that ran green, so a walk that meets one tries again, and what is left is named.
   */
  private static void deleteTree(Path root) {
    for (int attempt = 1; attempt <= 3 && Files.exists(root); attempt++) {
      try (Stream<Path> files = Files.walk(root)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (IOException | UncheckedIOException e) {
        if (attempt == 3) {
          System.err.println("CliCluster: could not delete " + root + ": " + e);
        }
      }
    }
  }

  /** A flow of shell steps run by the process executor; each step is {@code name: shell command}, in order. */
  static String flow(String name, String... steps) {
    return flowWith(name, "", steps);
  }

  /**
   * @param extraSpec more of {@code spec:} (indented two spaces), e.g. {@code "  finally: ..."}
   * @param steps {@code "name: command"}, or {@code "name<dep: command"} for a step that depends on {@code dep};
   *              each runs once ({@code backoffLimit: 0}, no retries) unless extraSpec says otherwise
   */
  static String flowWith(String name, String extraSpec, String... steps) {
    StringBuilder yaml = new StringBuilder("apiVersion: jobflow.dev/v1alpha1\nkind: JobFlow\nmetadata: {name: " + name
        + "}\nspec:\n" + extraSpec + "  steps:\n");
    for (String step : steps) {
      yaml.append(step(step));
    }
    return yaml.toString();
  }

  static String step(String step) {
    int colon = step.indexOf(':');
    String head = step.substring(0, colon).trim();
    String command = step.substring(colon + 1).trim();
    String dep = null;
    if (head.contains("<")) {
      dep = head.substring(head.indexOf('<') + 1);
      head = head.substring(0, head.indexOf('<'));
    }
    return "    - name: " + head + "\n"
        + (dep == null ? "" : "      dependsOn: [" + dep + "]\n")
        + "      template: {backoffLimit: 0, template: {spec: {containers: [{name: main, image: busybox, command: [sh, -c, "
        + quoted(command) + "]}]}}}\n";
  }

  static String quoted(String command) {
    return "\"" + command.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }
}
