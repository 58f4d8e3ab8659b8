package dev.jobflow.trigger;

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
import dev.jobflow.trigger.TriggerCommand.Created;
import dev.jobflow.trigger.TriggerCommand.Deleted;
import dev.jobflow.trigger.TriggerCommand.Duplicate;
import dev.jobflow.trigger.TriggerCommand.Failed;
import dev.jobflow.trigger.TriggerCommand.Fire;
import dev.jobflow.trigger.TriggerCommand.FireReply;
import dev.jobflow.trigger.TriggerCommand.FlowCreateFailed;
import dev.jobflow.trigger.TriggerCommand.FlowCreated;
import dev.jobflow.trigger.TriggerCommand.RateLimited;
import dev.jobflow.trigger.TriggerCommand.RetryCreates;
import dev.jobflow.trigger.TriggerCommand.SpecSeen;
import dev.jobflow.trigger.TriggerCommand.Unavailable;
import dev.jobflow.trigger.TriggerEvent.EventMeta;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One JobFlowTrigger, event-sourced: the one writer that decides whether a firing is new (no firing with its
 * fingerprint accepted within the window, the rate limit not hit), records it ({@code AlertAccepted}, with the flow's
 * deterministic name) and only then creates the flow, adopting it when it already exists. A duplicate is answered
 * from the journal's state, so it creates no second flow after a restart either; a crash between storing and
 * creating creates (adopts) the flow after recovery. Persistence id {@code JobFlowTrigger|<uid>}; started by
 * {@link TriggerRouter}'s shard region by uid, on whichever replica owns its shard.
 */
public final class TriggerEntity extends EventSourcedBehavior<TriggerCommand, TriggerEvent, TriggerState> {
  /** The entity type in persistence ids: {@code JobFlowTrigger|<uid>}. */
  public static final String ENTITY_TYPE = "JobFlowTrigger";
  public static final String TAG = "jobflow-trigger";
  private static final String RETRY_TIMER = "retry-creates";
  /** Retry-After is in whole seconds, and never 0 (that would invite an immediate retry into the same limit). */
  private static final Duration MIN_RETRY_AFTER = Duration.ofSeconds(1);

  /** What an entity needs from its surroundings. */
  public record Dependencies(String instanceId, TriggerRuntime runtime, TriggerObserver observer, Clock clock,
                             Duration createRetry) {}

  private final ActorContext<TriggerCommand> context;
  private final TimerScheduler<TriggerCommand> timers;
  private final Dependencies deps;
  private final String uid;
  /** The shard to passivate through; null when not sharded. */
  private final ActorRef<ClusterSharding.ShardCommand> shard;
  /** The latest spec seen: the cluster's, delivered again after every restart; never persisted. */
  private TriggerDefinition definition;
  private final Set<String> creating = new HashSet<>();
  /** Senders waiting for their flow to be created, by flow name (in memory: a restart answers none of them). */
  private final Map<String, List<ActorRef<FireReply>>> waiting = new HashMap<>();

  private TriggerEntity(String uid, ActorContext<TriggerCommand> context, TimerScheduler<TriggerCommand> timers,
                        Dependencies deps, ActorRef<ClusterSharding.ShardCommand> shard) {
    super(persistenceId(uid), PersistFailureBackoff.strategyOf(context.getSystem()));
    this.uid = uid;
    this.context = context;
    this.timers = timers;
    this.deps = deps;
    this.shard = shard;
  }

  public static Behavior<TriggerCommand> create(String uid, Dependencies deps) {
    return create(uid, deps, null);
  }

