package dev.jobflow.flow;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.TimerScheduler;
import akka.persistence.typed.PersistenceId;
import akka.actor.typed.PostStop;
import akka.actor.typed.PreRestart;
import akka.persistence.typed.RecoveryCompleted;
import akka.persistence.typed.RecoveryFailed;
import akka.persistence.typed.SnapshotAdapter;
import akka.persistence.typed.javadsl.CommandHandler;
import akka.persistence.typed.javadsl.Effect;
import akka.persistence.typed.javadsl.EventHandler;
import akka.persistence.typed.javadsl.EventSourcedBehavior;
import akka.persistence.typed.javadsl.RetentionCriteria;
import akka.persistence.typed.javadsl.SignalHandler;
import dev.jobflow.audit.FlowHistory;
import dev.jobflow.audit.HashChain;
import dev.jobflow.dag.DagState;
import dev.jobflow.dag.Decision;
import dev.jobflow.dag.Reasons;
import dev.jobflow.dag.Scheduler;
import dev.jobflow.flow.FlowCommand.AttemptFailed;
import dev.jobflow.flow.FlowCommand.AttemptJobCreated;
import dev.jobflow.flow.FlowCommand.AttemptSucceeded;
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
import java.time.Clock;
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
 */
public final class FlowEntity extends EventSourcedBehavior<FlowCommand, FlowEvent, FlowState> {
  /** The entity type in persistence ids: {@code JobFlow|<uid>}. */
  public static final String ENTITY_TYPE = "JobFlow";
  private static final String WAKE_TIMER = "wake";
  // Step outcomes arrive while events are stored; dropping one would lose a step, so the stash is large.
  private static final int STASH_CAPACITY = 1_000_000;

  /** What an entity needs from its surroundings. */
  public record Dependencies(EngineSettings settings, JobRuntime runtime, FlowObserver observer, Clock clock) {}

  private final String uid;
  private final ActorContext<FlowCommand> context;
  private final TimerScheduler<FlowCommand> timers;
  private final Dependencies deps;
  private final StepActor.Settings stepSettings;
  private final int snapshotInterval;
  /** Who must stop delivering before the entity stops (null: stop at once). */
  private final ActorRef<FlowRouter.Command> router;
  private boolean passivationRequested;
  private boolean stopOrdered;
  /** Live step actors by Job name: side-effect bookkeeping, rebuilt on recovery, never persisted. */
  private final Map<String, ActorRef<StepActor.Command>> children = new HashMap<>();

  /** When the current recovery began. A restart never runs this constructor again: PreRestart resets it. */
  private long startedNanos = System.nanoTime();
  /** When the batch being stored was handed to the journal; 0 when none is in flight. */
  private long persistingSinceNanos;

  private FlowEntity(String uid, ActorContext<FlowCommand> context, TimerScheduler<FlowCommand> timers,
                     Dependencies deps, int expectedSteps, ActorRef<FlowRouter.Command> router) {
    // A failed write restarts the entity with backoff: it replays the journal and decides again, so no
    // event is lost and no step started twice while the database is away.
    super(persistenceId(uid), persistFailureBackoff(context));
    deps.observer().actorStarted(false);
    this.uid = uid;
    this.context = context;
    this.timers = timers;
    this.deps = deps;
    this.stepSettings = new StepActor.Settings(deps.settings().createMinBackoff(),
        deps.settings().createMaxBackoff(), deps.clock());
    this.snapshotInterval = deps.settings().snapshotInterval(expectedSteps);
    this.router = router;
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
    return create(uid, deps, expectedSteps, null);
  }

