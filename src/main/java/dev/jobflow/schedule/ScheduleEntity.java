package dev.jobflow.schedule;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.TimerScheduler;
import akka.cluster.sharding.typed.javadsl.ClusterSharding;
import akka.persistence.typed.PersistenceId;
import akka.persistence.typed.RecoveryCompleted;
import akka.persistence.typed.javadsl.CommandHandler;
import akka.persistence.typed.javadsl.Effect;
import akka.persistence.typed.javadsl.EventHandler;
import akka.persistence.typed.javadsl.EventSourcedBehavior;
import akka.persistence.typed.javadsl.RetentionCriteria;
import akka.persistence.typed.javadsl.SignalHandler;
import dev.jobflow.cluster.ShardedEntities;
import dev.jobflow.journal.PersistFailureBackoff;
import dev.jobflow.schedule.ScheduleCommand.Deleted;
import dev.jobflow.schedule.ScheduleCommand.FlowCreateFailed;
import dev.jobflow.schedule.ScheduleCommand.FlowCreated;
import dev.jobflow.schedule.ScheduleCommand.FlowGone;
import dev.jobflow.schedule.ScheduleCommand.FlowSeen;
import dev.jobflow.schedule.ScheduleCommand.GetStatus;
import dev.jobflow.schedule.ScheduleCommand.HistoryDeleteFailed;
import dev.jobflow.schedule.ScheduleCommand.RetryCreates;
import dev.jobflow.schedule.ScheduleCommand.SpecSeen;
import dev.jobflow.schedule.ScheduleCommand.Tick;
import dev.jobflow.schedule.ScheduleEvent.EventMeta;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One CronJobFlow, event-sourced: decides each firing with {@link FiringRules}, records it ({@code ScheduleFired}
 * with the scheduled time) and only then creates the run's flow under its deterministic name, adopting it when it
 * already exists. A crash between the two re-creates (adopts) the flow after recovery, and a time once handled is
 * never due again: no firing runs twice, none is lost. Persistence id {@code CronJobFlow|<uid>}; started by
 * {@link ScheduleRouter} by uid, so it can move under cluster sharding unchanged.
 */
public final class ScheduleEntity extends EventSourcedBehavior<ScheduleCommand, ScheduleEvent, ScheduleState> {
  /** The entity type in persistence ids: {@code CronJobFlow|<uid>}. */
  public static final String ENTITY_TYPE = "CronJobFlow";
  public static final String TAG = "jobflow-schedule";
  private static final String TICK_TIMER = "tick";
  private static final String RETRY_TIMER = "retry-creates";
  /** Decide at least this often, whatever the next time: a wall clock that jumped is noticed. */
  private static final Duration MAX_SLEEP = Duration.ofMinutes(5);

  /** What an entity needs from its surroundings. */
  public record Dependencies(String instanceId, ScheduleRuntime runtime, ScheduleObserver observer,
                             ScheduleClock clock, Duration createRetry) {}

  private final String uid;
  private final ActorContext<ScheduleCommand> context;
  private final TimerScheduler<ScheduleCommand> timers;
  private final Dependencies deps;
  /** The shard to passivate through; null when not sharded. */
  private final ActorRef<ClusterSharding.ShardCommand> shard;
  /** The latest spec seen: the cluster's, delivered again after every restart; never persisted. */
  private ScheduleDefinition definition;
  private Instant nextAt;
  /** The runs' flows as the informer shows them, by name: side-effect bookkeeping for history limits. */
  private final Map<String, FlowSeen> children = new HashMap<>();
  private final Set<String> creating = new HashSet<>();
  private final Set<String> deleting = new HashSet<>();

  private ScheduleEntity(String uid, ActorContext<ScheduleCommand> context, TimerScheduler<ScheduleCommand> timers,
                         Dependencies deps, ActorRef<ClusterSharding.ShardCommand> shard) {
    super(persistenceId(uid), PersistFailureBackoff.strategyOf(context.getSystem()));
    this.shard = shard;
    this.uid = uid;
    this.context = context;
    this.timers = timers;
    this.deps = deps;
  }

  public static Behavior<ScheduleCommand> create(String uid, Dependencies deps) {
    return create(uid, deps, null);
  }

