package dev.jobflow.cluster;

import akka.actor.typed.ActorSystem;
import akka.actor.typed.javadsl.Adapter;
import akka.cluster.MemberStatus;
import akka.cluster.typed.Cluster;
import akka.cluster.typed.Join;
import akka.management.cluster.bootstrap.ClusterBootstrap;
import akka.management.javadsl.AkkaManagement;

/**
 * This replica's membership of the controllers' cluster: joins it as {@link ClusterSettings} say, and tells
 * readiness whether this replica is a member yet (before that, no shard can live here).
 */
public final class ClusterNode {
  private ClusterNode() {}

  /** Starts joining: itself (a cluster of one), the seed nodes (akka does so from its config), or by bootstrap. */
  public static void join(ActorSystem<?> system, ClusterSettings settings) {
    Cluster cluster = Cluster.get(system);
    if (settings.bootstrap() != null) {
      var classic = Adapter.toClassic(system);
      AkkaManagement.get(classic).start();
      ClusterBootstrap.get(classic).start();
    } else if (settings.seedNodes().isEmpty()) {
      cluster.manager().tell(Join.create(cluster.selfMember().address()));
    }
  }

  /** Up (or weakly up, while a partition keeps the others from agreeing): shards may be allocated here. */
  public static boolean isMember(ActorSystem<?> system) {
    MemberStatus status = Cluster.get(system).selfMember().status();
    return status == MemberStatus.up() || status == MemberStatus.weaklyUp();
  }

  /**
   * Whether this replica is the cluster's leader now: work that one replica does for all (sweeps over the informer
   * caches) runs there only. During a partition either side may think so for a moment; such work must be idempotent.
   */
  public static boolean isLeader(ActorSystem<?> system) {
    Cluster cluster = Cluster.get(system);
    var leader = cluster.state().getLeader();
    return leader != null && leader.equals(cluster.selfMember().address());
  }

  /** Why this replica is not ready, or null when it is a member. */
  public static String notReadyReason(ActorSystem<?> system) {
    return isMember(system) ? null
        : "not a cluster member yet (" + Cluster.get(system).selfMember().status() + ")";
  }
}
