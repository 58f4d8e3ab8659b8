package dev.jobflow.trigger;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.Behaviors;
import akka.cluster.sharding.typed.ShardingEnvelope;
import akka.cluster.sharding.typed.javadsl.EntityContext;
import akka.cluster.sharding.typed.javadsl.EntityTypeKey;
import dev.jobflow.cluster.ShardedEntities;
import java.util.function.Function;

/**
 * Routes commands to the {@link TriggerEntity} of each JobFlowTrigger uid, wherever in the controllers' cluster it
 * lives: its shard region ({@link ShardedEntities}) starts it on first use (it recovers from the journal). One live
 * entity per trigger in the whole cluster is the one writer that makes "seen within the window" a single decision,
 * whichever replica's endpoint a firing reached. Its entity lives until the trigger is deleted; it is remembered, so
 * a lost replica's triggers start again on the others at once.
 */
public final class TriggerRouter {
  /** The triggers' entity type: {@link TriggerEntity#ENTITY_TYPE}, entity id the JobFlowTrigger uid. */
  public static final EntityTypeKey<TriggerCommand> TYPE_KEY =
      EntityTypeKey.create(TriggerCommand.class, TriggerEntity.ENTITY_TYPE);

  public sealed interface Command {}

  /** Sends {@code command} to the entity of the trigger {@code uid}. */
  public record Deliver(String uid, TriggerCommand command) implements Command {}

  public static Behavior<Command> create(TriggerEntity.Dependencies deps) {
    return create(TYPE_KEY, entity -> TriggerEntity.create(entity.getEntityId(), deps, entity.getShard()));
  }

  /** A router with any entity behavior, for entities of {@code key}. */
  public static Behavior<Command> create(EntityTypeKey<TriggerCommand> key,
      Function<EntityContext<TriggerCommand>, Behavior<TriggerCommand>> entities) {
    return Behaviors.setup(ctx -> {
      ActorRef<ShardingEnvelope<TriggerCommand>> region = ShardedEntities.start(ctx.getSystem(),
          new ShardedEntities.Kind<>(key, entities, new TriggerCommand.Stop()));
      return Behaviors.receive(Command.class)
          .onMessage(Deliver.class, d -> {
            region.tell(new ShardingEnvelope<>(d.uid(), d.command()));
            return Behaviors.same();
          })
          .build();
    });
  }

  private TriggerRouter() {}
}
