package dev.jobflow.status;

import dev.jobflow.api.FanOutStatus;
import dev.jobflow.api.FlowPhase;
import dev.jobflow.api.JobFlowStatus;
import dev.jobflow.api.StepPhase;
import dev.jobflow.api.StepStatus;
import dev.jobflow.dag.InstanceCounts;
import dev.jobflow.dag.Reasons;
import dev.jobflow.flow.FlowStatusUpdate;
import dev.jobflow.flow.FlowSummary;
import dev.jobflow.flow.StepView;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns the engine's status updates (which may carry only the steps that changed) into the JobFlow's
 * status subresource. For flows of more than {@code fullListLimit} steps the status keeps the counts and
 * only the steps that have not succeeded, at most {@link #LISTED_LIMIT} of them (the most telling first: failed,
 * running, retrying, cancelled, skipped, pending), so it stays small whatever the flow's size and however it ended:
 * a 100,000-step flow whose steps all failed lists 100 of them and counts the others in {@code stepsOmitted}.
 */
public final class FlowStatusProjection {
  /** Steps a large flow's status lists at most: about 300 bytes each, well within etcd's object limit. */
  public static final int LISTED_LIMIT = 100;
  /** Which steps of a large flow are listed first. */
  private static final List<StepPhase> LISTED_ORDER = List.of(StepPhase.Failed, StepPhase.Running, StepPhase.Retrying,
      StepPhase.Cancelled, StepPhase.Skipped, StepPhase.Pending);

  /** The condition of a flow whose journal lost part of its history (restored from an older backup, or lost). */
  public static final String HISTORY_LOST = "HistoryLost";

  private final int fullListLimit;
  private final Map<String, StepView> steps = new LinkedHashMap<>();
  // Kept as updates arrive, so a render reads at most LISTED_LIMIT steps, not all of them: a 100,000-instance
  // fan-out renders once per update, and scanning every step each time made the controller quadratic in the steps.
  /** The steps not Succeeded, by phase, each in the order it entered that phase. */
  private final Map<StepPhase, LinkedHashMap<String, StepView>> notSucceeded = new java.util.EnumMap<>(StepPhase.class);
  /** Steps waiting for an approval now. */
  private final Map<String, StepView> waitingForApproval = new LinkedHashMap<>();
  /** Steps that are, or were, approval steps that waited (they carry the approval condition). */
  private final java.util.Set<String> approvalSteps = new java.util.HashSet<>();
  private final Map<String, Condition> conditions = new HashMap<>();
  /** How an approval step ends: a step with one of these reasons was an approval step that waited. */
  private static final java.util.Set<String> DECIDED = java.util.Set.of(Reasons.APPROVED, Reasons.REJECTED,
      Reasons.APPROVAL_TIMED_OUT);

  public FlowStatusProjection(int fullListLimit) {
    this.fullListLimit = fullListLimit;
  }

  /** The summary of the last update folded in. */
  private FlowSummary latestSummary;

  /** Folds an update in and returns the status to write. */
  public synchronized JobFlowStatus apply(FlowStatusUpdate update) {
    fold(update);
    return render();
  }

  /**
   * Folds an update in without rendering: the status writer renders once per write ({@link #render()}), and a
   * flow's updates come a persist at a time, several per write.
   */
  public synchronized void fold(FlowStatusUpdate update) {
    latestSummary = update.summary();
    if (update.complete()) {
      steps.clear();
      notSucceeded.clear();
      waitingForApproval.clear();
      approvalSteps.clear();
    }
    for (StepView step : update.steps()) {
      put(step);
    }
  }

  /** The status to write after the updates folded in so far. */
  public synchronized JobFlowStatus render() {
    return render(latestSummary);
  }

  private void put(StepView view) {
    String name = view.name();
    StepView old = steps.put(name, view);
    if (old != null && old.phase() != view.phase() && notSucceeded.containsKey(old.phase())) {
      notSucceeded.get(old.phase()).remove(name);
    }
    if (view.phase() != StepPhase.Succeeded) {
      notSucceeded.computeIfAbsent(view.phase(), p -> new LinkedHashMap<>()).put(name, view);
    }
    if (view.waitingForApproval()) {
      waitingForApproval.put(name, view);
    } else {
      waitingForApproval.remove(name);
    }
    if (view.waitingForApproval() || (view.reason() != null && DECIDED.contains(view.reason()))) {
      approvalSteps.add(name);
    } else {
      approvalSteps.remove(name);
    }
  }

  private JobFlowStatus render(FlowSummary summary) {
    JobFlowStatus status = new JobFlowStatus();
    status.setPhase(summary.phase());
    status.setObservedGeneration(summary.observedGeneration());
    status.setProgress(summary.progress());
    status.setMessage(summary.message());
    status.setStartedAt(time(summary.startedAt()));
    status.setFinishedAt(time(summary.finishedAt()));
    Map<String, Integer> counts = new LinkedHashMap<>();
    summary.stepCounts().forEach((phase, n) -> {
      if (n > 0) {
        counts.put(phase.name(), n);
      }
    });
    status.setStepCounts(counts);
    status.setFanOut(fanOut(summary));
    boolean bounded = summary.totalSteps() > fullListLimit;
    Map<String, StepStatus> out = new LinkedHashMap<>();
    List<StepView> waiting = summary.phase().isFinished() ? List.of() : List.copyOf(waitingForApproval.values());
    boolean approvalRequested = !approvalSteps.isEmpty();
    if (bounded) {
      int omitted = listTelling(out);
      status.setStepsOmitted(omitted == 0 ? null : omitted);
    } else {
      steps.values().forEach(view -> out.put(view.name(), step(view)));
    }
    status.setSteps(out);
    status.setWaitingForApproval(waiting.isEmpty() ? null
        : String.join(",", waiting.stream().map(StepView::name).toList()));
    if (summary.lastRetry() != null) {
      status.setRetries(summary.retries());
      status.setLastRetry(retry(summary.lastRetry()));
    }
    List<Condition> conditions = conditions(summary);
    if (summary.historyLost() != null) { // only flows whose journal lost history carry it: True for good
      var lost = summary.historyLost();
      conditions.add(condition(HISTORY_LOST, true, lost.reason(), lost.message(), summary.observedGeneration()));
    }
    if (approvalRequested) { // only flows that asked for an approval carry the condition
      conditions.add(waitingForApproval(waiting, summary.observedGeneration()));
    }
    status.setConditions(conditions);
    return status;
  }

