package dev.jobflow.cluster;

import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.Behavior;
import akka.cluster.sharding.typed.ClusterShardingSettings;
import akka.cluster.sharding.typed.GetShardRegionState;
import akka.cluster.sharding.typed.ShardingEnvelope;
import akka.cluster.sharding.typed.javadsl.ClusterSharding;
import akka.cluster.sharding.typed.javadsl.Entity;
import akka.cluster.sharding.typed.javadsl.EntityContext;
import akka.cluster.sharding.typed.javadsl.EntityTypeKey;
import akka.actor.typed.javadsl.AskPattern;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * Every kind of entity that must have exactly one live instance in the controllers' cluster (flows, schedules,
 * and locks and triggers as they come) starts here, the same way: under Cluster Sharding, its entity id the
 * object's uid, its shards spread over the replicas, <em>remembered</em> so that the shards of a lost replica start
 * their entities again on the others without waiting for a new message.
 *
 * <p>Remembered entities live in Distributed Data (replicated in memory between the replicas, not durable):
 * the journal-based store adds a database write to every entity start and stop, and timed shards out under a
 * loaded database. After a restart of the whole cluster the informers' initial lists start every object again.
 *
 * <p>To shard a new kind: give it an {@link EntityTypeKey} and a stop message, make its behavior stop on the stop
 * message (a handoff: a rolling restart or rebalance) and ask to stop with {@link #passivate} instead of stopping
 * by itself (a remembered entity that stops without passivating is started again), then {@link #start} it and send
 * {@link ShardingEnvelope}s with the uid to the region it returns.
 */
public final class ShardedEntities {
  private ShardedEntities() {}

  /**
   * One kind of sharded entity.
   *
   * @param behavior the entity of {@code EntityContext#getEntityId()}, which passivates through
   *     {@code EntityContext#getShard()}
   * @param stopMessage what the shard sends an entity to stop it (handoff, passivation); never sent otherwise
   */
  public record Kind<C>(EntityTypeKey<C> key, Function<EntityContext<C>, Behavior<C>> behavior, C stopMessage) {}

  /** Starts the kind's shard region on this replica (once per actor system; later calls return the same region). */
  public static <C> ActorRef<ShardingEnvelope<C>> start(ActorSystem<?> system, Kind<C> kind) {
    Entity<C, ShardingEnvelope<C>> entity = Entity.of(kind.key(), kind.behavior()::apply)
        .withStopMessage(kind.stopMessage())
        .withSettings(ClusterShardingSettings.create(system).withRememberEntities(true));
    return ClusterSharding.get(system).init(entity);
  }

  /** Asks the entity's shard to stop it: messages for it wait meanwhile, and start it again once it stopped. */
  public static <C> void passivate(ActorRef<ClusterSharding.ShardCommand> shard, ActorRef<C> self) {
    shard.tell(new ClusterSharding.Passivate<>(self));
  }

  /** How many entities of this kind live on this replica. */
  public static CompletionStage<Integer> countLocal(ActorSystem<?> system, EntityTypeKey<?> key) {
    return AskPattern.<akka.cluster.sharding.typed.ClusterShardingQuery, akka.cluster.sharding.ShardRegion.CurrentShardRegionState>ask(
            ClusterSharding.get(system).shardState(), replyTo -> new GetShardRegionState(key, replyTo),
            Duration.ofSeconds(5), system.scheduler())
        .thenApply(state -> {
          int n = 0;
          for (var shard : state.getShards()) {
            n += shard.getEntityIds().size();
          }
          return n;
        });
  }
}
