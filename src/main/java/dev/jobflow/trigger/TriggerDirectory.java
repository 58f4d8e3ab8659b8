package dev.jobflow.trigger;

import java.util.Optional;

/** The JobFlowTriggers the controller knows (its informer's cache), by namespace and name. */
public interface TriggerDirectory {
  Optional<TriggerDefinition> find(String namespace, String name);
}
