package dev.jobflow.lock;

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
import dev.jobflow.flow.FlowLock;
import dev.jobflow.journal.PersistFailureBackoff;
import dev.jobflow.lock.LockCommand.ConfirmHolders;
import dev.jobflow.lock.LockCommand.GetState;
import dev.jobflow.lock.LockCommand.Release;
import dev.jobflow.lock.LockCommand.Request;
import dev.jobflow.lock.LockCommand.Resize;
import dev.jobflow.lock.LockEvent.EventMeta;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One lock of one namespace (a mutex, a semaphore, a queue limit), event-sourced: its holders and its queue are
 * facts in its journal, decided by {@link LockQueue}'s rules, stored before anyone is told. A holder asking again is
 * answered from the journal's state, so a flow that restarts between being granted and starting is granted again,
 * never a second holder. After its own recovery, and while others wait, it asks each holder's flow whether it still
 * holds the lock ({@link LockHolders#confirm}): a flow that finished or was deleted while a release was lost gives it
 * back. Persistence id {@code JobFlowLock|<kind:namespace:name>}; started by {@link LockRouter} under Cluster
 * Sharding, one writer per lock wherever it lives. It passivates when nobody holds or waits.
 */
public final class LockEntity extends EventSourcedBehavior<LockCommand, LockEvent, LockState> {
  /** The entity type in persistence ids: {@code JobFlowLock|<kind:namespace:name>}. */
  public static final String ENTITY_TYPE = "JobFlowLock";
  public static final String TAG = "jobflow-lock";
  private static final String CONFIRM_TIMER = "confirm-holders";

  /**
   * What an entity needs from its surroundings.
   *
   * @param confirmInterval how often the holders are asked whether they still hold the lock while others wait
   */
  public record Dependencies(String instanceId, LockHolders holders, LockObserver observer, Clock clock,
                             Duration confirmInterval) {}

  private final FlowLock lock;
  private final ActorContext<LockCommand> context;
  private final TimerScheduler<LockCommand> timers;
  private final Dependencies deps;
  /** The shard to passivate through; null when not sharded. */
  private final ActorRef<ClusterSharding.ShardCommand> shard;
  private boolean passivationRequested;
  /** The place each waiter was last told (position and queue length), so that only changes are told (in memory). */
  private final Map<String, List<Integer>> toldPositions = new HashMap<>();

  private LockEntity(FlowLock lock, ActorContext<LockCommand> context, TimerScheduler<LockCommand> timers,
                     Dependencies deps, ActorRef<ClusterSharding.ShardCommand> shard) {
    super(persistenceId(lock), PersistFailureBackoff.strategyOf(context.getSystem()));
    this.lock = lock;
    this.context = context;
    this.timers = timers;
    this.deps = deps;
    this.shard = shard;
  }

  /** A lock entity that stops at once when idle (not sharded). */
  public static Behavior<LockCommand> create(FlowLock lock, Dependencies deps) {
    return create(lock, deps, null);
  }

  /** A sharded entity: it passivates through {@code shard} when idle, never stops by itself. */
  public static Behavior<LockCommand> create(FlowLock lock, Dependencies deps,
                                             ActorRef<ClusterSharding.ShardCommand> shard) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> new LockEntity(lock, ctx, timers, deps, shard)));
  }

  public static PersistenceId persistenceId(FlowLock lock) {
    return PersistenceId.of(ENTITY_TYPE, lock.key());
  }

  @Override
  public LockState emptyState() {
    return LockState.empty();
  }

  @Override
  public Set<String> tagsFor(LockEvent event) {
    return Set.of(TAG);
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(100, 2);
  }

  @Override
  public EventHandler<LockState, LockEvent> eventHandler() {
    return newEventHandlerBuilder().forAnyState().onAnyEvent(LockState::apply);
  }

  @Override
  public SignalHandler<LockState> signalHandler() {
    return newSignalHandlerBuilder().onSignal(RecoveryCompleted.instance(), state -> {
      // A release may have been lost with the process that sent it: every holder is asked again.
      state.queue().holders().forEach(h -> deps.holders().confirm(lock, h.holder()));
      told(state);
      deps.observer().changed(lock, state);
      armConfirm(state);
    }).onSignal(akka.actor.typed.PostStop.instance(), state -> deps.observer().stopped(lock)).build();
  }

  @Override
  public CommandHandler<LockCommand, LockEvent, LockState> commandHandler() {
    return newCommandHandlerBuilder().forAnyState()
        .onCommand(Request.class, this::onRequest)
        .onCommand(Release.class, this::onRelease)
        .onCommand(Resize.class, (state, cmd) -> persistThenTell(state, resized(state, cmd.capacity())))
        .onCommand(ConfirmHolders.class, (state, cmd) -> {
          state.queue().holders().forEach(h -> deps.holders().confirm(lock, h.holder()));
          armConfirm(state);
          return Effect().none();
        })
        .onCommand(GetState.class, (state, cmd) -> {
          cmd.replyTo().tell(state);
          return Effect().none();
        })
        .onCommand(LockCommand.Stop.class, () -> Effect().stop())
        .build();
  }

  private Effect<LockEvent, LockState> onRequest(LockState state, Request cmd) {
    List<LockEvent> events = new ArrayList<>(resized(state, cmd.capacity()));
    if (!state.queue().knows(cmd.holder())) {
      events.add(new LockEvent.LockRequested(meta(), cmd.holder(), cmd.priority(), cmd.createdAt(), cmd.flowName()));
    }
    if (events.isEmpty()) {
      // Asked again (a restart of the flow): answered as before, nothing new to store.
      if (state.queue().isHolder(cmd.holder())) {
        deps.holders().granted(lock, cmd.holder());
      } else {
        toldPositions.remove(cmd.holder());
        told(state);
      }
      return Effect().none();
    }
    return persistThenTell(state, events);
  }

  private Effect<LockEvent, LockState> onRelease(LockState state, Release cmd) {
    if (!state.queue().knows(cmd.holder())) {
      return passivateIfIdle(state);
    }
    return persistThenTell(state, List.of(new LockEvent.LockReleased(meta(), cmd.holder(),
        state.queue().isHolder(cmd.holder()), cmd.reason())));
  }

  /** A resize when the sender knows a capacity the journal does not say yet. */
  private List<LockEvent> resized(LockState state, int capacity) {
    if (capacity == LockCommand.UNKNOWN_CAPACITY || state.sized() && state.queue().capacity() == capacity) {
      return List.of();
    }
    return List.of(new LockEvent.LockResized(meta(), Math.max(0, capacity)));
  }

  /** Stores the events and the grants they make possible, then tells the new holders and the waiters that moved. */
  private Effect<LockEvent, LockState> persistThenTell(LockState state, List<LockEvent> events) {
    if (events.isEmpty()) {
      return passivateIfIdle(state);
    }
    List<LockEvent> all = new ArrayList<>(events);
    LockState after = state;
    for (LockEvent e : events) {
      after = after.apply(e);
    }
    for (LockQueue.Request next : after.queue().grantable()) {
      all.add(new LockEvent.LockGranted(meta(), next.holder()));
    }
    LockState waited = after;
    return Effect().persist(all).thenRun(s -> {
      for (LockEvent e : all) {
        if (e instanceof LockEvent.LockGranted g) {
          toldPositions.remove(g.holder());
          deps.holders().granted(lock, g.holder());
          waited.queue().waiters().stream().filter(r -> r.holder().equals(g.holder()) && r.requestedAt() != null)
              .findFirst().ifPresent(r -> deps.observer().granted(lock, Duration.between(r.requestedAt(),
                  g.meta().at())));
        } else if (e instanceof LockEvent.LockReleased r) {
          toldPositions.remove(r.holder());
        }
      }
      told(s);
      deps.observer().changed(lock, s);
      armConfirm(s);
      if (s.queue().isIdle()) {
        passivate();
      }
    });
  }

  /** Tells each waiter its place, when it changed. */
  private void told(LockState state) {
    List<LockQueue.Request> waiters = state.queue().waiters();
    for (int i = 0; i < waiters.size(); i++) {
      String holder = waiters.get(i).holder();
      List<Integer> place = List.of(i + 1, waiters.size(), state.queue().capacity());
      if (!place.equals(toldPositions.put(holder, place))) {
        deps.holders().waiting(lock, holder, i + 1, waiters.size(), state.queue().capacity());
      }
    }
  }

  private void armConfirm(LockState state) {
    if (state.queue().waiters().isEmpty() || state.queue().holders().isEmpty()) {
      timers.cancel(CONFIRM_TIMER);
    } else if (!timers.isTimerActive(CONFIRM_TIMER)) {
      timers.startSingleTimer(CONFIRM_TIMER, new ConfirmHolders(), deps.confirmInterval());
    }
  }

  /** Started by a command that changed nothing (a resize to the same size, a late release): stop again. */
  private Effect<LockEvent, LockState> passivateIfIdle(LockState state) {
    if (state.queue().isIdle()) {
      passivate();
    }
    return Effect().none();
  }

  /** Sharded: asks the shard to stop it. Not sharded (tests): stays, as its owner decides. */
  private void passivate() {
    if (shard != null && !passivationRequested) {
      passivationRequested = true;
      ShardedEntities.passivate(shard, context.getSelf());
    }
  }

  private EventMeta meta() {
    return new EventMeta(deps.clock().instant(), deps.instanceId());
  }
}
