package dev.jobflow.dag;

import dev.jobflow.api.FailurePolicy;
import dev.jobflow.api.FlowPhase;
import dev.jobflow.api.ShutdownPolicy;
import dev.jobflow.api.StepPhase;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.TreeSet;

/**
 * The progress of one flow: every step's phase and the flow's controls, with the indexes the
 * {@link Scheduler} needs (ready set, unmet-dependency counts, retry and deadline queues) kept up to date
 * as facts are applied, so that each decision costs what it decides, not the size of the flow.
 *
 * <p>Mutable, on purpose: copying 10,000 steps per event would make a large flow quadratic. Only the
 * owning actor touches it; {@link #snapshot()} gives an immutable copy for snapshots and observers.
 * Every {@code on*} method applies a fact that has already been recorded; none decides anything.
 */
public final class DagState {
  /** A time-ordered entry of the retry and deadline queues. */
  record Due(Instant at, int step) implements Comparable<Due> {
    @Override
    public int compareTo(Due o) {
      int c = at.compareTo(o.at);
      return c != 0 ? c : Integer.compare(step, o.step);
    }
  }

  /**
   * The instances of one expanded fan-out step (graph indices {@code first .. first+size-1}) and how they stand, so
   * that the step's parallelism, its end and its fan-in operands cost nothing per decision.
   */
  static final class Group {
    final int first;
    final List<String> items;
    /** Instances whose dependencies (none) and condition are met, waiting for a slot. */
    final TreeSet<Integer> ready = new TreeSet<>();
    int running;
    int retrying;
    int settled;
    int succeeded;
    int failed;
    int cancelled;
    int skippedByWhen;
    int skipped;
    String skipReason;

    Group(int first, List<String> items) {
      this.first = first;
      this.items = items;
    }

    int size() {
      return items.size();
    }
  }

  final FlowGraph graph;
  // Not final: a fan-out step's expansion appends its instances to the graph, and these grow with it.
  StepPhase[] phase;
  int[] attempts;
  /** Attempts of earlier rounds (before the latest retry of the flow): the retry budget counts from here. */
  int[] retryBase;
  Instant[] startedAt;
  Instant[] attemptStartedAt;
  Instant[] finishedAt;
  Instant[] nextAttemptAt;
  String[] reason;
  String[] message;
  String[] jobUid;
  /** What each step's Job wrote to its termination message (null: not read). */
  Map<String, String>[] outputs;
  /** Exit code of each step's last container run, null when not known. */
  Integer[] exitCode;
  /** Whether a Pending step's condition was evaluated true (it is ready, its condition is never asked again). */
  boolean[] conditionMet;
  /** Upstream steps of each step that have not finished yet. */
  int[] unsettledDeps;
  final int[] phaseCounts = new int[StepPhase.values().length];

  /**
   * Pending steps whose dependencies are met, and condition too (finally steps once the DAG has settled); and each
   * expanded fan-out step while it has ready instances (they wait in its {@link Group#ready}).
   */
  final TreeSet<Integer> ready = new TreeSet<>();
  /** Pending fan-out steps whose dependencies are met: their list is to be fixed. */
  final TreeSet<Integer> toExpand = new TreeSet<>();
  /** Expanded fan-out steps by index, in spec order. */
  final Map<Integer, Group> groups = new java.util.TreeMap<>();
  /** Pending steps whose dependencies are met and whose condition is to be evaluated. */
  final TreeSet<Integer> toEvaluate = new TreeSet<>();
  /** Pending DAG steps whose dependencies can no longer be met (a dependency did not succeed, or depends is false). */
  final TreeSet<Integer> doomed = new TreeSet<>();
  final TreeSet<Integer> running = new TreeSet<>();
  final NavigableSet<Due> retries = new TreeSet<>();
  final NavigableSet<Due> deadlines = new TreeSet<>();
  int unfinishedDag;
  int unfinishedFinally;
  /** Pending or Retrying steps, per part. */
  int idleDag;
  int idleFinally;
  private boolean finallyReleased;
  int firstFailedStep = -1;
  int firstFailedFinally = -1;
  /** Steps that failed with continueOn.failed: they neither fail the flow nor block their dependents. */
  int toleratedFailures;

