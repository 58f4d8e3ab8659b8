package dev.jobflow.audit;

import dev.jobflow.flow.FlowEvent;
import dev.jobflow.flow.FlowId;
import java.lang.reflect.RecordComponent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * One event of a flow's history as auditors read it (CLI, HTTP API, docs/audit.md).
 *
 * @param namespace null when the flow's first event is missing from the journal
 * @param sequenceNr the event's position in its flow's journal, from 1
 * @param at when it happened (the controller's clock)
 * @param type the event type, e.g. {@code StepSucceeded}
 * @param attempt the attempt of the step, from 1; null for events about no attempt
 * @param job the Job of that attempt, {@code jobUid} its uid once known
 * @param detail the event's other fields, {@code name=value} separated by spaces (e.g. {@code nextAttempt=2})
 * @param writer the controller instance that wrote the event
 */
public record TimelineEntry(String namespace, String name, String uid, long sequenceNr, Instant at, String type,
                            String step, Integer attempt, String job, String jobUid, String reason, String message,
                            String detail, String writer) {
  private static final Set<String> SHOWN = Set.of("meta", "step", "attempt", "job", "jobUid", "reason", "message",
      "definition");

  static TimelineEntry of(FlowId flow, long sequenceNr, FlowEvent event) {
    Integer attempt = null;
    String job = null;
    String jobUid = null;
    List<String> detail = new ArrayList<>();
    if (event instanceof FlowEvent.FlowAccepted accepted) {
      var def = accepted.definition();
      detail.add("generation=" + def.generation());
      detail.add("steps=" + String.join(",", def.steps().stream().map(s -> s.name()).toList()));
      if (!def.finallySteps().isEmpty()) {
        detail.add("finally=" + String.join(",", def.finallySteps().stream().map(s -> s.name()).toList()));
      }
      if (def.template() != null) {
        // Which template, and which version of it, the steps came from.
        detail.add("template=" + def.template().name() + (def.template().found()
            ? " templateUid=" + def.template().uid() + " templateResourceVersion=" + def.template().resourceVersion()
            : " (not found)"));
      }
    }
    // Generic over the record's fields, so event types added later show up without a change here.
    for (RecordComponent c : event.getClass().getRecordComponents()) {
      Object value = read(c, event);
      switch (c.getName()) {
        case "attempt" -> attempt = (Integer) value;
        case "job" -> job = (String) value;
        case "jobUid" -> jobUid = (String) value;
        default -> {
          if (!SHOWN.contains(c.getName()) && value != null) {
            detail.add(c.getName() + "=" + value);
          }
        }
      }
    }
    return new TimelineEntry(flow.namespace(), flow.name(), flow.uid(), sequenceNr, event.meta().at(),
        event.getClass().getSimpleName(), event.step(), attempt, job, jobUid, event.reason(), event.message(),
        detail.isEmpty() ? null : String.join(" ", detail), event.meta().writer());
  }

  private static Object read(RecordComponent c, FlowEvent event) {
    try {
      return c.getAccessor().invoke(event);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot read " + event.getClass().getSimpleName() + "." + c.getName(), e);
    }
  }
}