  /**
   * A sharded entity: it stops by passivating through {@code shard} (null: stops at once), never by itself, since a
   * remembered entity that stops by itself is started again.
   */
  public static Behavior<ScheduleCommand> create(String uid, Dependencies deps,
                                                 ActorRef<ClusterSharding.ShardCommand> shard) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> new ScheduleEntity(uid, ctx, timers, deps, shard)));
  }

  public static PersistenceId persistenceId(String uid) {
    return PersistenceId.of(ENTITY_TYPE, uid);
  }

  @Override
  public ScheduleState emptyState() {
    return ScheduleState.empty();
  }

  @Override
  public Set<String> tagsFor(ScheduleEvent event) {
    return Set.of(TAG);
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(100, 2);
  }

  @Override
  public EventHandler<ScheduleState, ScheduleEvent> eventHandler() {
    return newEventHandlerBuilder().forAnyState().onAnyEvent(ScheduleState::apply);
  }

  @Override
  public SignalHandler<ScheduleState> signalHandler() {
    // The pending work of the journal (flows to create, runs to cancel) is taken up once the spec is known.
    return newSignalHandlerBuilder().onSignal(RecoveryCompleted.instance(), state -> {
      if (definition == null && !state.deleted() && !state.equals(ScheduleState.empty())) {
        deps.observer().resumed(uid);
      }
    }).build();
  }

  @Override
  public CommandHandler<ScheduleCommand, ScheduleEvent, ScheduleState> commandHandler() {
    return newCommandHandlerBuilder().forAnyState()
        .onCommand(SpecSeen.class, this::onSpecSeen)
        .onCommand(Tick.class, (state, cmd) -> decide(state))
        .onCommand(FlowCreated.class, this::onFlowCreated)
        .onCommand(FlowCreateFailed.class, this::onFlowCreateFailed)
        .onCommand(RetryCreates.class, (state, cmd) -> {
          createPending(state);
          return Effect().none();
        })
        .onCommand(FlowSeen.class, this::onFlowSeen)
        .onCommand(FlowGone.class, this::onFlowGone)
        .onCommand(HistoryDeleteFailed.class, (state, cmd) -> {
          deleting.remove(cmd.flowName());
          return Effect().none();
        })
        .onCommand(Deleted.class, this::onDeleted)
        .onCommand(ScheduleCommand.Stop.class, () -> Effect().stop())
        .onCommand(GetStatus.class, (state, cmd) -> {
          cmd.replyTo().tell(status(state));
          return Effect().none();
        })
        .build();
  }

  private Effect<ScheduleEvent, ScheduleState> onDeleted(ScheduleState state, Deleted cmd) {
    if (state.deleted()) {
      return stop();
    }
    ScheduleEvent deleted = new ScheduleEvent.ScheduleDeleted(meta());
    var stored = Effect().persist(deleted).thenRun(s -> recorded(s, List.of(deleted)));
    return shard == null ? stored.thenStop() : stored.thenRun(s -> ShardedEntities.passivate(shard, context.getSelf()));
  }

  private Effect<ScheduleEvent, ScheduleState> onSpecSeen(ScheduleState state, SpecSeen cmd) {
    boolean first = definition == null;
    definition = cmd.definition();
    if (state.deleted()) {
      return Effect().none();
    }
    if (first) {
      // After a restart: create (adopt) the flows of runs fired but not known to exist, cancel replaced runs again.
      createPending(state);
      state.active().forEach((name, run) -> {
        if (run.stopRequested()) {
          deps.runtime().terminate(definition.namespace(), name, run.flowUid());
        }
      });
    }
    return decide(state);
  }

  // ---- deciding ----------------------------------------------------------------------------------

  private Effect<ScheduleEvent, ScheduleState> decide(ScheduleState state) {
    if (definition == null || state.deleted()) {
      return Effect().none();
    }
    ScheduleSpec spec = definition.scheduleSpec();
    if (spec != null && spec.startingDeadline() != null) {
      spec = new ScheduleSpec(spec.schedule(), spec.concurrencyPolicy(),
          deps.clock().scheduleTime(spec.startingDeadline()), spec.suspend());
    }
    Instant now = deps.clock().now();
    Firing firing = spec == null ? new Firing.Wait(null)
        : FiringRules.decide(spec, definition.createdAt(), state.lastHandled(), state.activeNames(), now);
    if (firing instanceof Firing.Wait wait) {
      nextAt = wait.nextAt();
      if (nextAt == null) {
        timers.cancel(TICK_TIMER);
      } else {
        Duration delay = deps.clock().realDelay(Duration.between(now, nextAt));
        timers.startSingleTimer(TICK_TIMER, new Tick(), delay.compareTo(MAX_SLEEP) > 0 ? MAX_SLEEP
            : delay.isNegative() || delay.isZero() ? Duration.ofMillis(1) : delay);
      }
      deps.observer().statusChanged(status(state));
      return Effect().none();
    }
    ScheduleEvent event;
    if (firing instanceof Firing.Fire fire) {
      event = new ScheduleEvent.ScheduleFired(meta(), fire.scheduledTime(),
          ScheduledFlows.name(definition.name(), fire.scheduledTime()), fire.missed(), fire.replacing());
    } else if (firing instanceof Firing.Skip skip) {
      event = new ScheduleEvent.FiringSkipped(meta(), skip.scheduledTime(), skip.reason(), skip.message());
    } else {
      Firing.Miss miss = (Firing.Miss) firing;
      event = new ScheduleEvent.FiringsMissed(meta(), miss.latest(), miss.count(), miss.message());
    }
    return Effect().persist(event).thenRun(s -> {
      if (event instanceof ScheduleEvent.ScheduleFired fired) {
        for (String replaced : fired.replacing()) {
          ScheduleState.Run run = s.active().get(replaced);
          deps.runtime().terminate(definition.namespace(), replaced, run == null ? null : run.flowUid());
        }
        createPending(s);
      }
      recorded(s, List.of(event));
      context.getSelf().tell(new Tick());
    });
  }

  // ---- acting (only after the events are stored) -------------------------------------------------

  /** Creates (or adopts) the flow of every run fired whose flow is not known to exist. */
  private void createPending(ScheduleState state) {
    if (definition == null) {
      return;
    }
    state.active().forEach((name, run) -> {
      if (run.flowUid() != null || !creating.add(name)) {
        return;
      }
      var flow = ScheduledFlows.build(definition, run.scheduledTime());
      context.pipeToSelf(deps.runtime().createIfAbsent(flow), (created, failure) -> {
        if (failure == null) {
          return new FlowCreated(name, created.uid(), created.adopted());
        }
        Throwable cause = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
            ? failure.getCause() : failure;
        if (cause instanceof ScheduleRuntime.FlowRefusedException refused) {
          return new FlowCreateFailed(name, true, refused.reason(), refused.getMessage());
        }
        return new FlowCreateFailed(name, false, "CreateFailed", String.valueOf(cause.getMessage()));
      });
    });
  }

  private Effect<ScheduleEvent, ScheduleState> onFlowCreated(ScheduleState state, FlowCreated cmd) {
    creating.remove(cmd.flowName());
    ScheduleState.Run run = state.active().get(cmd.flowName());
    if (run == null || cmd.flowUid().equals(run.flowUid())) {
      return Effect().none();
    }
    return persistAll(List.of(new ScheduleEvent.ScheduledFlowCreated(meta(), run.scheduledTime(), cmd.flowName(),
        cmd.flowUid(), cmd.adopted())));
  }

  private Effect<ScheduleEvent, ScheduleState> onFlowCreateFailed(ScheduleState state, FlowCreateFailed cmd) {
    creating.remove(cmd.flowName());
    ScheduleState.Run run = state.active().get(cmd.flowName());
    if (run == null || run.flowUid() != null) {
      return Effect().none();
    }
    if (!cmd.permanent()) {
      context.getLog().warn("creating flow {} failed ({}); trying again in {}", cmd.flowName(), cmd.message(),
          deps.createRetry());
      timers.startSingleTimer(RETRY_TIMER, new RetryCreates(), deps.createRetry());
      return Effect().none();
    }
    return persistAll(List.of(new ScheduleEvent.ScheduledFlowFailed(meta(), run.scheduledTime(), cmd.flowName(),
        cmd.reason(), cmd.message())));
  }

  private Effect<ScheduleEvent, ScheduleState> onFlowSeen(ScheduleState state, FlowSeen seen) {
    if (state.deleted()) {
      return stop(); // started again by a late message about a flow of a deleted schedule
    }
    children.put(seen.name(), seen);
    ScheduleState.Run run = state.active().get(seen.name());
    List<ScheduleEvent> events = new ArrayList<>();
    if (run != null && (run.flowUid() == null || run.flowUid().equals(seen.uid()))) {
      if (run.flowUid() == null) {
        events.add(new ScheduleEvent.ScheduledFlowCreated(meta(), run.scheduledTime(), seen.name(), seen.uid(), true));
      }
      if (seen.phase() != null && seen.phase().isFinished()) {
        events.add(new ScheduleEvent.ScheduledFlowFinished(meta(), seen.name(), seen.uid(), seen.phase(),
            seen.finishedAt()));
      }
    }
    if (events.isEmpty()) {
      deleteBeyondHistory();
      return Effect().none();
    }
    return persistAll(events);
  }

  private Effect<ScheduleEvent, ScheduleState> onFlowGone(ScheduleState state, FlowGone gone) {
    if (state.deleted()) {
      return stop();
    }
    children.remove(gone.name());
    deleting.remove(gone.name());
    ScheduleState.Run run = state.active().get(gone.name());
    if (run == null || creating.contains(gone.name()) || (run.flowUid() != null && !run.flowUid().equals(gone.uid()))) {
      return Effect().none();
    }
    return persistAll(List.of(new ScheduleEvent.ScheduledFlowFinished(meta(), gone.name(), gone.uid(), null,
        deps.clock().now())));
  }

  private Effect<ScheduleEvent, ScheduleState> persistAll(List<ScheduleEvent> events) {
    return Effect().persist(events).thenRun(s -> {
      recorded(s, events);
      deleteBeyondHistory();
      context.getSelf().tell(new Tick());
    });
  }

  /** Deletes the finished runs beyond the history limits (idempotent: a flow already gone is fine). */
  private void deleteBeyondHistory() {
    if (definition == null) {
      return;
    }
    List<HistoryRules.Run> runs = new ArrayList<>();
    for (FlowSeen c : children.values()) {
      runs.add(new HistoryRules.Run(c.name(), c.uid(), c.scheduledTime(), c.phase()));
    }
    for (HistoryRules.Run r : HistoryRules.toDelete(runs, definition.successfulFlowsHistoryLimit(),
        definition.failedFlowsHistoryLimit())) {
      if (deleting.add(r.name())) {
        context.pipeToSelf(deps.runtime().delete(definition.namespace(), r.name(), r.uid()),
            (ok, failure) -> failure == null ? new Tick() : new HistoryDeleteFailed(r.name()));
      }
    }
  }

  private void recorded(ScheduleState state, List<ScheduleEvent> events) {
    for (ScheduleEvent e : events) {
      deps.observer().eventRecorded(definition, e);
    }
    deps.observer().statusChanged(status(state));
  }

  private ScheduleStatus status(ScheduleState state) {
    List<ScheduleStatus.ActiveRun> active = new ArrayList<>();
    state.active().forEach((name, run) -> active.add(new ScheduleStatus.ActiveRun(name, run.flowUid(),
        run.scheduledTime())));
    ScheduleDefinition d = definition;
    return new ScheduleStatus(d == null ? null : d.namespace(), d == null ? null : d.name(), uid,
        d == null ? 0 : d.generation(), state.lastScheduleTime(), state.lastSuccessfulTime(),
        d == null || d.suspend() || d.invalid() != null ? null : nextAt, active, d != null && d.suspend(),
        d == null ? null : d.invalid());
  }

  private EventMeta meta() {
    return new EventMeta(deps.clock().now(), deps.instanceId());
  }

  /** Stops at once when not sharded; else asks the shard, which answers with {@link ScheduleCommand.Stop}. */
  private Effect<ScheduleEvent, ScheduleState> stop() {
    if (shard == null) {
      return Effect().stop();
    }
    ShardedEntities.passivate(shard, context.getSelf());
    return Effect().none();
  }
}
