package dev.jobflow.cluster;

import akka.actor.typed.ActorSystem;
import akka.actor.typed.javadsl.Behaviors;
import akka.cluster.MemberStatus;
import akka.cluster.typed.Cluster;
import akka.cluster.typed.Join;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;

/**
 * Controller replicas in one JVM: actor systems of the controllers' cluster on loopback, each joined to the first,
 * all on one journal, up when {@link #start} returns. {@link #close} terminates them without coordinated shutdown
 * (a crash); a test stops one gracefully with {@code CoordinatedShutdown}.
 */
public final class LoopbackReplicas implements AutoCloseable {
  private final List<ActorSystem<Void>> nodes = new ArrayList<>();

  private LoopbackReplicas() {}

  /** {@code n} replicas with {@code config} (e.g. a timing) over the journal's settings. */
  public static LoopbackReplicas start(int n, Config journalConfig, String config) {
    LoopbackReplicas replicas = new LoopbackReplicas();
    for (int i = 0; i < n; i++) {
      Config c = ConfigFactory.parseString(config + """

              akka.loglevel = WARNING
              akka.coordinated-shutdown.run-by-jvm-shutdown-hook = off
              # terminate() is a crash here (no leaving, no handoff); a graceful stop runs coordinated shutdown
              akka.coordinated-shutdown.run-by-actor-system-terminate = off
              """)
          .withFallback(ClusterSettings.clusterOfOne().akkaConfig())
          .withFallback(journalConfig);
      ActorSystem<Void> node = ActorSystem.create(Behaviors.empty(), ClusterSettings.SYSTEM_NAME, c);
      replicas.nodes.add(node);
      Cluster.get(node).manager().tell(Join.create(Cluster.get(replicas.nodes.get(0)).selfMember().address()));
    }
    Awaitility.await(n + " members up").atMost(Duration.ofSeconds(60)).until(() -> replicas.nodes.stream()
        .allMatch(m -> Cluster.get(m).state().members().size() == n
            && Cluster.get(m).selfMember().status() == MemberStatus.up()));
    return replicas;
  }

  public ActorSystem<Void> node(int i) {
    return nodes.get(i);
  }

  @Override
  public void close() throws Exception {
    for (ActorSystem<Void> node : nodes) {
      node.terminate();
    }
    for (ActorSystem<Void> node : nodes) {
      node.getWhenTerminated().toCompletableFuture().get(60, TimeUnit.SECONDS);
    }
  }
}