  Integer parallelism;
  FailurePolicy failurePolicy = FailurePolicy.FailFast;
  Duration timeout;
  boolean suspended;
  ShutdownPolicy shutdown;
  Instant flowStartedAt;
  /** When the latest retry of the whole flow began (its deadline counts from here), null before any. */
  Instant retriedAt;
  Instant timedOutAt;
  boolean timedOutDuringFinally;
  FlowPhase outcome;
  String outcomeReason;
  String outcomeMessage;
  Instant flowFinishedAt;

  @SuppressWarnings("unchecked")
  public DagState(FlowGraph graph) {
    this.graph = graph;
    int n = graph.size();
    phase = new StepPhase[n];
    attempts = new int[n];
    retryBase = new int[n];
    startedAt = new Instant[n];
    attemptStartedAt = new Instant[n];
    finishedAt = new Instant[n];
    nextAttemptAt = new Instant[n];
    reason = new String[n];
    message = new String[n];
    jobUid = new String[n];
    outputs = new Map[n];
    exitCode = new Integer[n];
    conditionMet = new boolean[n];
    unsettledDeps = new int[n];
    for (GraphStep s : graph.steps()) {
      phase[s.index()] = StepPhase.Pending;
      unsettledDeps[s.index()] = s.dependsOn().length;
      if (!s.isFinally() && s.dependsOn().length == 0) {
        ripe(s.index());
      }
    }
    phaseCounts[StepPhase.Pending.ordinal()] = n;
    unfinishedDag = idleDag = graph.dagSize();
    unfinishedFinally = idleFinally = n - graph.dagSize();
    if (unfinishedDag == 0) {
      dagSettled();
    }
  }

  // ---- facts -------------------------------------------------------------------------------------

  /** The flow started at {@code at} with these controls. */
  public void onFlowStarted(Instant at, Integer parallelism, FailurePolicy failurePolicy, Duration timeout,
                            boolean suspended, ShutdownPolicy shutdown) {
    this.flowStartedAt = at;
    this.parallelism = parallelism;
    this.failurePolicy = failurePolicy == null ? FailurePolicy.FailFast : failurePolicy;
    this.timeout = timeout;
    this.suspended = suspended;
    this.shutdown = shutdown;
  }

  public void onSuspended(boolean suspended) {
    this.suspended = suspended;
  }

  public void onParallelismChanged(Integer parallelism) {
    this.parallelism = parallelism;
  }

  public void onShutdownRequested(ShutdownPolicy policy) {
    shutdown = ShutdownPolicy.after(shutdown, policy);
  }

  public void onFlowTimedOut(Instant at) {
    timedOutAt = at;
    timedOutDuringFinally = unfinishedDag == 0;
  }

  public void onAttemptStarted(int step, int attempt, Instant at) {
    if (phase[step] == StepPhase.Retrying) {
      retries.remove(new Due(nextAttemptAt[step], step));
      countRetrying(step, -1);
    }
    unready(step);
    // A restore replays the dependencies first, which queues the step's condition again: it was met already.
    toEvaluate.remove(step);
    setPhase(step, StepPhase.Running);
    idle(step, -1);
    if (graph.step(step).isInstance()) {
      groups.get(graph.step(step).parent()).running++;
    }
    attempts[step] = attempt;
    if (startedAt[step] == null) {
      startedAt[step] = at;
    }
    attemptStartedAt[step] = at;
    nextAttemptAt[step] = null;
    jobUid[step] = null;
    reason[step] = null;
    message[step] = null;
    running.add(step);
    Duration t = graph.step(step).timeout();
    if (t != null) {
      deadlines.add(new Due(at.plus(t), step));
    }
  }

  public void onJobKnown(int step, String uid) {
    jobUid[step] = uid;
  }

  public void onSucceeded(int step, Instant at, String why, String detail) {
    onSucceeded(step, at, why, detail, null);
  }

