package dev.jobflow.flow;

import dev.jobflow.api.MutableSpecFields;
import dev.jobflow.dag.DagState;
import dev.jobflow.flow.FlowEvent.EventMeta;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What a newer generation of a running flow's spec changes. Only the {@link MutableSpecFields} may change once a
 * flow has started, each recorded as its own event; other changes are recorded as ignored (the admission webhook
 * should have refused them), so the audit trail shows they were seen.
 */
final class SpecChanges {
  private SpecChanges() {}

  static List<FlowEvent> between(FlowState state, FlowDefinition next, EventMeta meta) {
    DagState dag = state.dag();
    long gen = next.generation();
    List<FlowEvent> events = new ArrayList<>();
    if (next.suspend() != dag.isSuspended()) {
      events.add(next.suspend() ? new FlowEvent.FlowSuspended(meta, gen) : new FlowEvent.FlowResumed(meta, gen));
    }
    if (!Objects.equals(next.parallelism(), dag.parallelism())) {
      events.add(new FlowEvent.FlowParallelismChanged(meta, gen, next.parallelism()));
    }
    if (next.shutdown() != null && next.shutdown() != dag.shutdown()) {
      events.add(new FlowEvent.FlowShutdownRequested(meta, gen, next.shutdown()));
    }
    List<String> ignored = ignoredChanges(state.definition(), next);
    if (events.isEmpty() || !ignored.isEmpty()) {
      events.add(new FlowEvent.FlowGenerationObserved(meta, gen, ignored.isEmpty() ? null
          : "ignored changes to " + String.join(", ", ignored) + ": only " + MutableSpecFields.paths()
          + " may change once a flow has started"));
    }
    return events;
  }

  private static List<String> ignoredChanges(FlowDefinition was, FlowDefinition now) {
    List<String> fields = new ArrayList<>();
    if (!was.steps().equals(now.steps())) {
      fields.add("spec.steps");
    }
    if (!was.finallySteps().equals(now.finallySteps())) {
      fields.add("spec.finally");
    }
    if (!was.parameters().equals(now.parameters())) {
      fields.add("spec.parameters");
    }
    if (!Objects.equals(was.timeout(), now.timeout())) {
      fields.add("spec.timeout");
    }
    if (was.failurePolicy() != now.failurePolicy()) {
      fields.add("spec.failurePolicy");
    }
    if (was.effectivePriority() != now.effectivePriority()) {
      fields.add("spec.priority");
    }
    if (!Objects.equals(was.synchronization(), now.synchronization())) {
      fields.add("spec.synchronization");
    }
    return fields;
  }
}
