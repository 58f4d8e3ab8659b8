package dev.jobflow.emulator;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs a Job's first container {@code command + args} as a local process: real work on a laptop.
 * The process gets the container's {@code env} (plain values, plus the pod name and namespace by
 * fieldRef), a fresh working directory {@code DATA/work/NS/POD}, and appends its output to
 * {@code DATA/logs/NS/JOB.log}. The image is ignored. What a container writes to {@code /dev/termination-log} on a
 * cluster, a local process writes to the file named by {@code $JOBFLOW_TERMINATION_LOG} (in its working directory);
 * like the kubelet, the runner keeps at most 4 KiB of it as the container's termination message.
 */
final class ProcessExecutor implements JobExecutor {
  /** The environment variable naming the local stand-in for {@code /dev/termination-log}. */
  static final String TERMINATION_LOG = "JOBFLOW_TERMINATION_LOG";
  /** What the kubelet keeps of a termination message. */
  static final int MAX_TERMINATION_MESSAGE = 4096;
  private final Path dataDir;

  ProcessExecutor(Path dataDir) {
    this.dataDir = dataDir.toAbsolutePath();
  }

  static Path logFile(Path dataDir, String namespace, String job) {
    return dataDir.toAbsolutePath().resolve("logs").resolve(namespace).resolve(job + ".log");
  }

  @Override
  public Attempt start(Job job, int podIndex, String podName) {
    String ns = job.getMetadata().getNamespace();
    String name = job.getMetadata().getName();
    CompletableFuture<Outcome> result = new CompletableFuture<>();
    List<Container> containers = job.getSpec().getTemplate().getSpec().getContainers();
    Container c = containers == null || containers.isEmpty() ? null : containers.get(0);
    List<String> argv = new ArrayList<>();
    if (c != null && c.getCommand() != null) {
      argv.addAll(c.getCommand());
    }
    if (c != null && c.getArgs() != null) {
      argv.addAll(c.getArgs());
    }
    if (argv.isEmpty()) {
      result.complete(Outcome.podFailed(127, "the process executor runs the container's command and args, and container "
          + (c == null ? "(none)" : c.getName()) + " of Job " + ns + "/" + name + " has none"));
      return finished(result);
    }
    Process process;
    Path terminationLog;
    try {
      Path work = Files.createDirectories(dataDir.resolve("work").resolve(ns).resolve(podName));
      terminationLog = work.resolve("termination-log");
      Path log = logFile(dataDir, ns, name);
      Files.createDirectories(log.getParent());
      Files.writeString(log, "--- " + Instant.now() + " pod " + podName + " (attempt " + (podIndex + 1) + "): "
          + String.join(" ", argv) + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
      ProcessBuilder pb = new ProcessBuilder(argv).directory(work.toFile()).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
      Map<String, String> env = pb.environment();
      env.put("HOSTNAME", podName);
      env.put("JOBFLOW_POD_NAME", podName);
      env.put("JOBFLOW_POD_NAMESPACE", ns);
      env.put(TERMINATION_LOG, terminationLog.toString());
      if (c.getEnv() != null) {
        for (EnvVar e : c.getEnv()) {
          String value = valueOf(e, podName, ns);
          if (value != null) {
            env.put(e.getName(), value);
          }
        }
      }
      process = pb.start();
    } catch (IOException e) {
      result.complete(Outcome.podFailed(128, "cannot start " + argv.get(0) + " for Job " + ns + "/" + name + ": "
          + e.getMessage()));
      return finished(result);
    }
    process.onExit().thenAccept(p -> {
      int code = p.exitValue();
      Outcome o = code == 0 ? Outcome.succeeded()
          : Outcome.podFailed(code, "container " + c.getName() + " exited with code " + code);
      result.complete(o.withTerminationMessage(terminationMessage(terminationLog)));
    });
    return Attempt.of(result, () -> kill(process));
  }

  /** What the process wrote to its termination log, cut at 4 KiB as the kubelet does; null when nothing. */
  static String terminationMessage(Path file) {
    try {
      if (!Files.exists(file)) {
        return null;
      }
      byte[] bytes = Files.readAllBytes(file);
      int n = Math.min(bytes.length, MAX_TERMINATION_MESSAGE);
      return n == 0 ? null : new String(bytes, 0, n, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return null;
    }
  }

  /** Stops the process and its children (a {@code sh -c} spawns them): TERM, then KILL after 2s. */
  static void kill(Process process) {
    if (!process.isAlive()) {
      return;
    }
    List<ProcessHandle> tree = new ArrayList<>(process.descendants().toList());
    tree.forEach(ProcessHandle::destroy);
    process.destroy();
    try {
      if (!process.waitFor(2, TimeUnit.SECONDS)) {
        tree.forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }

  private static String valueOf(EnvVar e, String pod, String ns) {
    if (e.getValue() != null) {
      return e.getValue();
    }
    if (e.getValueFrom() != null && e.getValueFrom().getFieldRef() != null) {
      return switch (e.getValueFrom().getFieldRef().getFieldPath()) {
        case "metadata.name" -> pod;
        case "metadata.namespace" -> ns;
        default -> null;
      };
    }
    return null;
  }

  private static Attempt finished(CompletableFuture<Outcome> result) {
    return new Attempt() {
      @Override
      public CompletableFuture<Outcome> outcome() {
        return result;
      }

      @Override
      public void kill() {}
    };
  }
}
