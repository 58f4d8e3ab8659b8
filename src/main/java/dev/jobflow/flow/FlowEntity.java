package dev.jobflow.flow;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.PostStop;
import akka.actor.typed.PreRestart;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.TimerScheduler;
import akka.cluster.sharding.typed.javadsl.ClusterSharding;
import akka.cluster.sharding.typed.javadsl.EntityContext;
import akka.cluster.sharding.typed.javadsl.EntityTypeKey;
import akka.persistence.typed.PersistenceId;
import akka.actor.typed.Terminated;
import akka.persistence.typed.RecoveryCompleted;
import akka.persistence.typed.RecoveryFailed;
import akka.persistence.typed.SnapshotAdapter;
import akka.persistence.typed.javadsl.CommandHandler;
import akka.persistence.typed.javadsl.CommandHandlerBuilder;
import akka.persistence.typed.javadsl.Effect;
import akka.persistence.typed.javadsl.EffectBuilder;
import akka.persistence.typed.javadsl.EventHandler;
import akka.persistence.typed.javadsl.EventSourcedBehavior;
import akka.persistence.typed.javadsl.RetentionCriteria;
import akka.persistence.typed.javadsl.SignalHandler;
import dev.jobflow.cluster.ShardedEntities;
import dev.jobflow.dag.DagState;
import dev.jobflow.dag.Decision;
import dev.jobflow.dag.Decision.Attempt;
import dev.jobflow.dag.Reasons;
import dev.jobflow.dag.Scheduler;
import dev.jobflow.flow.FlowCommand.ApprovalTimeoutDue;
import dev.jobflow.flow.FlowCommand.ApprovalsSeen;
import dev.jobflow.flow.FlowCommand.AttemptReported;
import dev.jobflow.flow.FlowCommand.Deleted;
import dev.jobflow.flow.FlowCommand.GetStatus;
import dev.jobflow.flow.FlowCommand.Reconsider;
import dev.jobflow.flow.FlowCommand.SpecSeen;
import dev.jobflow.flow.FlowCommand.StepActorStopped;
import dev.jobflow.flow.FlowCommand.Wake;
import dev.jobflow.flow.FlowEvent.EventMeta;
import dev.jobflow.journal.PersistFailureBackoff;
import dev.jobflow.step.AttemptSpec;
import dev.jobflow.step.JobKey;
import dev.jobflow.step.JobRuntime;
import dev.jobflow.step.StepActor;
import dev.jobflow.step.StepOutcome;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * One flow, event-sourced: decides with {@link Scheduler}, records each decision as events, and only then
 * acts (spawns a {@link StepActor} per attempt, deletes Jobs). After a restart, the journal gives the same
 * state, and attempts in flight are taken up again by new step actors that adopt their Jobs.
 * A finished flow stops once its step actors are done; its history stays in the journal.
 *
 * <p>Commands are handled per state of the flow: not accepted yet, running, finished, deleted (see
 * {@link #handlersByState()}); a command a state does not name is handled alike in every state.
 */
public final class FlowEntity extends EventSourcedBehavior<FlowCommand, FlowEvent, FlowState> {
  /** The entity type in persistence ids: {@code JobFlow|<uid>}. */
  public static final String ENTITY_TYPE = "JobFlow";
  private static final String WAKE_TIMER = "wake";
  private static final String APPROVAL_TIMER = "approval-timeout";
  // Step outcomes arrive while events are stored; dropping one would lose a step, so the stash is large.
  private static final int STASH_CAPACITY = 1_000_000;

  /**
   * What an entity needs from its surroundings.
   *
   * @param listener hears of statuses and events (status writer, Kubernetes Events, flow metrics)
   * @param health hears of the engine's own work (journal latency, live actors)
   */
  public record Dependencies(EngineSettings settings, JobRuntime runtime, FlowListener listener, EngineHealth health,
                             Clock clock, FlowLocks locks) {
    /** Without locks: every flow starts at once. */
    public Dependencies(EngineSettings settings, JobRuntime runtime, FlowListener listener, EngineHealth health,
                        Clock clock) {
      this(settings, runtime, listener, health, clock, FlowLocks.NONE);
    }
  }

  private final String uid;
  private final ActorContext<FlowCommand> context;
  private final TimerScheduler<FlowCommand> timers;
  private final Dependencies deps;
  private final StepActor.Settings stepSettings;
  private final int snapshotInterval;
  /** The shard to passivate through, so that commands for the stopping entity wait for its successor (null: stop at once). */
  private final ActorRef<ClusterSharding.ShardCommand> shard;
  /** The entity type it is sharded as (null when not sharded): where to ask for a successor. */
  private final EntityTypeKey<FlowCommand> typeKey;
  private boolean passivationRequested;
  /**
   * A Reconsider is on its way: one decides on everything stored before it, so no second is sent. Without this, a
   * burst of outcomes (a fan-out's instances ending together) queued one per write; stashed behind a write, those that
   * decide nothing are unstashed one inside the other by Akka, and a few thousand overflowed the stack.
   */
  private boolean reconsiderQueued;
  private boolean stopOrdered;
  /** Live step actors by Job name: side-effect bookkeeping, rebuilt on recovery, never persisted. */
  private final Map<String, ActorRef<StepActor.Command>> children = new HashMap<>();
  /**
   * The Job of each live child, to know which stopped. Children are watched with the Terminated signal, not a message:
   * signals are not stashed behind a write. A message per stopped child was, and thousands of them in a row (a
   * fan-out's instances ending together) are unstashed by Akka 2.8 one inside the other (akka/akka-core#29933, fixed
   * only in 2.9), which overflowed the stack. The entity hears of it as a command only when the last child stopped.
   */
  private final Map<ActorRef<Void>, String> jobOfChild = new HashMap<>();
  /** The latest stamped approval decisions the controller saw on the JobFlow; sent again after every restart. */
  private Map<String, dev.jobflow.api.ApprovalDecision> seenDecisions = Map.of();
  /** Where the flow waits in each lock's queue, as the lock last said (in memory: shown in the status only). */
  private final Map<FlowLock, FlowCommand.LockWaiting> lockWaits = new HashMap<>();

  /** When the current recovery began. A restart never runs this constructor again: PreRestart resets it. */
  private long startedNanos = System.nanoTime();
  /** When the batch being stored was handed to the journal; 0 when none is in flight. */
  private long persistingSinceNanos;

  private FlowEntity(String uid, ActorContext<FlowCommand> context, TimerScheduler<FlowCommand> timers,
                     Dependencies deps, int expectedSteps, ActorRef<ClusterSharding.ShardCommand> shard,
                     EntityTypeKey<FlowCommand> typeKey) {
    // A failed write restarts the entity with backoff: it replays the journal and decides again, so no
    // event is lost and no step started twice while the database is away.
    super(persistenceId(uid), PersistFailureBackoff.strategyOf(context.getSystem()));
    deps.health().actorStarted(false);
    this.uid = uid;
    this.context = context;
    this.timers = timers;
    this.deps = deps;
    this.stepSettings = new StepActor.Settings(deps.settings().createMinBackoff(),
        deps.settings().createMaxBackoff(), deps.clock());
    this.snapshotInterval = deps.settings().snapshotInterval(expectedSteps);
    this.shard = shard;
    this.typeKey = typeKey;
  }

  /** The entity of the flow with this uid. */
  public static Behavior<FlowCommand> create(String uid, Dependencies deps) {
    return create(uid, deps, 0);
  }

  /**
   * The entity of the flow with this uid, expected to have about {@code expectedSteps} steps (0 when unknown), which
   * spaces its snapshots ({@link EngineSettings#snapshotInterval}). {@link FlowRouter} passes the size when a
   * {@link FlowCommand.SpecSeen} starts the entity.
   */
  public static Behavior<FlowCommand> create(String uid, Dependencies deps, int expectedSteps) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(
        timers -> new FlowEntity(uid, ctx, timers, deps, expectedSteps, null, null)));
  }

  /**
   * A sharded entity: to passivate, it asks its shard, which holds back new commands for it until it has stopped
   * (and then starts it again if any came), so no command is lost to a stopping entity. It never stops otherwise:
   * a remembered entity that stops by itself is started again.
   */
  static Behavior<FlowCommand> create(EntityContext<FlowCommand> entity, Dependencies deps, int expectedSteps) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> new FlowEntity(entity.getEntityId(), ctx, timers,
        deps, expectedSteps, entity.getShard(), entity.getEntityTypeKey())));
  }

  public static PersistenceId persistenceId(String uid) {
    return PersistenceId.of(ENTITY_TYPE, uid);
  }

  @Override
  public FlowState emptyState() {
    return FlowState.empty();
  }

  @Override
  public Set<String> tagsFor(FlowEvent event) {
    return FlowTags.of(event, deps.settings().shardTag(uid));
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(snapshotInterval, deps.settings().keepSnapshots());
  }

  @Override
  public SnapshotAdapter<FlowState> snapshotAdapter() {
    // The state is mutable; the snapshot store serializes later, on its own thread: hand it a copy.
    return new SnapshotAdapter<>() {
      @Override
      public Object toJournal(FlowState state) {
        return state.toSnapshot();
      }

      @Override
      public FlowState fromJournal(Object from) {
        return FlowState.fromSnapshot((FlowSnapshot) from);
      }
    };
  }

  @Override
  public Optional<Integer> stashCapacity() {
    return Optional.of(STASH_CAPACITY);
  }

  @Override
  public EventHandler<FlowState, FlowEvent> eventHandler() {
    return newEventHandlerBuilder().forAnyState().onAnyEvent(FlowState::apply);
  }

  @Override
  public SignalHandler<FlowState> signalHandler() {
    return newSignalHandlerBuilder()
        .onSignal(RecoveryCompleted.instance(), this::onRecovered)
        .onSignal(RecoveryFailed.class, (state, failed) ->
            deps.health().recoveryFailed(uid, Duration.ofNanos(System.nanoTime() - startedNanos)))
        .onSignal(PreRestart.instance(), state -> {
          // A journal failure restarts this same actor (still alive: still counted) after a backoff, and the
          // supervisor stops its children. The next recovery's time includes the backoff.
          released();
          startedNanos = System.nanoTime();
          reconsiderQueued = false; // a stashed Reconsider is dropped with the stash; recovery sends a new one
        })
        .onSignal(Terminated.class, (state, stopped) -> childStopped(stopped.getRef().unsafeUpcast()))
        .onSignal(PostStop.instance(), state -> {
          released();
          deps.health().actorStopped(false);
        })
        .build();
  }

  private void released() {
    if (persistingSinceNanos != 0) {
      deps.health().persistFailed(uid); // stopped while the journal had not confirmed a write
      persistingSinceNanos = 0;
    }
    // Children stop with their entity, and with each restart of it.
    children.values().forEach(c -> deps.health().actorStopped(true));
    children.clear();
    jobOfChild.clear();
  }

  private void childStopped(ActorRef<Void> child) {
    String job = jobOfChild.remove(child);
    if (job == null || !child.equals(children.get(job))) {
      return;
    }
    children.remove(job);
    deps.health().actorStopped(true);
    if (children.isEmpty()) {
      context.getSelf().tell(new StepActorStopped(job));
    }
  }

  private void watchChild(String job, ActorRef<StepActor.Command> child) {
    context.watch(child);
    children.put(job, child);
    jobOfChild.put(child.unsafeUpcast(), job);
    deps.health().actorStarted(true);
  }

  /**
   * Akka holds what this returns for the entity's life; the handlers by state are built per command instead
   * ({@link #handlersByState()}, about a microsecond). Held, their 27 cases and 54 lambdas were 1.8 KiB of each idle
   * flow's 14.5 (docs/performance.md, the restart benchmark): 18 MiB for 10,000 flows in flight.
   */
  @Override
  public CommandHandler<FlowCommand, FlowEvent, FlowState> commandHandler() {
    return (state, command) -> handlersByState().apply(state, command);
  }

  private CommandHandler<FlowCommand, FlowEvent, FlowState> handlersByState() {
    CommandHandlerBuilder<FlowCommand, FlowEvent, FlowState> builder = newCommandHandlerBuilder();
    builder.forState(state -> !state.isAccepted())
        .onCommand(SpecSeen.class, (state, cmd) -> persistThenAct(state, Recording.of(accepting(cmd.definition()))))
        .onCommand(Deleted.class, cmd -> {
          acknowledge(cmd);
          return passivate();
        })
        .onCommand(Wake.class, () -> Effect().none())
        .onCommand(Reconsider.class, () -> {
          reconsiderQueued = false;
          return Effect().none();
        });
    builder.forState(FlowEntity::isRunning)
        .onCommand(SpecSeen.class, this::onSpecSeenWhileRunning)
        .onCommand(Deleted.class, this::onDeleted)
        .onCommand(AttemptReported.class, (state, cmd) -> cmd.outcome().accept(new Reports(state)))
        .onCommand(Wake.class, (state, cmd) -> decide(state))
        .onCommand(Reconsider.class, (state, cmd) -> {
          reconsiderQueued = false;
          return decide(state);
        })
        .onCommand(ApprovalsSeen.class, (state, cmd) -> {
          seenDecisions = cmd.decisions();
          return persistThenAct(state, Approvals.decided(state, seenDecisions, meta()));
        })
        .onCommand(ApprovalTimeoutDue.class, (state, cmd) -> persistThenAct(state, Approvals.timedOut(state, now(),
            meta())));
    builder.forState(state -> state.isFinished() && !state.isDeleted())
        .onCommand(SpecSeen.class, this::onSpecSeenWhenFinished)
        .onCommand(Deleted.class, this::onDeleted);
    builder.forState(FlowState::isDeleted)
        .onCommand(SpecSeen.class, () -> Effect().none())
        .onCommand(Deleted.class, (state, cmd) -> {
          acknowledge(cmd);
          return passivateIfDone(state);
        });
    builder.forState(state -> state.isFinished() || state.isDeleted())
        .onCommand(Wake.class, (state, cmd) -> settle(state))
        .onCommand(Reconsider.class, (state, cmd) -> {
          reconsiderQueued = false;
          return settle(state);
        });
    builder.forAnyState()
        .onCommand(GetStatus.class, (state, cmd) -> Effect().none().thenRun(s -> cmd.replyTo().tell(fullStatus(s))))
        .onCommand(AttemptReported.class, (state, cmd) -> ignoreLate(cmd.outcome()))
        .onCommand(FlowCommand.Halt.class, () -> Effect().stop())
        .onCommand(ApprovalsSeen.class, (state, cmd) -> {
          seenDecisions = cmd.decisions(); // not running yet (or any more): counts once a step waits
          return Effect().none();
        })
        .onCommand(ApprovalTimeoutDue.class, () -> Effect().none())
        .onCommand(FlowCommand.LockGranted.class, this::onLockGranted)
        .onCommand(FlowCommand.LockWaiting.class, this::onLockWaiting)
        .onCommand(FlowCommand.Stop.class, (state, cmd) -> {
          // A flow in flight is handed off (rolling restart, rebalance): its step actors stop with it, and its next
          // incarnation adopts their Jobs. A done flow passivated: let its last deletions finish first.
          stopOrdered = true;
          if (passivationRequested && isRunning(state)) {
            // A command that was on its way when it asked to passivate (a retry) made it run again, but the shard
            // forgets an entity that passivated: ask for a successor at once. The shard holds this back until this
            // incarnation has stopped, then starts the next one for it, which recovers and adopts the Jobs.
            ClusterSharding.get(context.getSystem()).entityRefFor(typeKey, uid).tell(new Wake());
          }
          return children.isEmpty() || isRunning(state) ? Effect().stop() : Effect().none();
        })
        .onCommand(FlowCommand.JobsListed.class, this::onJobsListed)
        .onCommand(StepActorStopped.class, (state, cmd) ->
            stopOrdered && children.isEmpty() ? Effect().stop() : passivateIfDone(state));
    return builder.build();
  }

  /** Accepted, not finished: the only state in which anything is decided. */
  private static boolean isRunning(FlowState state) {
    return state.isAccepted() && !state.isFinished() && !state.isDeleted();
  }

  // ---- controller commands -----------------------------------------------------------------------

  private Effect<FlowEvent, FlowState> onSpecSeenWhileRunning(FlowState state, SpecSeen cmd) {
    if (cmd.definition().generation() <= state.observedGeneration()) {
      return resendStatus(state, cmd);
    }
    // A flow run from a template keeps what it accepted, whatever the template says now (or whether it still exists).
    FlowDefinition next = cmd.definition().keepingWhatRunsFrom(state.definition());
    return persistThenAct(state, Recording.of(SpecChanges.between(state, next, meta())));
  }

  /**
   * A finished flow runs again when the JobFlow carries a retry request it has not handled (see
   * {@link dev.jobflow.dag.RetryPlan} for which steps); the same command then brings any spec change of that update.
   * A request that cannot be met (the webhook refuses those) is logged and left.
   */
  private Effect<FlowEvent, FlowState> onSpecSeenWhenFinished(FlowState state, SpecSeen cmd) {
    dev.jobflow.api.RetryRequest retry = cmd.retry();
    boolean handled = retry == null || state.invalid() != null
        || state.lastRetry() != null && retry.request().equals(state.lastRetry().request());
    if (handled) {
      return resendStatus(state, cmd);
    }
    dev.jobflow.dag.RetryPlan.Plan plan = dev.jobflow.dag.RetryPlan.of(state.dag(), retry.step());
    if (!plan.isPossible()) {
      context.getLog().warn("{}: retry request '{}' not followed: {}", state.definition().id(), retry.request(),
          plan.problem());
      return resendStatus(state, cmd);
    }
    FlowEvent retried = new FlowEvent.FlowRetried(meta(), retry.request(), retry.step(), retry.requestedBy(),
        retry.requestedAt(), plan.steps());
    return persistThenAct(state, Recording.of(retried)).thenRun(s -> context.getSelf().tell(cmd));
  }

  /** The flow starts with this definition; one whose template was gone at acceptance fails at once. */
  private List<FlowEvent> accepting(FlowDefinition submitted) {
    FlowDefinition def = submitted.withLimits(deps.settings().fanOut());
    if (def.template() != null && !def.template().found()) {
      return List.of(new FlowEvent.FlowAccepted(meta(), def), new FlowEvent.FlowFailed(meta(),
          Reasons.TEMPLATE_NOT_FOUND, "JobFlowTemplate '" + def.template().name() + "' not found in namespace '"
          + def.namespace() + "' when the flow was accepted"));
    }
    return List.of(new FlowEvent.FlowAccepted(meta(), def));
  }

  /** A resync: the controller may have missed our last status (e.g. it restarted): tell it again. */
  private Effect<FlowEvent, FlowState> resendStatus(FlowState state, SpecSeen cmd) {
    return Effect().none().thenRun(s -> deps.listener().statusChanged(fullStatus(s)));
  }

  private Effect<FlowEvent, FlowState> onDeleted(FlowState state, Deleted cmd) {
    return persistThenAct(state, Recording.deletion(state, meta())).thenRun(s -> acknowledge(cmd));
  }

  private static void acknowledge(Deleted cmd) {
    if (cmd.replyTo() != null) {
      cmd.replyTo().tell(akka.Done.getInstance());
    }
  }

  // ---- locks ------------------------------------------------------------------------------------

  /**
   * The lock says we hold it. Recorded once by a running flow that asked; a flow that is done gives back what it
   * still has; a lock we never asked for (or gave back already) is given back again, idempotently.
   */
  private Effect<FlowEvent, FlowState> onLockGranted(FlowState state, FlowCommand.LockGranted cmd) {
    FlowLock lock = cmd.lock();
    lockWaits.remove(lock);
    if (isRunning(state) && state.isRequested(lock)) {
      return persistThenAct(state, Recording.of(new FlowEvent.FlowLockGranted(meta(), lock)));
    }
    if (isRunning(state) && state.holds(lock)) {
      return Effect().none();
    }
    if (!state.locksToRelease().isEmpty()) {
      return passivateIfDone(state);
    }
    deps.locks().release(lock, uid);
    return state.isAccepted() ? Effect().none() : passivate();
  }

  private Effect<FlowEvent, FlowState> onLockWaiting(FlowState state, FlowCommand.LockWaiting cmd) {
    if (!isRunning(state) || !state.isRequested(cmd.lock())) {
      return Effect().none();
    }
    lockWaits.put(cmd.lock(), cmd);
    return Effect().none().thenRun(s -> deps.listener().statusChanged(new FlowStatusUpdate(s.definition().id(),
        summary(s), List.of(), false)));
  }

  /**
   * Before a round's first step starts, the flow holds every lock it needs, taken one at a time in their order:
   * the next one missing is asked for (the request stored first), and nothing starts until it is granted.
   *
   * @return the effect that asks or waits; null when the flow holds all it needs
   */
  private Effect<FlowEvent, FlowState> awaitLocks(FlowState state) {
    if (state.roundStarted()) {
      return null;
    }
    FlowDefinition def = state.definition();
    FlowLock next = deps.locks().required(def).stream().filter(l -> !state.holds(l)).findFirst().orElse(null);
    if (next == null) {
      return null;
    }
    if (state.isRequested(next)) {
      return Effect().none(); // asked; the answer comes as LockGranted
    }
    FlowEvent asked = new FlowEvent.FlowLockRequested(meta(), next, def.effectivePriority());
    return persistThenAct(state, Recording.of(asked)).thenRun(s -> deps.locks().request(next, holder(s)));
  }

  /** A done flow gives back every lock it holds or asked for, the release stored first; none left: no effect. */
  private Effect<FlowEvent, FlowState> releaseLocks(FlowState state) {
    List<FlowLock> locks = state.locksToRelease();
    List<FlowEvent> released = locks.stream().<FlowEvent>map(l -> new FlowEvent.FlowLockReleased(meta(), l,
        state.holds(l))).toList();
    return persistThenAct(state, Recording.of(released)).thenRun(s -> {
      locks.forEach(l -> deps.locks().release(l, uid));
      lockWaits.clear();
    });
  }

  private FlowLocks.Holder holder(FlowState state) {
    FlowDefinition def = state.definition();
    return new FlowLocks.Holder(uid, def.namespace(), def.name(), def.effectivePriority(), def.createdAt());
  }

  /** The flow's summary, with its place in the queue of the lock it waits for. */
  private FlowSummary summary(FlowState state) {
    FlowSummary summary = state.summary();
    FlowLock lock = state.waitingForLock();
    FlowCommand.LockWaiting at = lock == null ? null : lockWaits.get(lock);
    if (at == null || !Reasons.WAITING_FOR_LOCK.equals(summary.reason())) {
      return summary;
    }
    return summary.waitingForLock("waiting for " + lock.describe() + ": position " + at.position() + " of "
        + at.waiters() + " (" + at.capacity() + " may hold it at once)");
  }

  // ---- step actor reports ------------------------------------------------------------------------

  /** What each report of a running attempt records; reports of attempts no longer current are ignored. */
  private final class Reports implements StepOutcome.Handler<Effect<FlowEvent, FlowState>> {
    private final FlowState state;

    Reports(FlowState state) {
      this.state = state;
    }

    @Override
    public Effect<FlowEvent, FlowState> jobCreated(StepOutcome.JobCreated r) {
      Integer step = currentStep(state, r);
      if (step == null || java.util.Objects.equals(state.dag().jobUid(step), r.jobUid())) {
        return Effect().none();
      }
      return persistThenAct(state, Recording.of(new FlowEvent.StepJobCreated(meta(), r.step(), r.attempt(), r.job(),
          r.jobUid(), r.adopted())));
    }

    @Override
    public Effect<FlowEvent, FlowState> succeeded(StepOutcome.Succeeded r) {
      if (currentStep(state, r) == null) {
        return ignoreLate(r);
      }
      return persistThenAct(state, Recording.of(new FlowEvent.StepSucceeded(meta(), r.step(), r.attempt(), r.job(),
          r.jobUid(), r.reason(), r.message(), r.outputs())));
    }

    @Override
    public Effect<FlowEvent, FlowState> failed(StepOutcome.Failed r) {
      Integer step = currentStep(state, r);
      if (step == null) {
        return ignoreLate(r);
      }
      Decision.AttemptFailure failure = Scheduler.resolveFailure(state.dag(), step, r.attempt(), r.reason(),
          r.message(), now());
      return persistThenAct(state, Recording.failure(state, failure, r.jobUid(), r.exitCode(), meta()));
    }
  }

  private Effect<FlowEvent, FlowState> ignoreLate(StepOutcome report) {
    context.getLog().debug("Ignoring a late report of {} attempt {}: {}", report.step(), report.attempt(), report);
    return Effect().none();
  }

  /** The step's index when the report is about its running attempt, else null (late, or an unknown step). */
  private static Integer currentStep(FlowState state, StepOutcome report) {
    if (state.invalid() != null || !state.dag().graph().contains(report.step())) {
      return null;
    }
    int index = state.dag().graph().indexOf(report.step());
    return Scheduler.isCurrent(state.dag(), index, report.attempt()) ? index : null;
  }

  // ---- deciding ----------------------------------------------------------------------------------

  private Effect<FlowEvent, FlowState> decide(FlowState state) {
    if (state.invalid() != null) {
      FlowEvent failed = new FlowEvent.FlowFailed(meta(), Reasons.INVALID_SPEC, state.invalid());
      return persistThenAct(state, Recording.of(failed));
    }
    Instant now = now();
    Decision decision = Scheduler.decide(state.dag(), now);
    if (decision.wakeAt() == null) {
      timers.cancel(WAKE_TIMER);
    } else {
      timers.startSingleTimer(WAKE_TIMER, new Wake(), Duration.between(now, decision.wakeAt()));
    }
    if (startsWork(decision)) {
      Effect<FlowEvent, FlowState> waiting = awaitLocks(state);
      if (waiting != null) {
        return waiting;
      }
    }
    return persistThenAct(state, Recording.of(state, decision, meta()));
  }

  /** Decisions that begin the work of a round (a step's condition, list or attempt): they wait for the locks. */
  private static boolean startsWork(Decision decision) {
    return decision instanceof Decision.StartAttempts || decision instanceof Decision.EvaluateConditions
        || decision instanceof Decision.ExpandSteps;
  }

  /** A finished or deleted flow decides nothing more: it stops once its Job deletions are done. */
  private Effect<FlowEvent, FlowState> settle(FlowState state) {
    timers.cancel(WAKE_TIMER);
    return passivateIfDone(state);
  }

  private void reconsiderSoon() {
    if (!reconsiderQueued) {
      reconsiderQueued = true;
      context.getSelf().tell(new Reconsider());
    }
  }

  /** Persist, then act: the events linked into the flow's hash chain are stored first, the side effects follow. */
  private EffectBuilder<FlowEvent, FlowState> persistThenAct(FlowState state, Recording recording) {
    if (recording.events().isEmpty()) {
      return Effect().none();
    }
    Recording chained = recording.chained(state.chainHead(HashChain.genesis(persistenceId().id())));
    persistingSinceNanos = System.nanoTime();
    return Effect().persist(chained.events()).thenRun(s -> afterPersist(s, chained));
  }

  // ---- acting (only after the events are stored) -------------------------------------------------

  private void afterPersist(FlowState state, Recording recorded) {
    state.settleChainHead(recorded.events().get(recorded.events().size() - 1), recorded.lastHash());
    if (persistingSinceNanos != 0) {
      deps.health().persisted(recorded.events().size(), Duration.ofNanos(System.nanoTime() - persistingSinceNanos));
      persistingSinceNanos = 0;
    }
    FlowId id = state.definition().id();
    TreeSet<Integer> changed = new TreeSet<>();
    for (FlowEvent event : recorded.events()) {
      deps.listener().eventRecorded(id, event);
      if (event instanceof FlowEvent.FlowAccepted) {
        lookForLostHistory(state, true);
      }
      if (event.step() != null && state.dag().graph().contains(event.step())) {
        var step = state.dag().graph().step(state.dag().graph().indexOf(event.step()));
        changed.add(step.index());
        if (step.isInstance()) {
          changed.add(step.parent()); // its fan-out step ends with its last instance: a fact derived, not recorded
        }
      }
    }
    recorded.starts().forEach(a -> startAttempt(state, a));
    recorded.stops().forEach(a -> terminate(state, jobName(state, a)));
    List<StepView> views = new ArrayList<>(changed.size());
    for (int step : changed) {
      views.add(state.stepView(step));
    }
    deps.listener().statusChanged(new FlowStatusUpdate(id, summary(state), views, false));
    awaitApprovals(state);
    reconsiderSoon();
  }

  /**
   * Arms the timer of the earliest approval timeout, and applies a decision already seen to a step that has just
   * started waiting (a decision written before its step waited, or seen again after a restart).
   */
  private void awaitApprovals(FlowState state) {
    Instant deadline = Approvals.nextDeadline(state);
    if (deadline == null) {
      timers.cancel(APPROVAL_TIMER);
    } else {
      timers.startSingleTimer(APPROVAL_TIMER, new ApprovalTimeoutDue(),
          Duration.between(now(), deadline).isNegative() ? Duration.ZERO : Duration.between(now(), deadline));
    }
    if (!seenDecisions.isEmpty() && !Approvals.decided(state, seenDecisions, meta()).events().isEmpty()) {
      context.getSelf().tell(new ApprovalsSeen(seenDecisions));
    }
  }

  private void onRecovered(FlowState state) {
    deps.health().recovered(uid, Duration.ofNanos(System.nanoTime() - startedNanos));
    state.settleChainHead();
    if (!state.isAccepted()) {
      return;
    }
    if (!state.isDeleted()) {
      lookForLostHistory(state, false);
    }
    state.terminatedJobs().forEach(job -> terminate(state, job));
    DagState dag = state.dag();
    for (int step : dag.runningSteps()) {
      startAttempt(state, new Attempt(step, dag.attempts(step)));
    }
    if (isRunning(state)) {
      // Asked before the crash, not granted yet (or granted while we were down): ask again; the lock answers alike.
      state.locksRequested().forEach(lock -> deps.locks().request(lock, holder(state)));
    }
    deps.listener().statusChanged(fullStatus(state));
    awaitApprovals(state);
    if (isRunning(state)) {
      deps.listener().resumed(state.definition().id());
    }
    reconsiderSoon();
  }

  /**
   * Before anything is decided: Jobs of attempts the journal never started mean it lost events (restored from an older
   * backup, or lost). Said once, in status and an Event; the flow then adopts those Jobs by name as it goes.
   */
  private void lookForLostHistory(FlowState state, boolean acceptedAnew) {
    if (state.historyLost() != null) {
      return;
    }
    FlowDefinition def = state.definition();
    HistoryGap.Known known = HistoryGap.known(state);
    if (known == null) {
      return;
    }
    context.pipeToSelf(deps.runtime().jobsOf(def.namespace(), def.uid()), (jobs, error) -> {
      if (error != null) { // the cache never listed: the controller does not start then; nothing to compare
        context.getLog().warn("{}: cannot compare the journal with the cluster's Jobs: {}", def.id(), error.toString());
      }
      return new FlowCommand.JobsListed(acceptedAnew, known, jobs == null ? List.of() : jobs);
    });
  }

  /**
   * Compared with what the journal knew when the list was asked for: meanwhile the flow may have recorded attempts
   * (adopting Jobs of the lost history among them), which must not hide the gap.
   */
  private Effect<FlowEvent, FlowState> onJobsListed(FlowState state, FlowCommand.JobsListed cmd) {
    if (state.historyLost() != null || !state.isAccepted() || state.isDeleted()) {
      return Effect().none();
    }
    List<String> unknown = HistoryGap.unknownJobs(cmd.known(), state, cmd.jobs());
    if (unknown.isEmpty()) {
      return Effect().none();
    }
    context.getLog().warn("{}: the journal lost history ({} Job(s) it never recorded: {})", state.definition().id(),
        unknown.size(), unknown);
    return persistThenAct(state, Recording.of(HistoryGap.lost(cmd.acceptedAnew(), unknown, meta())));
  }

  private void startAttempt(FlowState state, Attempt attempt) {
    String job = jobName(state, attempt);
    if (job == null || children.containsKey(job)) {
      return; // an approval step runs no Job: it waits for a decision (awaitApprovals)
    }
    FlowDefinition def = state.definition();
    String step = state.dag().graph().step(attempt.step()).name();
    Map<String, String> stepValues = new HashMap<>();
    String missing = state.stepValues(step, stepValues);
    if (missing != null) {
      // Decided from the journal, so the same after a restart: the attempt fails before it has a Job.
      context.getSelf().tell(new AttemptReported(new StepOutcome.Failed(step, attempt.attempt(), job, null,
          Reasons.EXPRESSION_ERROR, missing, now(), null)));
      return;
    }
    AttemptSpec spec = new AttemptSpec(new JobKey(def.namespace(), job), def.name(), def.uid(), step,
        attempt.attempt(), state.stepDefinition(step).template(), def.parameters(), stepValues,
        state.readsResultsOf(step));
    // (Re-)registered with each child: a persist-failure restart of the entity may have dropped it.
    ActorRef<StepOutcome> reports = context.messageAdapter(StepOutcome.class, AttemptReported::new);
    ActorRef<StepActor.Command> child = context.spawn(StepActor.create(spec, deps.runtime(), reports, stepSettings),
        "attempt-" + job);
    watchChild(job, child);
  }

  /** Deletes the Job: through its step actor when it runs, else with a deleter (after a restart). */
  private void terminate(FlowState state, String job) {
    if (job == null) {
      return; // an approval step: no Job to delete
    }
    ActorRef<StepActor.Command> child = children.get(job);
    if (child != null) {
      child.tell(new StepActor.Terminate("the flow stopped the attempt"));
      return;
    }
    ActorRef<StepActor.Command> deleter = context.spawn(
        StepActor.deleting(new JobKey(state.definition().namespace(), job), deps.runtime()), "delete-" + job);
    watchChild(job, deleter);
  }

  private static String jobName(FlowState state, Attempt attempt) {
    return state.jobName(state.dag().graph().step(attempt.step()).name(), attempt.attempt());
  }

  private Effect<FlowEvent, FlowState> passivateIfDone(FlowState state) {
    boolean done = state.isFinished() || state.isDeleted();
    if (done && !state.locksToRelease().isEmpty()) {
      return releaseLocks(state); // then Reconsider comes back here
    }
    if (!done || !children.isEmpty()) {
      return Effect().none();
    }
    if (!passivationRequested) {
      deps.listener().passivated(state.definition().id());
    }
    return passivate();
  }

  /** Stops at once when not sharded; else asks the shard (once), which answers with {@link FlowCommand.Stop}. */
  private Effect<FlowEvent, FlowState> passivate() {
    if (shard == null) {
      return Effect().stop();
    }
    if (!passivationRequested) {
      passivationRequested = true;
      ShardedEntities.passivate(shard, context.getSelf());
    }
    return Effect().none();
  }

  private FlowStatusUpdate fullStatus(FlowState state) {
    FlowId id = state.isAccepted() ? state.definition().id() : new FlowId(null, null, uid);
    return new FlowStatusUpdate(id, state.isAccepted() ? summary(state) : state.summary(), state.allSteps(), true);
  }

  private EventMeta meta() {
    return new EventMeta(now(), deps.settings().instanceId(), null);
  }

  private Instant now() {
    return deps.clock().instant();
  }
}
