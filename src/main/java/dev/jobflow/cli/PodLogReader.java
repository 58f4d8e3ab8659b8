package dev.jobflow.cli;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.LogWatch;
import io.fabric8.kubernetes.client.dsl.PodResource;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * Follows one pod's log to its end. The stream ({@code follow=true}) may end before the pod does (a cut
 * connection, or a server such as the emulator that answers with the log so far): it is then read again
 * from its start, skipping what was already shown. Only whole lines are shown until the pod has ended.
 */
final class PodLogReader {
  private static final long REOPEN_MILLIS = 500;

  private final PodResource pod;
  private final Consumer<String> lines;
  /** Characters of the log already shown (whole lines, but for the very end). */
  private long shown;

  PodLogReader(KubernetesClient client, String namespace, String pod, Consumer<String> lines) {
    this.pod = client.pods().inNamespace(namespace).withName(pod);
    this.lines = lines;
  }

  /** Returns once the pod has ended (or is gone) and all its log is shown. */
  void follow() {
    while (!Thread.currentThread().isInterrupted()) {
      Pod now = pod.get();
      if (now == null) {
        return;
      }
      if (isEnded(now)) {
        try {
          Pass pass = new Pass();
          pass.add(pod.getLog());
          pass.finish();
        } catch (KubernetesClientException e) {
          // Ended without a readable log (removed, or a kubelet that kept none): nothing more to show.
        }
        return;
      }
      if (isRunning(now)) {
        stream();
      }
      sleep();
    }
  }

  private void stream() {
    Pass pass = new Pass();
    try (LogWatch watch = pod.watchLog(); Reader in = new InputStreamReader(watch.getOutput(), StandardCharsets.UTF_8)) {
      char[] buffer = new char[8192];
      for (int n; (n = in.read(buffer)) >= 0; ) {
        pass.add(new String(buffer, 0, n));
      }
    } catch (IOException | KubernetesClientException e) {
      // The container may not be up yet, or the connection was cut: look at the pod again, then read again.
    }
  }

  /** One read of the log from its first character. */
  private final class Pass {
    private long position;
    private final StringBuilder pending = new StringBuilder();

    void add(String chunk) {
      if (chunk == null) {
        return;
      }
      int skip = (int) Math.max(0, Math.min(chunk.length(), shown - position));
      position += chunk.length();
      pending.append(chunk, skip, chunk.length());
      int end = pending.lastIndexOf("\n");
      if (end >= 0) {
        for (String line : pending.substring(0, end).split("\n", -1)) {
          lines.accept(line);
        }
        shown += end + 1;
        pending.delete(0, end + 1);
      }
    }

    /** The log is complete: a last line without its newline is shown too. */
    void finish() {
      if (pending.length() > 0) {
        lines.accept(pending.toString());
        shown += pending.length();
        pending.setLength(0);
      }
    }
  }

  private static boolean isEnded(Pod pod) {
    String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
    return "Succeeded".equals(phase) || "Failed".equals(phase) || pod.getMetadata().getDeletionTimestamp() != null;
  }

  private static boolean isRunning(Pod pod) {
    return pod.getStatus() != null && "Running".equals(pod.getStatus().getPhase());
  }

  private static void sleep() {
    try {
      Thread.sleep(REOPEN_MILLIS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