  /** The attempt succeeded; its Job wrote {@code stepOutputs} (null when they were not read). */
  public void onSucceeded(int step, Instant at, String why, String detail, Map<String, String> stepOutputs) {
    stopRunning(step);
    outputs[step] = stepOutputs == null ? null : Map.copyOf(stepOutputs);
    exitCode[step] = stepOutputs == null ? null : 0;
    finish(step, StepPhase.Succeeded, at, why, detail);
  }

  /** The step's condition was evaluated true: it is ready to start. */
  public void onConditionMet(int step) {
    if (toEvaluate.remove(step)) {
      conditionMet[step] = true;
      markReady(step);
    }
  }

  /**
   * Fan-out step {@code step}'s list was fixed: it runs (it has no attempt of its own) until its instances, appended
   * to the graph one per item, have all ended. An empty list ends it at once ({@code NoItems}).
   */
  public void onExpanded(int step, List<String> items, Instant at) {
    toExpand.remove(step);
    setPhase(step, StepPhase.Running);
    idle(step, -1);
    startedAt[step] = at;
    int first = graph.appendInstances(step, items);
    grow(graph.size());
    Group group = new Group(first, List.copyOf(items));
    groups.put(step, group);
    for (int i = first; i < graph.size(); i++) {
      phase[i] = StepPhase.Pending;
      phaseCounts[StepPhase.Pending.ordinal()]++;
      unfinishedDag++;
      idleDag++;
      ripe(i);
    }
    if (items.isEmpty()) {
      finish(step, StepPhase.Succeeded, at, Reasons.NO_ITEMS, "no items: nothing to run");
    }
  }

  private void grow(int n) {
    phase = Arrays.copyOf(phase, n);
    attempts = Arrays.copyOf(attempts, n);
    retryBase = Arrays.copyOf(retryBase, n);
    startedAt = Arrays.copyOf(startedAt, n);
    attemptStartedAt = Arrays.copyOf(attemptStartedAt, n);
    finishedAt = Arrays.copyOf(finishedAt, n);
    nextAttemptAt = Arrays.copyOf(nextAttemptAt, n);
    reason = Arrays.copyOf(reason, n);
    message = Arrays.copyOf(message, n);
    jobUid = Arrays.copyOf(jobUid, n);
    outputs = Arrays.copyOf(outputs, n);
    exitCode = Arrays.copyOf(exitCode, n);
    conditionMet = Arrays.copyOf(conditionMet, n);
    unsettledDeps = Arrays.copyOf(unsettledDeps, n);
  }

  /** The attempt failed; the next one starts at {@code retryAt}. */
  public void onRetryScheduled(int step, Instant retryAt, String why, String detail) {
    stopRunning(step);
    setPhase(step, StepPhase.Retrying);
    countRetrying(step, +1);
    idle(step, +1);
    nextAttemptAt[step] = retryAt;
    reason[step] = why;
    message[step] = detail;
    retries.add(new Due(retryAt, step));
  }

  public void onFailed(int step, Instant at, String why, String detail) {
    onFailed(step, at, why, detail, null);
  }

  /** The step failed for good; its last container exited with {@code code} (null when not known). */
  public void onFailed(int step, Instant at, String why, String detail, Integer code) {
    if (phase[step] == StepPhase.Running) {
      stopRunning(step);
    } else if (phase[step] == StepPhase.Retrying) {
      stopWaitingForRetry(step);
    } else if (phase[step] == StepPhase.Pending) {
      // Its condition (or its list of items) could not be evaluated: it never started.
      unready(step);
      toEvaluate.remove(step);
      toExpand.remove(step);
      doomed.remove(step);
      idle(step, -1);
    }
    exitCode[step] = code;
    if (graph.step(step).continuesOnFailure()) {
      toleratedFailures++;
    } else if (graph.step(step).isFinally()) {
      if (firstFailedFinally < 0) {
        firstFailedFinally = step;
      }
    } else if (firstFailedStep < 0) {
      firstFailedStep = step;
    }
    finish(step, StepPhase.Failed, at, why, detail);
  }

  public void onSkipped(int step, Instant at, String why, String detail) {
    unready(step);
    toEvaluate.remove(step);
    toExpand.remove(step);
    doomed.remove(step);
    idle(step, -1);
    finish(step, StepPhase.Skipped, at, why, detail);
  }