  /**
   * The steps not Succeeded, at most {@link #LISTED_LIMIT}, in the order of {@link #LISTED_ORDER} and then in the
   * order each entered its phase; reads no more steps than it lists. Returns how many were left out.
   */
  private int listTelling(Map<String, StepStatus> out) {
    int total = 0;
    for (Map<String, StepView> bucket : notSucceeded.values()) {
      total += bucket.size();
    }
    for (StepPhase phase : LISTED_ORDER) {
      for (StepView view : notSucceeded.getOrDefault(phase, new LinkedHashMap<>()).values()) {
        if (out.size() == LISTED_LIMIT) {
          return total - out.size();
        }
        out.put(view.name(), step(view));
      }
    }
    return total - out.size();
  }

  /**
   * The instance counts of each fan-out step, from the engine's counters (kept as facts are applied, so they are
   * right whatever the steps listed); at most {@link #LISTED_LIMIT} steps, null when the flow has none expanded.
   */
  private static Map<String, FanOutStatus> fanOut(FlowSummary summary) {
    if (summary.instances().isEmpty()) {
      return null;
    }
    Map<String, FanOutStatus> out = new LinkedHashMap<>();
    for (InstanceCounts c : summary.instances()) {
      if (out.size() == LISTED_LIMIT) {
        break;
      }
      out.put(c.step(), new FanOutStatus(c.total(), c.pending(), c.running(), c.retrying(), c.succeeded(), c.failed(),
          c.skipped(), c.cancelled()));
    }
    return out;
  }

  private static dev.jobflow.api.RetryStatus retry(dev.jobflow.flow.FlowEvent.FlowRetried e) {
    dev.jobflow.api.RetryStatus r = new dev.jobflow.api.RetryStatus();
    r.setRequest(e.request());
    r.setStep(e.fromStep());
    r.setRequestedBy(e.requestedBy());
    r.setRequestedAt(time(e.requestedAt()));
    r.setRetriedAt(time(e.meta().at()));
    r.setSteps(e.steps().size());
    return r;
  }

  private static StepStatus step(StepView view) {
    StepStatus s = new StepStatus();
    s.setPhase(view.phase());
    s.setAttempts(view.attempts());
    s.setJob(view.job());
    s.setStartedAt(time(view.startedAt()));
    s.setFinishedAt(time(view.finishedAt()));
    s.setNextAttemptAt(time(view.nextAttemptAt()));
    s.setReason(view.reason());
    s.setMessage(view.message());
    s.setOutputs(view.outputs() == null || view.outputs().isEmpty() ? null : view.outputs());
    s.setExitCode(view.exitCode());
    return s;
  }

  private List<Condition> conditions(FlowSummary summary) {
    FlowPhase phase = summary.phase();
    String reason = summary.reason() == null ? phase.name() : summary.reason();
    String message = summary.message() == null ? "" : summary.message();
    List<Condition> out = new ArrayList<>();
    long generation = summary.observedGeneration();
    out.add(condition("Ready", phase == FlowPhase.Succeeded, reason, message, generation));
    out.add(condition("Progressing", !phase.isFinished() && phase != FlowPhase.Suspended,
        phase == FlowPhase.Suspended ? "Suspended" : reason, message, generation));
    out.add(condition("Failed", phase == FlowPhase.Failed, reason, message, generation));
    return out;
  }

  /** True while an approval step waits for a decision: which, and what it asks. */
  private Condition waitingForApproval(List<StepView> waiting, long generation) {
    if (waiting.isEmpty()) {
      return condition("WaitingForApproval", false, "NoApprovalPending", "no approval step waits for a decision",
          generation);
    }
    String message = String.join("; ", waiting.stream().map(v -> "step " + v.name() + ": " + v.message()).toList());
    return condition("WaitingForApproval", true, "ApprovalRequested", message, generation);
  }

  /** Keeps lastTransitionTime unless the condition's status really changed, as Kubernetes conventions ask. */
  private Condition condition(String type, boolean isTrue, String reason, String message, long generation) {
    String status = isTrue ? "True" : "False";
    Condition previous = conditions.get(type);
    String since = previous != null && previous.getStatus().equals(status)
        ? previous.getLastTransitionTime() : Instant.now().toString();
    Condition c = new ConditionBuilder().withType(type).withStatus(status).withReason(reason)
        .withMessage(message).withLastTransitionTime(since).withObservedGeneration(generation).build();
    conditions.put(type, c);
    return c;
  }

  private static String time(Instant at) {
    return at == null ? null : at.toString();
  }
}
