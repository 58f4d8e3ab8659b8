package dev.jobflow.schedule;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.Behaviors;
import akka.cluster.sharding.typed.ShardingEnvelope;
import akka.cluster.sharding.typed.javadsl.EntityContext;
import akka.cluster.sharding.typed.javadsl.EntityTypeKey;
import dev.jobflow.cluster.ShardedEntities;
import java.util.function.Function;

/**
 * Routes commands to the {@link ScheduleEntity} of each CronJobFlow uid, wherever in the controllers' cluster it
 * lives: its shard region ({@link ShardedEntities}) starts it on first use (it recovers from the journal). A
 * schedule always has a next firing, so its entity lives until the CronJobFlow is deleted; it is remembered, so a
 * lost replica's schedules start again on the others at once.
 */
public final class ScheduleRouter {
  /** The schedules' entity type: {@link ScheduleEntity#ENTITY_TYPE}, entity id the CronJobFlow uid. */
  public static final EntityTypeKey<ScheduleCommand> TYPE_KEY =
      EntityTypeKey.create(ScheduleCommand.class, ScheduleEntity.ENTITY_TYPE);

  public sealed interface Command {}

  /** Sends {@code command} to the entity of the schedule {@code uid}. */
  public record Deliver(String uid, ScheduleCommand command) implements Command {}

  public static Behavior<Command> create(ScheduleEntity.Dependencies deps) {
    return create(TYPE_KEY, entity -> ScheduleEntity.create(entity.getEntityId(), deps, entity.getShard()));
  }

  /** A router with any entity behavior, for entities of {@code key}. */
  public static Behavior<Command> create(EntityTypeKey<ScheduleCommand> key,
      Function<EntityContext<ScheduleCommand>, Behavior<ScheduleCommand>> entities) {
    return Behaviors.setup(ctx -> {
      ActorRef<ShardingEnvelope<ScheduleCommand>> region = ShardedEntities.start(ctx.getSystem(),
          new ShardedEntities.Kind<>(key, entities, new ScheduleCommand.Stop()));
      return Behaviors.receive(Command.class)
          .onMessage(Deliver.class, d -> {
            region.tell(new ShardingEnvelope<>(d.uid(), d.command()));
            return Behaviors.same();
          })
          .build();
    });
  }

  private ScheduleRouter() {}
}