  /** The running attempt was terminated (shutdown Terminate, flow timeout). */
  /** The running attempt was stopped, or the retry the step waited for will not come. */
  public void onCancelled(int step, Instant at, String why, String detail) {
    if (phase[step] == StepPhase.Retrying) {
      stopWaitingForRetry(step);
    } else {
      stopRunning(step);
    }
    finish(step, StepPhase.Cancelled, at, why, detail);
  }

  private void stopWaitingForRetry(int step) {
    retries.remove(new Due(nextAttemptAt[step], step));
    countRetrying(step, -1);
    nextAttemptAt[step] = null;
    idle(step, -1);
  }

  public void onFlowFinished(FlowPhase phase, Instant at, String why, String detail) {
    outcome = phase;
    outcomeReason = why;
    outcomeMessage = detail;
    flowFinishedAt = at;
  }

  private void countRetrying(int step, int delta) {
    if (graph.step(step).isInstance()) {
      groups.get(graph.step(step).parent()).retrying += delta;
    }
  }

  private void stopRunning(int step) {
    running.remove(step);
    if (graph.step(step).isInstance()) {
      groups.get(graph.step(step).parent()).running--;
    }
    Duration t = graph.step(step).timeout();
    if (t != null && attemptStartedAt[step] != null) {
      deadlines.remove(new Due(attemptStartedAt[step].plus(t), step));
    }
  }

  private void finish(int step, StepPhase to, Instant at, String why, String detail) {
    setPhase(step, to);
    finishedAt[step] = at;
    reason[step] = why;
    message[step] = detail;
    if (graph.step(step).isFinally()) {
      unfinishedFinally--;
      return;
    }
    for (int d : graph.step(step).dependents()) {
      if (phase[d] != StepPhase.Pending || doomed.contains(d)) {
        continue;
      }
      unsettledDeps[d]--;
      Depends.Truth met = graph.step(d).depends().evaluate(this::settled);
      if (met == Depends.Truth.FALSE) {
        doomed.add(d);
      } else if (met == Depends.Truth.TRUE && unsettledDeps[d] == 0) {
        ripe(d);
      }
    }
    unfinishedDag--;
    if (graph.step(step).isInstance()) {
      instanceSettled(graph.step(step).parent(), to, why, at);
    }
    if (unfinishedDag == 0) {
      dagSettled();
    }
  }

  /** One more instance of a fan-out step ended; the last one ends the step, as its instances ended. */
  private void instanceSettled(int parent, StepPhase to, String why, Instant at) {
    Group g = groups.get(parent);
    g.settled++;
    switch (to) {
      case Succeeded -> g.succeeded++;
      case Failed -> g.failed++;
      case Cancelled -> g.cancelled++;
      default -> {
        if (Reasons.WHEN_FALSE.equals(why)) {
          g.skippedByWhen++;
        } else {
          g.skipped++;
          g.skipReason = g.skipReason == null ? why : g.skipReason;
        }
      }
    }
    if (g.settled < g.size()) {
      return;
    }
    String counts = g.size() + " instances: " + g.succeeded + " succeeded, " + g.failed + " failed, "
        + (g.skipped + g.skippedByWhen) + " skipped, " + g.cancelled + " cancelled";
    if (g.failed > 0) {
      finish(parent, StepPhase.Failed, at, Reasons.INSTANCES_FAILED, counts);
    } else if (g.cancelled > 0) {
      finish(parent, StepPhase.Cancelled, at, Reasons.INSTANCES_CANCELLED, counts);
    } else if (g.succeeded == 0) {
      finish(parent, StepPhase.Skipped, at, g.skipped == 0 ? Reasons.WHEN_FALSE : g.skipReason, counts);
    } else {
      finish(parent, StepPhase.Succeeded, at, Reasons.INSTANCES_SUCCEEDED, counts);
    }
  }

  /** Dependencies met: the step is ready, or first has its condition evaluated (or its list fixed). */
  private void ripe(int step) {
    GraphStep g = graph.step(step);
    if (g.fanOut() != null) {
      toExpand.add(step);
    } else if (g.when() == null) {
      markReady(step);
    } else {
      toEvaluate.add(step);
    }
  }

