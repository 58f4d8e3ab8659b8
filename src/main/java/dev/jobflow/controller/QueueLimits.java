package dev.jobflow.controller;

import com.typesafe.config.Config;

/**
 * How many flows may run at once ({@code jobflow.queue}): over the whole controller and per namespace, 0 for no
 * limit. A flow held back waits in the limit's queue (higher {@code spec.priority} first, then the older flow) and
 * shows phase Pending, reason WaitingForLock.
 */
record QueueLimits(int total, int perNamespace) {
  QueueLimits {
    if (total < 0 || perNamespace < 0) {
      throw new IllegalArgumentException("jobflow.queue.max-running-flows and max-running-flows-per-namespace are 0 "
          + "(no limit) or more, were " + total + " and " + perNamespace);
    }
  }

  static QueueLimits fromConfig(Config root) {
    return new QueueLimits(intOr(root, "jobflow.queue.max-running-flows"),
        intOr(root, "jobflow.queue.max-running-flows-per-namespace"));
  }

  private static int intOr(Config root, String path) {
    return root.hasPath(path) ? root.getInt(path) : 0;
  }
}
