package dev.jobflow.flow;

import dev.jobflow.api.FlowPhase;
import dev.jobflow.api.StepPhase;
import dev.jobflow.dag.DagState;
import dev.jobflow.dag.FlowGraph;
import dev.jobflow.dag.Reasons;
import dev.jobflow.dag.StepProgress;
import dev.jobflow.flow.FlowEvent.FlowAccepted;
import dev.jobflow.flow.FlowEvent.FlowCancelled;
import dev.jobflow.flow.FlowEvent.FlowDeleted;
import dev.jobflow.flow.FlowEvent.FlowFailed;
import dev.jobflow.flow.FlowEvent.FlowGenerationObserved;
import dev.jobflow.flow.FlowEvent.FlowParallelismChanged;
import dev.jobflow.flow.FlowEvent.FlowResumed;
import dev.jobflow.flow.FlowEvent.FlowShutdownRequested;
import dev.jobflow.flow.FlowEvent.FlowSucceeded;
import dev.jobflow.flow.FlowEvent.FlowSuspended;
import dev.jobflow.flow.FlowEvent.FlowTimedOut;
import dev.jobflow.flow.FlowEvent.StepAttemptStarted;
import dev.jobflow.flow.FlowEvent.StepCancelled;
import dev.jobflow.flow.FlowEvent.StepFailed;
import dev.jobflow.flow.FlowEvent.StepJobCreated;
import dev.jobflow.flow.FlowEvent.StepRetryScheduled;
import dev.jobflow.flow.FlowEvent.StepSkipped;
import dev.jobflow.flow.FlowEvent.StepSucceeded;
import dev.jobflow.dag.GraphStep;
import dev.jobflow.expr.ItemValues;
import dev.jobflow.expr.Placeholders;
import dev.jobflow.expr.WhenExpression;
import dev.jobflow.step.JobNames;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A flow as its journal tells it: the definition it was accepted with and the progress of its steps.
 *
 * <p>Mutable (see {@link DagState} for why): events are applied in place by {@link #apply}, the only
 * method that changes it. Snapshots and observers get immutable copies ({@link #toSnapshot()},
 * {@link #summary()}, {@link #stepView}).
 */
public final class FlowState {
  private FlowDefinition definition;
  private Map<String, StepDefinition> stepsByName = Map.of();
  private DagState dag;
  private String invalid;
  /** Steps whose outputs or exit code something in the flow reads: their finished Jobs' pods are read. */
  private Set<String> resultsRead = Set.of();
  /** The {@code {{steps...}}} placeholders of each step's template, found when first needed. */
  private final Map<String, List<Placeholders.Placeholder>> stepPlaceholders = new HashMap<>();
  private long observedGeneration;
  private final Set<String> terminatedJobs = new LinkedHashSet<>();
  private boolean deleted;
  /** The latest retry of the flow (its request is handled: the same one again is no new request), null when none. */
  private FlowEvent.FlowRetried lastRetry;
  private int retries;
  /** When Jobs of this flow turned up that the journal never recorded (a restored or lost journal), else null. */
  private FlowEvent.FlowHistoryLost historyLost;
  // The hash chain's head (HashChain): the last event until it is hashed, when needed or settled, so a recovery
  // replaying many events hashes one; then its hash alone.
  private FlowEvent lastEvent;
  private String lastHash;
  /** An event was applied or a snapshot restored: the head is the last event's hash, not the genesis. */
  private boolean chained;
  /** Locks asked for and not granted yet, in the order asked. */
  private final Set<FlowLock> locksRequested = new LinkedHashSet<>();
  /** Locks held (granted, not released). */
  private final Set<FlowLock> locksHeld = new LinkedHashSet<>();
  /** Whether a step attempt started since the flow was accepted or last retried: then it takes no new lock. */
  private boolean roundStarted;

  /** A flow not seen yet. */
  public static FlowState empty() {
    return new FlowState();
  }

  // ---- applying events ---------------------------------------------------------------------------

  /** Applies a stored event; returns this state. */
  public FlowState apply(FlowEvent event) {
    lastEvent = event;
    lastHash = null;
    chained = true;
    return event.accept(applier);
  }

  private final FlowEvent.Handler<FlowState> applier = new FlowEvent.Handler<>() {
    @Override
    public FlowState flowAccepted(FlowAccepted e) {
      accept(e);
      return FlowState.this;
    }

    @Override
    public FlowState flowSuspended(FlowSuspended e) {
      dag.onSuspended(true);
      return observed(e.generation());
    }

    @Override
    public FlowState flowResumed(FlowResumed e) {
      dag.onSuspended(false);
      return observed(e.generation());
    }

    @Override
    public FlowState flowParallelismChanged(FlowParallelismChanged e) {
      dag.onParallelismChanged(e.parallelism());
      return observed(e.generation());
    }

    @Override
    public FlowState flowShutdownRequested(FlowShutdownRequested e) {
      dag.onShutdownRequested(e.policy());
      return observed(e.generation());
    }

    @Override
    public FlowState flowGenerationObserved(FlowGenerationObserved e) {
      return observed(e.generation());
    }

    @Override
    public FlowState flowTimedOut(FlowTimedOut e) {
      dag.onFlowTimedOut(e.meta().at());
      return FlowState.this;
    }

    @Override
    public FlowState flowSucceeded(FlowSucceeded e) {
      return finished(FlowPhase.Succeeded, e);
    }

    @Override
    public FlowState flowFailed(FlowFailed e) {
      return finished(FlowPhase.Failed, e);
    }

    @Override
    public FlowState flowCancelled(FlowCancelled e) {
      return finished(FlowPhase.Cancelled, e);
    }

    @Override
    public FlowState flowDeleted(FlowDeleted e) {
      deleted = true;
      return FlowState.this;
    }

    @Override
    public FlowState stepAttemptStarted(StepAttemptStarted e) {
      roundStarted = true;
      dag.onAttemptStarted(index(e.step()), e.attempt(), e.meta().at());
      return FlowState.this;
    }

    @Override
    public FlowState stepJobCreated(StepJobCreated e) {
      dag.onJobKnown(index(e.step()), e.jobUid());
      return FlowState.this;
    }

    @Override
    public FlowState stepSucceeded(StepSucceeded e) {
      dag.onSucceeded(index(e.step()), e.meta().at(), e.reason(), e.message(), e.outputs());
      return FlowState.this;
    }

    @Override
    public FlowState stepRetryScheduled(StepRetryScheduled e) {
      dag.onRetryScheduled(index(e.step()), e.nextAttemptAt(), e.reason(), e.message());
      return terminatedIf(Reasons.STEP_TIMED_OUT.equals(e.reason()), e.job());
    }

    @Override
    public FlowState stepFailed(StepFailed e) {
      dag.onFailed(index(e.step()), e.meta().at(), e.reason(), e.message(), e.exitCode());
      return terminatedIf(Reasons.STEP_TIMED_OUT.equals(e.reason()), e.job());
    }

    @Override
    public FlowState stepSkipped(StepSkipped e) {
      dag.onSkipped(index(e.step()), e.meta().at(), e.reason(), e.message());
      return FlowState.this;
    }

    @Override
    public FlowState stepConditionEvaluated(FlowEvent.StepConditionEvaluated e) {
      if (e.result()) {
        dag.onConditionMet(index(e.step()));
      }
      return FlowState.this;
    }

    @Override
    public FlowState stepExpanded(FlowEvent.StepExpanded e) {
      dag.onExpanded(index(e.step()), e.items(), e.meta().at());
      return FlowState.this;
    }

    @Override
    public FlowState flowRetried(FlowEvent.FlowRetried e) {
      dag = dev.jobflow.dag.RetryPlan.apply(dag, e.steps(), e.meta().at());
      lastRetry = e;
      retries++;
      roundStarted = false; // a new round takes its locks again
      return FlowState.this;
    }

    @Override
    public FlowState flowHistoryLost(FlowEvent.FlowHistoryLost e) {
      historyLost = e;
      return FlowState.this;
    }

    @Override
    public FlowState stepCancelled(StepCancelled e) {
      // A step cancelled while it waited for a retry has no attempt running: its last (failed) Job stays.
      boolean wasRunning = dag.phase(index(e.step())) == StepPhase.Running;
      dag.onCancelled(index(e.step()), e.meta().at(), e.reason(), e.message());
      return terminatedIf(wasRunning, e.job());
    }

    // The decision is the audit fact; the StepSucceeded or StepFailed recorded with it moves the step on.
    @Override
    public FlowState stepApprovalRequested(FlowEvent.StepApprovalRequested e) {
      return FlowState.this;
    }

    @Override
    public FlowState stepApproved(FlowEvent.StepApproved e) {
      return FlowState.this;
    }

    @Override
    public FlowState stepRejected(FlowEvent.StepRejected e) {
      return FlowState.this;
    }

    @Override
    public FlowState flowLockRequested(FlowEvent.FlowLockRequested e) {
      if (!locksHeld.contains(e.lock())) {
        locksRequested.add(e.lock());
      }
      return FlowState.this;
    }

    @Override
    public FlowState flowLockGranted(FlowEvent.FlowLockGranted e) {
      locksRequested.remove(e.lock());
      locksHeld.add(e.lock());
      return FlowState.this;
    }

    @Override
    public FlowState flowLockReleased(FlowEvent.FlowLockReleased e) {
      locksRequested.remove(e.lock());
      locksHeld.remove(e.lock());
      return FlowState.this;
    }
  };

  private void accept(FlowAccepted e) {
    definition = e.definition();
    observedGeneration = definition.generation();
    Map<String, StepDefinition> byName = new HashMap<>();
    definition.steps().forEach(s -> byName.put(s.name(), s));
    definition.finallySteps().forEach(s -> byName.put(s.name(), s));
    stepsByName = byName;
    FlowGraph graph;
    try {
      graph = definition.toGraph();
    } catch (IllegalArgumentException ex) {
      // Recorded as accepted so the journal shows what was submitted; the entity fails it next.
      invalid = ex.getMessage();
      graph = FlowGraph.empty();
    }
    dag = new DagState(graph);
    resultsRead = invalid == null ? resultsRead(graph) : Set.of();
    dag.onFlowStarted(e.meta().at(), definition.parallelism(), definition.failurePolicy(), definition.timeout(),
        definition.suspend(), definition.shutdown());
  }

  /** Every step whose outputs or exit code a condition or a template placeholder reads. */
  private Set<String> resultsRead(FlowGraph graph) {
    Set<String> read = new java.util.HashSet<>();
    for (dev.jobflow.dag.GraphStep g : graph.steps()) {
      if (g.when() instanceof WhenExpression w) {
        if (w.readsAllSteps()) {
          for (int i = 0; i < graph.dagSize(); i++) {
            read.add(graph.step(i).name());
          }
        }
        w.stepReads().stream().filter(WhenExpression.StepRead::readsResults).forEach(r -> read.add(r.step()));
      }
      if (g.fanOut() != null && g.fanOut().source() instanceof dev.jobflow.expr.ItemsExpression items) {
        items.reads().stepReads().stream().filter(WhenExpression.StepRead::readsResults).forEach(r -> read.add(r.step()));
      }
      placeholders(g.name()).stream().filter(p -> p.isStep() && !"phase".equals(p.field()))
          .forEach(p -> read.add(p.step()));
    }
    return Set.copyOf(read);
  }

  private List<Placeholders.Placeholder> placeholders(String step) {
    return stepPlaceholders.computeIfAbsent(step, s -> Placeholders.in(stepsByName.get(s).template()).stream()
        .filter(p -> (p.isStep() || p.isItem()) && p.problem() == null).toList());
  }

  private FlowState observed(long generation) {
    observedGeneration = Math.max(observedGeneration, generation);
    return this;
  }

  private FlowState finished(FlowPhase phase, FlowEvent e) {
    dag.onFlowFinished(phase, e.meta().at(), e.reason(), e.message());
    return this;
  }

  /**
   * Remembers a Job the engine deleted (a cancelled attempt, or one that ran past its step's timeout), so a
   * recovery deletes it again in case the deletion had not happened before a crash. The journal is all a recovery
   * has: it tells a timed-out failure from the Job's own by its reason.
   */
  private FlowState terminatedIf(boolean deletedByEngine, String job) {
    if (deletedByEngine && job != null) {
      terminatedJobs.add(job);
    }
    return this;
  }

  private int index(String step) {
    return dag.graph().indexOf(step);
  }

  // ---- reading -----------------------------------------------------------------------------------

  public boolean isAccepted() {
    return definition != null;
  }

  public boolean isFinished() {
    return dag != null && dag.outcome() != null;
  }

  public boolean isDeleted() {
    return deleted;
  }

  /** The first sign that the journal lost part of this flow's history, null when none was found. */
  public FlowEvent.FlowHistoryLost historyLost() {
    return historyLost;
  }

  /** Why the accepted spec cannot run, null when it can. */
  public String invalid() {
    return invalid;
  }

  public FlowDefinition definition() {
    return definition;
  }

  public StepDefinition stepDefinition(String step) {
    StepDefinition s = stepsByName.get(specStep(step));
    if (s == null) {
      throw new IllegalArgumentException("flow " + definition.id() + " has no step named '" + step + "'");
    }
    return s;
  }

  /** The progress of the steps; null before the flow was accepted. */
  public DagState dag() {
    return dag;
  }

  /** Whether the flow reads the outputs or exit code of this step (then its Job's pods are read when it ends). */
  public boolean readsResultsOf(String step) {
    // An instance's outputs are read when its fan-out step's (gathered) are.
    return resultsRead.contains(step) || resultsRead.contains(specStep(step));
  }

  /**
   * The values of the {@code {{steps...}}} placeholders of a step's template, from the journal, into {@code values}.
   *
   * @return why one has no value (a missing output), null when all have one
   */
  public String stepValues(String step, Map<String, String> values) {
    GraphStep instance = instance(step);
    for (Placeholders.Placeholder p : placeholders(specStep(step))) {
      if (p.isItem()) {
        if (instance == null) {
          continue; // not an instance: left as written (the validator refuses it)
        }
        String value = "index".equals(p.name()) ? Integer.toString(instance.itemIndex())
            : ItemValues.text(instance.item(), p.itemPath().isEmpty() ? List.of() : List.of(p.itemPath().split("\\.")));
        if (value == null) {
          return "template: " + p.text() + ": item " + instance.itemIndex() + " (" + abbreviate(instance.item())
              + ") has no key '" + p.itemPath() + "'";
        }
        values.put(p.name(), value);
        continue;
      }
      if (!dag.graph().contains(p.step())) {
        return "template: " + p.text() + ": no step named '" + p.step() + "'";
      }
      int i = dag.graph().indexOf(p.step());
      StepProgress from = dag.progress(i);
      String value = switch (p.field()) {
        case "phase" -> from.phase().name();
        case "exitCode" -> from.exitCode() == null ? null : from.exitCode().toString();
        default -> {
          Map<String, String> outputs = dag.resultOutputs(i);
          yield outputs == null ? null : outputs.get(p.key());
        }
      };
      if (value == null) {
        Map<String, String> outputs = dag.resultOutputs(i);
        String has = outputs == null || outputs.isEmpty() ? "it wrote none"
            : "it wrote " + String.join(", ", new java.util.TreeSet<>(outputs.keySet()));
        return "template: " + p.text() + ": step '" + p.step() + "' (" + from.phase() + ") has no "
            + (p.field().equals("outputs") ? "output '" + p.key() + "' (" + has + ")" : p.field());
      }
      values.put(p.name(), value);
    }
    return null;
  }

  /** The step of the spec a step runs as: itself, or for an instance of a fan-out step ({@code shard-3}) that step. */
  private String specStep(String step) {
    GraphStep instance = instance(step);
    return instance == null ? step : dag.graph().step(instance.parent()).name();
  }

  /** The instance of that name, null when the step is not an instance of a fan-out step. */
  private GraphStep instance(String step) {
    if (dag == null || !dag.graph().contains(step)) {
      return null;
    }
    GraphStep g = dag.graph().step(dag.graph().indexOf(step));
    return g.isInstance() ? g : null;
  }

  private static String abbreviate(String s) {
    return s.length() <= 60 ? s : s.substring(0, 57) + "...";
  }

  /** The latest retry, null when the flow was never retried. */
  public FlowEvent.FlowRetried lastRetry() {
    return lastRetry;
  }

  /** How many times the flow was retried. */
  public int retries() {
    return retries;
  }

  public long observedGeneration() {
    return observedGeneration;
  }

  /** Jobs the engine decided to delete (timed-out and cancelled attempts). */
  public Set<String> terminatedJobs() {
    return Set.copyOf(terminatedJobs);
  }

  public FlowPhase phase() {
    return dag == null ? FlowPhase.Pending : dag.flowPhase();
  }

  /** The Job name of an attempt of a step of this flow; null for an approval step, which runs no Job. */
  public String jobName(String step, int attempt) {
    StepDefinition s = stepsByName.get(step);
    return s != null && s.waitsForApproval() ? null : JobNames.of(definition.name(), step, attempt);
  }

  /** Whether the step (by index) is an approval step whose attempt is running: it waits for a decision. */
  public boolean isWaitingForApproval(int index) {
    return stepDefinition(dag.graph().step(index).name()).waitsForApproval() && dag.progress(index).phase() == StepPhase.Running;
  }

  /** The approval steps waiting for a decision, by index, in spec order. */
  public List<Integer> waitingForApproval() {
    List<Integer> out = new ArrayList<>();
    if (dag == null || isFinished()) {
      return out;
    }
    for (int step : dag.runningSteps()) {
      if (isWaitingForApproval(step)) {
        out.add(step);
      }
    }
    out.sort(null);
    return out;
  }

  /** When a waiting approval step's timeout strikes: its attempt's start plus approval.timeout; null for never. */
  public java.time.Instant approvalDeadline(int index) {
    StepProgress p = dag.progress(index);
    ApprovalDefinition a = stepDefinition(p.name()).approval();
    return a.timeout() == null || p.attemptStartedAt() == null ? null : p.attemptStartedAt().plus(a.timeout());
  }

  // ---- locks ----

  /** Locks asked for and not granted yet. */
  public Set<FlowLock> locksRequested() {
    return Set.copyOf(locksRequested);
  }

  public Set<FlowLock> locksHeld() {
    return Set.copyOf(locksHeld);
  }

  public boolean isRequested(FlowLock lock) {
    return locksRequested.contains(lock);
  }

  public boolean holds(FlowLock lock) {
    return locksHeld.contains(lock);
  }

  /** Whether a step attempt started in this round (since acceptance or the last retry): no new lock is taken then. */
  public boolean roundStarted() {
    return roundStarted;
  }

  /** The lock the flow waits for, null when it waits for none. */
  public FlowLock waitingForLock() {
    return isFinished() || isDeleted() || locksRequested.isEmpty() ? null : locksRequested.iterator().next();
  }

  /** What a finished or deleted flow still has to give back (held, or still asked for); empty while it runs. */
  public List<FlowLock> locksToRelease() {
    if (!isFinished() && !isDeleted()) {
      return List.of();
    }
    List<FlowLock> out = new ArrayList<>(locksHeld);
    out.addAll(locksRequested);
    return out;
  }

  public FlowSummary summary() {
    Map<StepPhase, Integer> counts = new EnumMap<>(StepPhase.class);
    for (StepPhase p : StepPhase.values()) {
      counts.put(p, dag == null ? 0 : dag.count(p));
    }
    if (dag == null) {
      return new FlowSummary(FlowPhase.Pending, observedGeneration, 0, 0, counts, null, null, null, null);
    }
    String reason = dag.outcomeReason();
    String message = dag.outcomeMessage();
    if (reason == null && dag.isSuspended()) {
      reason = "Suspended";
      message = "spec.suspend is true: no new steps start";
    }
    FlowSummary summary = new FlowSummary(phase(), observedGeneration, dag.graph().size(), dag.finishedCount(),
        counts, dag.flowStartedAt(), dag.flowFinishedAt(), reason, message, retries, lastRetry, historyLost,
        dag.instanceCounts());
    FlowLock waiting = waitingForLock();
    return waiting == null || roundStarted || dag.isSuspended() ? summary
        : summary.waitingForLock("waiting for " + waiting.describe());
  }

  /** The status of one step, by index. */
  public StepView stepView(int index) {
    StepProgress p = dag.progress(index);
    boolean waiting = isWaitingForApproval(index);
    return new StepView(p.name(), dag.graph().step(index).isFinally(), p.phase(), p.attempts(),
        p.attempts() == 0 ? null : jobName(p.name(), p.attempts()), p.jobUid(), p.startedAt(), p.finishedAt(),
        p.nextAttemptAt(), waiting ? Reasons.APPROVAL_REQUESTED : p.reason(),
        waiting ? approvalMessage(p.name()) : p.message(), p.outputs(), p.exitCode(), waiting);
  }

  private String approvalMessage(String step) {
    ApprovalDefinition a = stepDefinition(step).approval();
    String who = "approvers: " + String.join(", ", approverNames(a));
    return a.message() == null || a.message().isBlank() ? "waiting for approval (" + who + ")"
        : a.message() + " (" + who + ")";
  }

  /** The approvers as people read them: users by name, groups as {@code group:NAME}. */
  static List<String> approverNames(ApprovalDefinition a) {
    List<String> out = new ArrayList<>(a.users());
    a.groups().forEach(g -> out.add("group:" + g));
    return out;
  }

  public List<StepView> allSteps() {
    List<StepView> out = new ArrayList<>();
    for (int i = 0; dag != null && i < dag.graph().size(); i++) {
      out.add(stepView(i));
    }
    return out;
  }

  /**
   * The {@code previousHash} for the next event: the hash of the last event; {@code genesis} before the first;
   * null when unknown (recovered from a snapshot written before the hash chain existed).
   */
  public String chainHead(String genesis) {
    settleChainHead();
    return chained ? lastHash : genesis;
  }

  /**
   * Hashes the last event now and lets it go. The entity calls it once it has recovered or stored events: the next
   * write needs the hash anyway, and an idle flow then holds 64 hex digits instead of an event with its strings.
   */
  public void settleChainHead() {
    settleChainHead(null, null);
  }

  /**
   * The same, when the entity already hashed the last event as it linked it ({@link HashChain#link}): the hash of
   * {@code linkedLast} is {@code itsHash}, so hashing it again would only cost the time.
   */
  public void settleChainHead(FlowEvent linkedLast, String itsHash) {
    if (lastEvent != null && lastEvent == linkedLast && itsHash != null) {
      lastHash = itsHash;
      lastEvent = null;
    } else if (lastEvent != null) {
      lastHash = HashChain.hash(lastEvent);
      lastEvent = null;
    }
  }

  // ---- snapshots ---------------------------------------------------------------------------------

  public FlowSnapshot toSnapshot() {
    return new FlowSnapshot(definition, observedGeneration, dag == null ? null : dag.snapshot(), invalid,
        List.copyOf(terminatedJobs), deleted, chainHead(null), lastRetry, retries == 0 ? null : retries, historyLost,
        locksRequested.isEmpty() && locksHeld.isEmpty() && roundStarted == anyStepMoved(dag) ? null
            : new FlowSnapshot.Locks(List.copyOf(locksRequested), List.copyOf(locksHeld), roundStarted));
  }

  /** Whether any step left Pending: what a snapshot without lock bookkeeping tells about the round. */
  private static boolean anyStepMoved(DagState dag) {
    return dag != null && dag.count(StepPhase.Pending) < dag.graph().size();
  }

  public static FlowState fromSnapshot(FlowSnapshot snap) {
    FlowState s = new FlowState();
    if (snap.definition() != null) {
      s.accept(new FlowAccepted(new FlowEvent.EventMeta(snap.dag().flowStartedAt(), null, null), snap.definition()));
      if (s.invalid == null) {
        s.dag = snap.dag().restore(s.dag.graph());
      } else if (snap.dag().outcome() != null) {
        s.dag.onFlowFinished(snap.dag().outcome(), snap.dag().flowFinishedAt(), snap.dag().outcomeReason(),
            snap.dag().outcomeMessage());
      }
    }
    s.observedGeneration = snap.observedGeneration();
    s.terminatedJobs.addAll(snap.terminatedJobs());
    s.deleted = snap.deleted();
    s.lastRetry = snap.lastRetry();
    s.retries = snap.retries() == null ? 0 : snap.retries();
    s.historyLost = snap.historyLost();
    s.chained = true;
    s.lastHash = snap.lastHash();
    if (snap.locks() != null) {
      s.locksRequested.addAll(snap.locks().requested());
      s.locksHeld.addAll(snap.locks().held());
      s.roundStarted = snap.locks().roundStarted();
    } else {
      // Written before locks existed, or nothing to say beyond what the steps tell: it started if a step moved.
      s.roundStarted = anyStepMoved(s.dag);
    }
    return s;
  }
}
