package dev.jobflow.validation;

import dev.jobflow.api.JobFlowSpec;
import dev.jobflow.api.Synchronization;
import java.util.List;

/**
 * {@code spec.synchronization} names exactly one lock, by a name a ConfigMap key could have (a semaphore's size is
 * one); {@code spec.priority} is any 32-bit integer, so it needs no rule beyond its type.
 */
final class SynchronizationRules {
  private SynchronizationRules() {}

  static void check(JobFlowSpec spec, List<Problem> problems) {
    Synchronization sync = spec.getSynchronization();
    if (sync == null) {
      return;
    }
    String problem = Synchronization.problem(sync);
    if (problem == null) {
      return;
    }
    boolean both = sync.getMutex() != null && sync.getSemaphore() != null;
    String field = both || sync.getMutex() == null && sync.getSemaphore() == null ? ""
        : sync.getMutex() != null ? ".mutex" : ".semaphore";
    String message = field.isEmpty() ? problem : problem.substring(problem.indexOf(':') + 2);
    problems.add(new Problem("spec.synchronization" + field, message));
  }
}