  /**
   * An entity owned by {@code router}: to passivate, it asks the router, which holds back new commands for it until
   * it has stopped (and then starts it again if any came), so no command is lost to a stopping entity.
   */
  static Behavior<FlowCommand> create(String uid, Dependencies deps, int expectedSteps,
                                      ActorRef<FlowRouter.Command> router) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(
        timers -> new FlowEntity(uid, ctx, timers, deps, expectedSteps, router)));
  }

  private static akka.actor.typed.BackoffSupervisorStrategy persistFailureBackoff(ActorContext<?> context) {
    var config = context.getSystem().settings().config();
    String path = "jobflow.journal.persist-failure-backoff";
    PersistFailureBackoff backoff = config.hasPath(path)
        ? PersistFailureBackoff.fromConfig(config.getConfig(path))
        : new PersistFailureBackoff(java.time.Duration.ofSeconds(1), java.time.Duration.ofSeconds(30), 0.2);
    return backoff.strategy();
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
    if (event instanceof FlowEvent.FlowAccepted accepted) {
      // Lets the audit trail find every flow ever run under a name (FlowHistory.nameTag).
      FlowDefinition def = accepted.definition();
      return Set.of(EngineSettings.TAG, deps.settings().shardTag(uid), FlowHistory.nameTag(def.namespace(), def.name()));
    }
    return Set.of(EngineSettings.TAG, deps.settings().shardTag(uid));
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
            deps.observer().recoveryFailed(uid, java.time.Duration.ofNanos(System.nanoTime() - startedNanos)))
        .onSignal(PreRestart.instance(), state -> {
          // A journal failure restarts this same actor (still alive: still counted) after a backoff, and the
          // supervisor stops its children. The next recovery's time includes the backoff.
          released();
          startedNanos = System.nanoTime();
        })
        .onSignal(PostStop.instance(), state -> {
          released();
          deps.observer().actorStopped(false);
        })
        .build();
  }

  private void released() {
    if (persistingSinceNanos != 0) {
      deps.observer().persistFailed(uid); // stopped while the journal had not confirmed a write
      persistingSinceNanos = 0;
    }
    // Children stop with their entity, and with each restart of it.
    children.values().forEach(c -> deps.observer().actorStopped(true));
    children.clear();
  }

  @Override
  public CommandHandler<FlowCommand, FlowEvent, FlowState> commandHandler() {
    return newCommandHandlerBuilder().forAnyState()
        .onCommand(SpecSeen.class, this::onSpecSeen)
        .onCommand(Deleted.class, this::onDeleted)
        .onCommand(GetStatus.class, (state, cmd) -> {
          cmd.replyTo().tell(fullStatus(state));
          return Effect().none();
        })
        .onCommand(AttemptJobCreated.class, this::onJobCreated)
        .onCommand(AttemptSucceeded.class, this::onSucceeded)
        .onCommand(AttemptFailed.class, this::onFailed)
        .onCommand(Wake.class, (state, cmd) -> reconsider(state))
        .onCommand(Reconsider.class, (state, cmd) -> reconsider(state))
        .onCommand(FlowCommand.Stop.class, (state, cmd) -> {
          stopOrdered = true;
          return children.isEmpty() ? Effect().stop() : Effect().none();
        })
        .onCommand(StepActorStopped.class, (state, cmd) -> {
          if (children.remove(cmd.job()) != null) {
            deps.observer().actorStopped(true);
          }
          return stopOrdered && children.isEmpty() ? Effect().stop() : passivateIfDone(state);
        })
        .build();
  }

  // ---- controller commands -----------------------------------------------------------------------

  private Effect<FlowEvent, FlowState> onSpecSeen(FlowState state, SpecSeen cmd) {
    FlowDefinition def = cmd.definition();
    if (state.isDeleted()) {
      return Effect().none();
    }
    if (!state.isAccepted()) {
      return persist(state, accepting(def));
    }
    if (state.isFinished() || def.generation() <= state.observedGeneration()) {
      // A resync: the controller may have missed our last status (e.g. it restarted): tell it again.
      deps.observer().statusChanged(fullStatus(state));
      return Effect().none();
    }
    return persist(state, SpecChanges.between(state, def.keepingWhatRunsFrom(state.definition()), meta()));
  }

  /** The flow starts with this definition; one whose template was gone at acceptance fails at once. */
  private List<FlowEvent> accepting(FlowDefinition def) {
    if (def.template() != null && !def.template().found()) {
      return List.of(new FlowEvent.FlowAccepted(meta(), def), new FlowEvent.FlowFailed(meta(),
          Reasons.TEMPLATE_NOT_FOUND, "JobFlowTemplate '" + def.template().name() + "' not found in namespace '"
          + def.namespace() + "' when the flow was accepted"));
    }
    return List.of(new FlowEvent.FlowAccepted(meta(), def));
  }

  private Effect<FlowEvent, FlowState> onDeleted(FlowState state, Deleted cmd) {
    if (!state.isAccepted()) {
      acknowledge(cmd);
      return Effect().stop();
    }
    if (state.isDeleted()) {
      acknowledge(cmd);
      return passivateIfDone(state);
    }
    List<FlowEvent> events = new ArrayList<>();
    if (!state.isFinished()) {
      DagState dag = state.dag();
      String message = "the JobFlow was deleted";
      for (int step : dag.runningSteps()) {
        String name = dag.graph().step(step).name();
        events.add(new FlowEvent.StepCancelled(meta(), name, dag.attempts(step),
            state.jobName(name, dag.attempts(step)), dag.jobUid(step), Reasons.FLOW_DELETED, message));
      }
      events.add(new FlowEvent.FlowCancelled(meta(), Reasons.FLOW_DELETED, message));
    }
    events.add(new FlowEvent.FlowDeleted(meta()));
    List<FlowEvent> linked = chained(state, events);
    return Effect().persist(linked).thenRun(s -> afterPersist(s, linked)).thenRun(s -> acknowledge(cmd));
  }

  private static void acknowledge(Deleted cmd) {
    if (cmd.replyTo() != null) {
      cmd.replyTo().tell(akka.Done.getInstance());
    }
  }

  // ---- step actor reports ------------------------------------------------------------------------

  private Effect<FlowEvent, FlowState> onJobCreated(FlowState state, AttemptJobCreated cmd) {
    Integer step = currentStep(state, cmd.step(), cmd.attempt());
    if (step == null || java.util.Objects.equals(state.dag().jobUid(step), cmd.jobUid())) {
      return Effect().none();
    }
    return persist(state, List.of(new FlowEvent.StepJobCreated(meta(), cmd.step(), cmd.attempt(), cmd.job(), cmd.jobUid(),
        cmd.adopted())));
  }

  private Effect<FlowEvent, FlowState> onSucceeded(FlowState state, AttemptSucceeded cmd) {
    if (currentStep(state, cmd.step(), cmd.attempt()) == null) {
      context.getLog().debug("Ignoring late success of {} attempt {}", cmd.step(), cmd.attempt());
      return Effect().none();
    }
    return persist(state, List.of(new FlowEvent.StepSucceeded(meta(), cmd.step(), cmd.attempt(), cmd.job(), cmd.jobUid(),
        cmd.reason(), cmd.message())));
  }

  private Effect<FlowEvent, FlowState> onFailed(FlowState state, AttemptFailed cmd) {
    Integer step = currentStep(state, cmd.step(), cmd.attempt());
    if (step == null) {
      context.getLog().debug("Ignoring late failure of {} attempt {}", cmd.step(), cmd.attempt());
      return Effect().none();
    }
    Decision.AttemptFailure failure = Scheduler.resolveFailure(state.dag(), step, cmd.attempt(), cmd.reason(),
        cmd.message(), now());
    return persist(state, List.of(DecisionEvents.failure(state, failure, cmd.jobUid(), meta())));
  }

  private Integer currentStep(FlowState state, String step, int attempt) {
    if (!state.isAccepted() || state.invalid() != null || !state.dag().graph().contains(step)) {
      return null;
    }
    int index = state.dag().graph().indexOf(step);
    return Scheduler.isCurrent(state.dag(), index, attempt) ? index : null;
  }

  // ---- deciding ----------------------------------------------------------------------------------

  private Effect<FlowEvent, FlowState> reconsider(FlowState state) {
    if (!state.isAccepted()) {
      return Effect().none();
    }
    if (state.isFinished() || state.isDeleted()) {
      timers.cancel(WAKE_TIMER);
      return passivateIfDone(state);
    }
    if (state.invalid() != null) {
      return persist(state, List.of(new FlowEvent.FlowFailed(meta(), Reasons.INVALID_SPEC, state.invalid())));
    }
    Instant now = now();
    Decision d = Scheduler.decide(state.dag(), now);
    if (d.wakeAt() == null) {
      timers.cancel(WAKE_TIMER);
    } else {
      timers.startSingleTimer(WAKE_TIMER, new Wake(), java.time.Duration.between(now, d.wakeAt()));
    }
    if (d.isEmpty()) {
      return Effect().none();
    }
    return persist(state, DecisionEvents.of(state, d, meta()));
  }

  private Effect<FlowEvent, FlowState> persist(FlowState state, List<FlowEvent> events) {
    if (events.isEmpty()) {
      return Effect().none();
    }
    List<FlowEvent> linked = chained(state, events);
    persistingSinceNanos = System.nanoTime();
    return Effect().persist(linked).thenRun(s -> afterPersist(s, linked));
  }

  /** The events linked into the flow's hash chain (tamper evidence for the audit trail). */
  private List<FlowEvent> chained(FlowState state, List<FlowEvent> events) {
    return HashChain.link(state.chainHead(HashChain.genesis(persistenceId().id())), events).events();
  }

  // ---- acting (only after the events are stored) -------------------------------------------------

  private void afterPersist(FlowState state, List<FlowEvent> events) {
    if (persistingSinceNanos != 0) {
      deps.observer().persisted(events.size(), java.time.Duration.ofNanos(System.nanoTime() - persistingSinceNanos));
      persistingSinceNanos = 0;
    }
    FlowId id = state.definition().id();
    TreeSet<Integer> changed = new TreeSet<>();
    for (FlowEvent event : events) {
      deps.observer().eventRecorded(id, event);
      if (event.step() != null && state.dag().graph().contains(event.step())) {
        changed.add(state.dag().graph().indexOf(event.step()));
      }
      if (event instanceof FlowEvent.StepAttemptStarted e) {
        startAttempt(state, e.step(), e.attempt());
      } else if (event instanceof FlowEvent.StepCancelled e) {
        terminate(state, e.job(), e.reason());
      } else if (event instanceof FlowEvent.StepRetryScheduled e && Reasons.STEP_TIMED_OUT.equals(e.reason())) {
        terminate(state, e.job(), e.reason());
      } else if (event instanceof FlowEvent.StepFailed e && Reasons.STEP_TIMED_OUT.equals(e.reason())) {
        terminate(state, e.job(), e.reason());
      }
    }
    List<StepView> views = new ArrayList<>(changed.size());
    for (int step : changed) {
      views.add(state.stepView(step));
    }
    deps.observer().statusChanged(new FlowStatusUpdate(id, state.summary(), views, false));
    context.getSelf().tell(new Reconsider());
  }

  private void onRecovered(FlowState state) {
    deps.observer().recovered(uid, java.time.Duration.ofNanos(System.nanoTime() - startedNanos));
    if (!state.isAccepted()) {
      return;
    }
    for (String job : state.terminatedJobs()) {
      terminate(state, job, "recovered");
    }
    DagState dag = state.dag();
    for (int step : dag.runningSteps()) {
      startAttempt(state, dag.graph().step(step).name(), dag.attempts(step));
    }
    deps.observer().statusChanged(fullStatus(state));
    context.getSelf().tell(new Reconsider());
  }

  private void startAttempt(FlowState state, String step, int attempt) {
    String job = state.jobName(step, attempt);
    if (children.containsKey(job)) {
      return;
    }
    FlowDefinition def = state.definition();
    StepDefinition stepDef = state.stepDefinition(step);
    AttemptSpec spec = new AttemptSpec(new JobKey(def.namespace(), job), def.name(), def.uid(), step, attempt,
        stepDef.jobSpec(), def.parameters());
    ActorRef<StepActor.Command> child = context.spawn(
        StepActor.create(spec, deps.runtime(), context.getSelf(), stepSettings), "attempt-" + job);
    context.watchWith(child, new StepActorStopped(job));
    children.put(job, child);
    deps.observer().actorStarted(true);
  }

  private void terminate(FlowState state, String job, String reason) {
    ActorRef<StepActor.Command> child = children.get(job);
    if (child != null) {
      child.tell(new StepActor.Terminate(reason));
      return;
    }
    ActorRef<StepActor.Command> deleter = context.spawn(
        StepActor.deleting(new JobKey(state.definition().namespace(), job), deps.runtime()), "delete-" + job);
    context.watchWith(deleter, new StepActorStopped(job));
    children.put(job, deleter);
    deps.observer().actorStarted(true);
  }

  private Effect<FlowEvent, FlowState> passivateIfDone(FlowState state) {
    boolean done = state.isFinished() || state.isDeleted();
    if (!done || !children.isEmpty()) {
      return Effect().none();
    }
    if (router == null) {
      deps.observer().passivated(state.definition().id());
      return Effect().stop();
    }
    if (!passivationRequested) {
      passivationRequested = true;
      deps.observer().passivated(state.definition().id());
      router.tell(new FlowRouter.Passivate(uid));
    }
    return Effect().none();
  }

  private FlowStatusUpdate fullStatus(FlowState state) {
    FlowId id = state.isAccepted() ? state.definition().id() : new FlowId(null, null, uid);
    return new FlowStatusUpdate(id, state.summary(), state.allSteps(), true);
  }

  private EventMeta meta() {
    return new EventMeta(now(), deps.settings().instanceId(), null);
  }

  private Instant now() {
    return deps.clock().instant();
  }
}