  /**
   * A sharded entity: it stops by passivating through {@code shard} (null: stops at once), never by itself, since a
   * remembered entity that stops by itself is started again.
   */
  public static Behavior<TriggerCommand> create(String uid, Dependencies deps,
                                                ActorRef<ClusterSharding.ShardCommand> shard) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> new TriggerEntity(uid, ctx, timers, deps, shard)));
  }

  public static PersistenceId persistenceId(String uid) {
    return PersistenceId.of(ENTITY_TYPE, uid);
  }

  @Override
  public TriggerState emptyState() {
    return TriggerState.empty();
  }

  @Override
  public Set<String> tagsFor(TriggerEvent event) {
    return Set.of(TAG);
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(100, 2);
  }

  @Override
  public EventHandler<TriggerState, TriggerEvent> eventHandler() {
    return newEventHandlerBuilder().forAnyState().onAnyEvent(TriggerState::apply);
  }

  @Override
  public SignalHandler<TriggerState> signalHandler() {
    // Started without a command (a lost replica's trigger, remembered, starting here): its spec is in the informer.
    return newSignalHandlerBuilder().onSignal(RecoveryCompleted.instance(), state -> {
      if (definition == null && !state.deleted()) {
        deps.observer().resumed(uid);
      }
    }).build();
  }

  @Override
  public CommandHandler<TriggerCommand, TriggerEvent, TriggerState> commandHandler() {
    return newCommandHandlerBuilder().forAnyState()
        .onCommand(SpecSeen.class, this::onSpecSeen)
        .onCommand(Fire.class, this::onFire)
        .onCommand(FlowCreated.class, this::onFlowCreated)
        .onCommand(FlowCreateFailed.class, this::onFlowCreateFailed)
        .onCommand(RetryCreates.class, (state, cmd) -> {
          createPending(state);
          return Effect().none();
        })
        .onCommand(Deleted.class, this::onDeleted)
        .onCommand(TriggerCommand.Stop.class, () -> Effect().stop())
        .build();
  }

  private Effect<TriggerEvent, TriggerState> onSpecSeen(TriggerState state, SpecSeen cmd) {
    boolean first = definition == null;
    definition = cmd.definition();
    if (state.deleted()) {
      return Effect().none();
    }
    if (first) {
      createPending(state); // after a restart: the flows of firings accepted but not known to exist
    }
    deps.observer().stateChanged(definition, state);
    return Effect().none();
  }

  private Effect<TriggerEvent, TriggerState> onFire(TriggerState state, Fire fire) {
    if (definition == null || state.deleted() || definition.invalid() != null) {
      fire.replyTo().tell(new Unavailable(definition == null ? "the trigger's spec has not been read yet"
          : state.deleted() ? "the trigger was deleted" : "the trigger's spec is invalid: " + definition.invalid()));
      return Effect().none();
    }
    Instant now = deps.clock().instant();
    TriggerState.Recent repeat = state.duplicateOf(fire.fingerprint(), now, definition.window());
    if (repeat != null) {
      fire.replyTo().tell(new Duplicate(repeat.flowName()));
      return Effect().none();
    }
    Duration wait = state.rateLimited(now, definition.rateLimitFlows(), definition.rateLimitPeriod());
    if (wait != null) {
      fire.replyTo().tell(new RateLimited(wait.compareTo(MIN_RETRY_AFTER) < 0 ? MIN_RETRY_AFTER : wait));
      return Effect().none();
    }
    String flowName = TriggeredFlows.name(definition.name(), fire.fingerprint(), state.sequence() + 1);
    TriggerEvent accepted = new TriggerEvent.AlertAccepted(new EventMeta(now, deps.instanceId()), fire.fingerprint(),
        flowName, fire.alertName(), fire.parameters());
    waiting.computeIfAbsent(flowName, n -> new ArrayList<>()).add(fire.replyTo());
    return Effect().persist(accepted).thenRun(s -> {
      recorded(s, accepted);
      createPending(s);
    });
  }

  /** Creates (or adopts) the flow of every accepted firing whose flow is not known to exist. */
  private void createPending(TriggerState state) {
    if (definition == null) {
      return;
    }
    state.pending().forEach((name, firing) -> {
      if (!creating.add(name)) {
        return;
      }
      context.pipeToSelf(deps.runtime().createIfAbsent(TriggeredFlows.build(definition, name, firing)),
          (created, failure) -> {
            if (failure == null) {
              return new FlowCreated(name, created.uid(), created.adopted());
            }
            Throwable cause = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
            if (cause instanceof TriggerRuntime.FlowRefusedException refused) {
              return new FlowCreateFailed(name, true, refused.reason(), refused.getMessage());
            }
            return new FlowCreateFailed(name, false, "CreateFailed", String.valueOf(cause.getMessage()));
          });
    });
  }

  private Effect<TriggerEvent, TriggerState> onFlowCreated(TriggerState state, FlowCreated cmd) {
    creating.remove(cmd.flowName());
    if (!state.pending().containsKey(cmd.flowName())) {
      answer(cmd.flowName(), new Created(cmd.flowName()));
      return Effect().none();
    }
    TriggerEvent created = new TriggerEvent.TriggeredFlowCreated(meta(), cmd.flowName(), cmd.flowUid(), cmd.adopted());
    return Effect().persist(created).thenRun(s -> {
      recorded(s, created);
      answer(cmd.flowName(), new Created(cmd.flowName()));
    });
  }

  private Effect<TriggerEvent, TriggerState> onFlowCreateFailed(TriggerState state, FlowCreateFailed cmd) {
    creating.remove(cmd.flowName());
    TriggerState.Pending firing = state.pending().get(cmd.flowName());
    if (firing == null) {
      return Effect().none();
    }
    if (!cmd.permanent()) {
      context.getLog().warn("creating flow {} failed ({}); trying again in {}", cmd.flowName(), cmd.message(),
          deps.createRetry());
      // The firing is stored: its flow will exist. The sender need not (and should not) send it again.
      answer(cmd.flowName(), new Created(cmd.flowName()));
      timers.startSingleTimer(RETRY_TIMER, new RetryCreates(), deps.createRetry());
      return Effect().none();
    }
    TriggerEvent failed = new TriggerEvent.TriggeredFlowFailed(meta(), cmd.flowName(), firing.fingerprint(),
        cmd.reason(), cmd.message());
    return Effect().persist(failed).thenRun(s -> {
      recorded(s, failed);
      answer(cmd.flowName(), new Failed(cmd.flowName(), cmd.reason(), cmd.message()));
    });
  }

  private Effect<TriggerEvent, TriggerState> onDeleted(TriggerState state, Deleted cmd) {
    if (state.deleted()) {
      return stop();
    }
    TriggerEvent deleted = new TriggerEvent.TriggerDeleted(meta());
    var stored = Effect().persist(deleted).thenRun(s -> recorded(s, deleted));
    return shard == null ? stored.thenStop() : stored.thenRun(s -> ShardedEntities.passivate(shard, context.getSelf()));
  }

  /** Stops at once when not sharded; else asks the shard, which answers with {@link TriggerCommand.Stop}. */
  private Effect<TriggerEvent, TriggerState> stop() {
    if (shard == null) {
      return Effect().stop();
    }
    ShardedEntities.passivate(shard, context.getSelf());
    return Effect().none();
  }

  private void answer(String flowName, FireReply reply) {
    List<ActorRef<FireReply>> senders = waiting.remove(flowName);
    if (senders != null) {
      senders.forEach(s -> s.tell(reply));
    }
  }

  private void recorded(TriggerState state, TriggerEvent event) {
    if (definition != null) {
      deps.observer().eventRecorded(definition, event);
      deps.observer().stateChanged(definition, state);
    }
  }

  private EventMeta meta() {
    return new EventMeta(deps.clock().instant(), deps.instanceId());
  }
}
