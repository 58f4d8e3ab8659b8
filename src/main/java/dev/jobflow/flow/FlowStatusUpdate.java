package dev.jobflow.flow;

import java.util.List;

/**
 * A change of a flow's status.
 *
 * @param steps the steps that changed, or every step when {@code complete}
 * @param complete true when {@code steps} holds every step (after recovery, on {@link FlowCommand.GetStatus})
 */
public record FlowStatusUpdate(FlowId flow, FlowSummary summary, List<StepView> steps, boolean complete)
    implements JsonSerializable {}
