package dev.jobflow.journal;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.TimerScheduler;
import akka.persistence.typed.PersistenceId;
import akka.persistence.typed.RecoveryCompleted;
import akka.persistence.typed.javadsl.CommandHandler;
import akka.persistence.typed.javadsl.EventHandler;
import akka.persistence.typed.javadsl.EventSourcedBehavior;
import akka.persistence.typed.javadsl.RetentionCriteria;
import akka.persistence.typed.javadsl.SignalHandler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;

/**
 * A small event-sourced entity to exercise the journal (the real FlowEntity lives in its own package): it
 * appends values, snapshots by a retention rule, tags every event, restarts with the journal's backoff when
 * a write fails, and can persist steadily on its own ({@link #ticking}) to stand in for a busy flow.
 */
public final class CounterEntity
    extends EventSourcedBehavior<CounterEntity.Command, CounterEntity.Appended, CounterEntity.State> {

  public static final String TAG = "counter";

  public interface Command {}

  /** Appends {@code value}; replies with the event's sequence number once it is stored. */
  public record Append(String value, ActorRef<Long> replyTo) implements Command {}

  public record Get(ActorRef<State> replyTo) implements Command {}

  /** Persists the next number: the value is derived from the state, so a lost or repeated write would show. */
  public record Tick() implements Command {}

  public record Appended(String value) implements JournalTestSerializable {}

  public record State(List<String> values) implements JournalTestSerializable {
    public State {
      values = List.copyOf(values);
    }

    State plus(String value) {
      List<String> next = new ArrayList<>(values);
      next.add(value);
      return new State(next);
    }
  }

  private final RetentionCriteria retention;
  /** Null unless {@link #ticking}. */
  private final TimerScheduler<Command> timers;
  private final Duration tickInterval;

  private CounterEntity(String id, PersistFailureBackoff backoff, RetentionCriteria retention,
      TimerScheduler<Command> timers, Duration tickInterval) {
    super(PersistenceId.ofUniqueId(id), backoff.strategy());
    this.retention = retention;
    this.timers = timers;
    this.tickInterval = tickInterval;
  }

  public static Behavior<Command> create(String id, PersistFailureBackoff backoff, RetentionCriteria retention) {
    return new CounterEntity(id, backoff, retention, null, null);
  }

  /**
   * An entity that persists the next number every {@code interval}, with no one asking. The timer starts on
   * every {@link RecoveryCompleted}, not once at spawn: a failed write restarts the entity through the backoff
   * supervisor inside {@code EventSourcedBehavior}, which cancels all of the actor's timers and then starts only
   * the event-sourced behavior again, never this outer setup.
   */
  public static Behavior<Command> ticking(String id, PersistFailureBackoff backoff, Duration interval) {
    return Behaviors.withTimers(timers -> new CounterEntity(id, backoff, RetentionCriteria.disabled(), timers, interval));
  }

  @Override
  public State emptyState() {
    return new State(Collections.emptyList());
  }

  @Override
  public CommandHandler<Command, Appended, State> commandHandler() {
    return newCommandHandlerBuilder().forAnyState()
        .onCommand(Append.class, (state, cmd) -> Effect().persist(new Appended(cmd.value()))
            .thenRun(s -> cmd.replyTo().tell((long) s.values().size())))
        .onCommand(Get.class, (state, cmd) -> Effect().none().thenRun(s -> cmd.replyTo().tell(s)))
        .onCommand(Tick.class, (state, cmd) -> Effect().persist(new Appended(String.valueOf(state.values().size() + 1))))
        .build();
  }

  @Override
  public EventHandler<State, Appended> eventHandler() {
    return newEventHandlerBuilder().forAnyState().onEvent(Appended.class, (state, e) -> state.plus(e.value())).build();
  }

  @Override
  public SignalHandler<State> signalHandler() {
    return newSignalHandlerBuilder().onSignal(RecoveryCompleted.instance(), state -> {
      if (timers != null) {
        timers.startTimerWithFixedDelay(new Tick(), tickInterval);
      }
    }).build();
  }

  @Override
  public Set<String> tagsFor(Appended event) {
    return Set.of(TAG);
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return retention;
  }
}