  /** Ready to start: an instance waits in its step's group, which stands in the ready set for it. */
  private void markReady(int step) {
    GraphStep g = graph.step(step);
    if (g.isInstance()) {
      groups.get(g.parent()).ready.add(step);
      ready.add(g.parent());
    } else {
      ready.add(step);
    }
  }

  private void unready(int step) {
    GraphStep g = graph.step(step);
    if (g.isInstance()) {
      Group group = groups.get(g.parent());
      if (group.ready.remove(step) && group.ready.isEmpty()) {
        ready.remove(g.parent());
      }
    } else {
      ready.remove(step);
    }
  }

  /** How a step ended, for {@link Depends}; null while it has not finished. A fan-out step tells its instances too. */
  Depends.Settled settled(String name) {
    int i = graph.indexOf(name);
    if (!phase[i].isFinished()) {
      return null;
    }
    Group g = groups.get(i);
    return g == null ? new Depends.Settled(phase[i], reason[i], graph.step(i).continuesOnFailure())
        : new Depends.Settled(phase[i], reason[i], graph.step(i).continuesOnFailure(), g.size(), g.succeeded, g.failed);
  }

  /** True when the step failed, or is a fan-out step with a failed instance (it will end Failed). */
  boolean hasFailed(int step) {
    Group g = groups.get(step);
    return phase[step] == StepPhase.Failed || (g != null && g.failed > 0);
  }

  /** The expanded fan-out step's group, null for any other step. */
  Group group(int step) {
    return groups.get(step);
  }

  private void dagSettled() {
    if (finallyReleased) {
      return;
    }
    finallyReleased = true;
    for (int i = graph.dagSize(); i < graph.specSize(); i++) {
      if (phase[i] == StepPhase.Pending) {
        ripe(i);
      }
    }
  }

  private void setPhase(int step, StepPhase to) {
    phaseCounts[phase[step].ordinal()]--;
    phaseCounts[to.ordinal()]++;
    phase[step] = to;
  }

  private void idle(int step, int delta) {
    if (graph.step(step).isFinally()) {
      idleFinally += delta;
    } else {
      idleDag += delta;
    }
  }

  // ---- reading -----------------------------------------------------------------------------------

  public FlowGraph graph() {
    return graph;
  }

  public StepPhase phase(int step) {
    return phase[step];
  }

  public int attempts(int step) {
    return attempts[step];
  }

  /** The uid of the latest attempt's Job, null until known. */
  public String jobUid(int step) {
    return jobUid[step];
  }

  public boolean isRunning(int step) {
    return phase[step] == StepPhase.Running;
  }

  /** Indices of the steps with an attempt running, in index order. */
  public List<Integer> runningSteps() {
    return List.copyOf(running);
  }

  public int runningCount() {
    return running.size();
  }

  public int count(StepPhase p) {
    return phaseCounts[p.ordinal()];
  }

  /** Steps that have finished (Succeeded, Failed, Skipped, Cancelled). */
  public int finishedCount() {
    return phaseCounts[StepPhase.Succeeded.ordinal()] + phaseCounts[StepPhase.Failed.ordinal()]
        + phaseCounts[StepPhase.Skipped.ordinal()] + phaseCounts[StepPhase.Cancelled.ordinal()];
  }

  public boolean isSuspended() {
    return suspended;
  }

  public Integer parallelism() {
    return parallelism;
  }

  public ShutdownPolicy shutdown() {
    return shutdown;
  }

  public Instant flowStartedAt() {
    return flowStartedAt;
  }

  /** When the latest retry of the flow began, null before any. */
  public Instant retriedAt() {
    return retriedAt;
  }

  public Instant timedOutAt() {
    return timedOutAt;
  }

  /** The flow's end, null while it runs. */
  public FlowPhase outcome() {
    return outcome;
  }

  public String outcomeReason() {
    return outcomeReason;
  }

  public String outcomeMessage() {
    return outcomeMessage;
  }

  public Instant flowFinishedAt() {
    return flowFinishedAt;
  }

