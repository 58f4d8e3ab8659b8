package dev.jobflow.dag;

import dev.jobflow.api.FailurePolicy;
import dev.jobflow.api.FlowPhase;
import dev.jobflow.api.ShutdownPolicy;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** An immutable copy of a {@link DagState}: what a snapshot stores. Steps are in graph order. */
public record DagSnapshot(List<StepProgress> steps, Integer parallelism, FailurePolicy failurePolicy,
                          Duration timeout, boolean suspended, ShutdownPolicy shutdown, Instant flowStartedAt,
                          Instant timedOutAt, boolean timedOutDuringFinally, FlowPhase outcome,
                          String outcomeReason, String outcomeMessage, Instant flowFinishedAt) {}
