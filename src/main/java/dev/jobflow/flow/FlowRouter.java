package dev.jobflow.flow;

import akka.actor.Cancellable;
import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.Behaviors;
import akka.cluster.sharding.typed.ShardingEnvelope;
import akka.cluster.sharding.typed.javadsl.EntityContext;
import akka.cluster.sharding.typed.javadsl.EntityTypeKey;
import dev.jobflow.cluster.ShardedEntities;
import java.time.Duration;
import java.util.function.BiFunction;

/**
 * Routes commands to the {@link FlowEntity} of each flow uid, wherever in the controllers' cluster it lives:
 * its shard region, under Cluster Sharding ({@link ShardedEntities}), starts it on first use (it recovers from the
 * journal) on the replica that owns its shard. An entity whose flow is done passivates through its shard, which
 * holds back commands for it until it has stopped and then starts it again for them, so none is lost.
 */
public final class FlowRouter {
  /** The flows' entity type: {@link FlowEntity#ENTITY_TYPE}, entity id the flow uid. */
  public static final EntityTypeKey<FlowCommand> TYPE_KEY = EntityTypeKey.create(FlowCommand.class, FlowEntity.ENTITY_TYPE);
  /**
   * How long a starting entity waits for its first command, whose spec says how large the flow is (it spaces the
   * snapshots): a remembered entity started again on another replica gets none, and starts unsized after this.
   * The shard sends the command that starts an entity right after spawning it, so it is there within moments; every
   * flow moved by a failover waits this long, and 500 ms was a tenth of what a failover may add to the downing.
   */
  private static final Duration FIRST_COMMAND_WAIT = Duration.ofMillis(100);

  public sealed interface Command {}

  /** Sends {@code command} to the entity of flow {@code uid}. */
  public record Deliver(String uid, FlowCommand command) implements Command {}

  /** Replies with the number of entities live on this replica. */
  public record CountEntities(ActorRef<Integer> replyTo) implements Command {}

  /**
   * The controller is stopping: commands delivered from then on are dropped (no new work starts), and
   * {@code replyTo} hears it at once. The entities themselves stop in coordinated shutdown's sharding phase, by
   * the hand-off stop message, which an entity handles only after its write in flight is stored.
   */
  public record HaltAll(ActorRef<akka.Done> replyTo) implements Command {}

  /** A router whose entities are {@link FlowEntity#create}d with these dependencies. */
  public static Behavior<Command> create(FlowEntity.Dependencies deps) {
    return create(TYPE_KEY, deps);
  }

  /** The same, for entities of another type key (tests start several regions in one actor system). */
  public static Behavior<Command> create(EntityTypeKey<FlowCommand> key, FlowEntity.Dependencies deps) {
    return create(key, (entity, steps) -> FlowEntity.create(entity, deps, steps));
  }

  /**
   * A router with any entity behavior per entity and expected number of steps (0 when unknown). Entities passivate
   * through {@code EntityContext#getShard()} and stop on {@link FlowCommand.Stop}.
   */
  public static Behavior<Command> create(EntityTypeKey<FlowCommand> key,
      BiFunction<EntityContext<FlowCommand>, Integer, Behavior<FlowCommand>> entities) {
    return Behaviors.setup(ctx -> {
      ActorRef<ShardingEnvelope<FlowCommand>> region = ShardedEntities.start(ctx.getSystem(),
          new ShardedEntities.Kind<>(key, entity -> sizedByFirstCommand(entity, entities), new FlowCommand.Stop()));
      java.util.concurrent.atomic.AtomicBoolean halting = new java.util.concurrent.atomic.AtomicBoolean();
      return Behaviors.receive(Command.class)
          .onMessage(Deliver.class, d -> {
            if (!halting.get()) {
              region.tell(new ShardingEnvelope<>(d.uid(), d.command()));
            }
            return Behaviors.same();
          })
          .onMessage(HaltAll.class, h -> {
            halting.set(true);
            h.replyTo().tell(akka.Done.getInstance());
            return Behaviors.same();
          })
          .onMessage(CountEntities.class, c -> {
            ShardedEntities.countLocal(ctx.getSystem(), key).thenAccept(n -> c.replyTo().tell(n));
            return Behaviors.same();
          })
          .build();
    });
  }

  /** Starts the entity with the size of the flow its first command brings, or unsized if none comes soon. */
  private static Behavior<FlowCommand> sizedByFirstCommand(EntityContext<FlowCommand> entity,
      BiFunction<EntityContext<FlowCommand>, Integer, Behavior<FlowCommand>> entities) {
    return Behaviors.withStash(1, stash -> Behaviors.setup(ctx -> {
      Cancellable noCommand = ctx.scheduleOnce(FIRST_COMMAND_WAIT, ctx.getSelf(), new FlowCommand.Wake());
      return Behaviors.receive(FlowCommand.class)
          .onAnyMessage(first -> {
            noCommand.cancel();
            int steps = first instanceof FlowCommand.SpecSeen seen
                ? seen.definition().expectedSteps() : 0;
            stash.stash(first);
            return stash.unstashAll(entities.apply(entity, steps));
          })
          .build();
    }));
  }

  private FlowRouter() {}
}
