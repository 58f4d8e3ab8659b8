package dev.jobflow.schedule;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * Routes commands to the {@link ScheduleEntity} of each CronJobFlow uid, starting it on first use (it recovers
 * from the journal). A schedule always has a next firing, so its entity lives until the CronJobFlow is deleted.
 * Until cluster sharding, one router per controller.
 */
public final class ScheduleRouter {
  public sealed interface Command {}

  /** Sends {@code command} to the entity of the schedule {@code uid}. */
  public record Deliver(String uid, ScheduleCommand command) implements Command {}

  private record EntityStopped(String uid) implements Command {}

  public static Behavior<Command> create(ScheduleEntity.Dependencies deps) {
    return create(uid -> ScheduleEntity.create(uid, deps));
  }

  /** A router with any entity behavior per uid. */
  public static Behavior<Command> create(Function<String, Behavior<ScheduleCommand>> entities) {
    return Behaviors.setup(ctx -> new ScheduleRouter(ctx, entities).behavior());
  }

  private final ActorContext<Command> ctx;
  private final Function<String, Behavior<ScheduleCommand>> entities;
  private final Map<String, ActorRef<ScheduleCommand>> live = new HashMap<>();

  private ScheduleRouter(ActorContext<Command> ctx, Function<String, Behavior<ScheduleCommand>> entities) {
    this.ctx = ctx;
    this.entities = entities;
  }

  private Behavior<Command> behavior() {
    return Behaviors.receive(Command.class)
        .onMessage(Deliver.class, d -> {
          ActorRef<ScheduleCommand> entity = live.get(d.uid());
          if (entity == null) {
            entity = ctx.spawn(entities.apply(d.uid()), "schedule-" + d.uid());
            ctx.watchWith(entity, new EntityStopped(d.uid()));
            live.put(d.uid(), entity);
          }
          entity.tell(d.command());
          return Behaviors.same();
        })
        .onMessage(EntityStopped.class, s -> {
          live.remove(s.uid());
          return Behaviors.same();
        })
        .build();
  }
}
