package dev.jobflow.lock;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.Behaviors;
import akka.cluster.sharding.typed.ShardingEnvelope;
import akka.cluster.sharding.typed.javadsl.EntityContext;
import akka.cluster.sharding.typed.javadsl.EntityTypeKey;
import dev.jobflow.cluster.ShardedEntities;
import dev.jobflow.flow.FlowLock;
import java.util.function.Function;

/**
 * Routes commands to the {@link LockEntity} of each lock ({@link FlowLock#key()} is the entity id), wherever in the
 * controllers' cluster it lives: its shard region ({@link ShardedEntities}) starts it on first use (it recovers from
 * the journal). One writer per lock, so "who holds it" is one decision on any number of replicas.
 */
public final class LockRouter {
  /** The locks' entity type: {@link LockEntity#ENTITY_TYPE}, entity id the lock's key. */
  public static final EntityTypeKey<LockCommand> TYPE_KEY =
      EntityTypeKey.create(LockCommand.class, LockEntity.ENTITY_TYPE);

  public sealed interface Command {}

  /** Sends {@code command} to the entity of {@code lock}. */
  public record Deliver(FlowLock lock, LockCommand command) implements Command {}

  public static Behavior<Command> create(LockEntity.Dependencies deps) {
    return create(TYPE_KEY, entity -> LockEntity.create(FlowLock.ofKey(entity.getEntityId()), deps,
        entity.getShard()));
  }

  /** A router with any entity behavior, for entities of {@code key}. */
  public static Behavior<Command> create(EntityTypeKey<LockCommand> key,
      Function<EntityContext<LockCommand>, Behavior<LockCommand>> entities) {
    return Behaviors.setup(ctx -> {
      ActorRef<ShardingEnvelope<LockCommand>> region = ShardedEntities.start(ctx.getSystem(),
          new ShardedEntities.Kind<>(key, entities, new LockCommand.Stop()));
      return Behaviors.receive(Command.class)
          .onMessage(Deliver.class, d -> {
            region.tell(new ShardingEnvelope<>(d.lock().key(), d.command()));
            return Behaviors.same();
          })
          .build();
    });
  }

  private LockRouter() {}
}
