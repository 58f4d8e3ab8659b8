package dev.jobflow.emulator;

import java.nio.file.Path;
import java.util.List;

/**
 * How to start an {@link Emulator}.
 *
 * @param host the loopback address to bind
 * @param port 0 for an ephemeral port (tests), 6443 for {@code jobflow emulator}
 * @param executor what runs the Jobs: {@code NONE} leaves them alone (a test drives their status)
 * @param dataDir where the process executor keeps working directories ({@code work/}) and logs ({@code logs/})
 * @param createPods whether Jobs get a Pod per attempt (what {@code kubectl get pods} shows)
 * @param webhooks admission webhooks called on JobFlow create/update
 * @param watchHistory how many changes a watch may resume from before it gets 410 Gone
 * @param watchHistoryBytes how much JSON (the states before and after) those changes may hold together: a
 *     flow's status can be 100 KiB, and 10,000 of them in a heap of 1 GiB would not fit
 */
public record EmulatorOptions(String host, int port, ExecutorKind executor, Path dataDir, boolean createPods,
                              List<WebhookTarget> webhooks, int watchHistory, long watchHistoryBytes) {

  public enum ExecutorKind { NONE, SIMULATE, PROCESS }

  public EmulatorOptions {
    webhooks = List.copyOf(webhooks);
  }

  public static EmulatorOptions defaults() {
    return new EmulatorOptions("127.0.0.1", 0, ExecutorKind.SIMULATE, Path.of("data"), true, List.of(), 10_000,
        32L << 20);
  }

  public EmulatorOptions withPort(int port) {
    return new EmulatorOptions(host, port, executor, dataDir, createPods, webhooks, watchHistory, watchHistoryBytes);
  }

  public EmulatorOptions withExecutor(ExecutorKind executor) {
    return new EmulatorOptions(host, port, executor, dataDir, createPods, webhooks, watchHistory, watchHistoryBytes);
  }

  public EmulatorOptions withDataDir(Path dataDir) {
    return new EmulatorOptions(host, port, executor, dataDir, createPods, webhooks, watchHistory, watchHistoryBytes);
  }

  public EmulatorOptions withCreatePods(boolean createPods) {
    return new EmulatorOptions(host, port, executor, dataDir, createPods, webhooks, watchHistory, watchHistoryBytes);
  }

  public EmulatorOptions withWebhooks(List<WebhookTarget> webhooks) {
    return new EmulatorOptions(host, port, executor, dataDir, createPods, webhooks, watchHistory, watchHistoryBytes);
  }

  public EmulatorOptions withWatchHistory(int watchHistory) {
    return new EmulatorOptions(host, port, executor, dataDir, createPods, webhooks, watchHistory, watchHistoryBytes);
  }

  public EmulatorOptions withWatchHistoryBytes(long watchHistoryBytes) {
    return new EmulatorOptions(host, port, executor, dataDir, createPods, webhooks, watchHistory, watchHistoryBytes);
  }
}