  /** The flow's phase as users see it. */
  public FlowPhase flowPhase() {
    if (outcome != null) {
      return outcome;
    }
    if (suspended) {
      return FlowPhase.Suspended;
    }
    return phaseCounts[StepPhase.Pending.ordinal()] == graph.size() ? FlowPhase.Pending : FlowPhase.Running;
  }

  /** The instance counts of each expanded fan-out step, in spec order: one entry per step, whatever its size. */
  public List<InstanceCounts> instanceCounts() {
    List<InstanceCounts> out = new ArrayList<>(groups.size());
    for (Map.Entry<Integer, Group> e : groups.entrySet()) {
      int step = e.getKey();
      Group g = e.getValue();
      int pending = g.size() - g.settled - g.running - g.retrying;
      out.add(new InstanceCounts(graph.step(step).name(), g.size(), pending, g.running, g.retrying, g.succeeded,
          g.failed, g.skipped + g.skippedByWhen, g.cancelled));
    }
    return out;
  }

  /** The outputs a step's Job wrote, null when they were not read. */
  public Map<String, String> outputs(int step) {
    return outputs[step];
  }

  /** An immutable copy of one step's progress. */
  public StepProgress progress(int step) {
    return new StepProgress(graph.step(step).name(), phase[step], attempts[step], startedAt[step],
        attemptStartedAt[step], finishedAt[step], nextAttemptAt[step], reason[step], message[step], jobUid[step],
        outputs[step], exitCode[step], conditionMet[step] ? Boolean.TRUE : null,
        retryBase[step] == 0 ? null : retryBase[step], groups.containsKey(step) ? groups.get(step).items : null);
  }

  /** What the condition of {@code step} reads: the flow's facts and the steps upstream of it, as they are now. */
  public ConditionInputs inputsOf(int step) {
    return new ConditionInputs() {
      @Override
      public FlowFacts flow() {
        return graph.facts();
      }

      @Override
      public StepResult step(String name) {
        if (!graph.contains(name)) {
          return null;
        }
        int i = graph.indexOf(name);
        GraphStep g = graph.step(i);
        return g.isFinally() || g.isInstance() ? null : result(i);
      }

      @Override
      public List<String> stepsInScope() {
        return upstreamOf(step);
      }

      @Override
      public String item() {
        return graph.step(step).item();
      }

      @Override
      public int index() {
        return graph.step(step).itemIndex();
      }
    };
  }

  private ConditionInputs.StepResult result(int i) {
    return new ConditionInputs.StepResult(phase[i], reason[i], outputs[i] == null ? Map.of() : outputs[i], exitCode[i]);
  }

  /**
   * Every DAG step of the spec a finally step sees; the transitive upstream of a DAG step (of an instance: of its
   * fan-out step); in graph order.
   */
  List<String> upstreamOf(int step) {
    if (graph.step(step).isInstance()) {
      step = graph.step(step).parent();
    }
    List<String> names = new ArrayList<>();
    if (graph.step(step).isFinally()) {
      for (int i = 0; i < graph.dagSize(); i++) {
        names.add(graph.step(i).name());
      }
      return names;
    }
    boolean[] seen = new boolean[graph.specSize()];
    ArrayDeque<Integer> queue = new ArrayDeque<>();
    queue.add(step);
    while (!queue.isEmpty()) {
      for (int dep : graph.step(queue.poll()).dependsOn()) {
        if (!seen[dep]) {
          seen[dep] = true;
          queue.add(dep);
        }
      }
    }
    for (int i = 0; i < graph.specSize(); i++) {
      if (seen[i]) {
        names.add(graph.step(i).name());
      }
    }
    return names;
  }

  /** An immutable copy of everything, for snapshots; {@link DagSnapshot#restore} turns it back. */
  public DagSnapshot snapshot() {
    List<StepProgress> steps = new ArrayList<>(graph.size());
    for (int i = 0; i < graph.size(); i++) {
      steps.add(progress(i));
    }
    return new DagSnapshot(Collections.unmodifiableList(steps), parallelism, failurePolicy, timeout, suspended,
        shutdown, flowStartedAt, timedOutAt, timedOutDuringFinally, outcome, outcomeReason, outcomeMessage,
        flowFinishedAt, retriedAt);
  }
}
