package dev.jobflow.trigger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import akka.actor.typed.Props;
import dev.jobflow.cluster.LoopbackReplicas;
import dev.jobflow.cluster.ShardedEntities;
import dev.jobflow.journal.JournalDialect;
import dev.jobflow.journal.TestJournal;
import dev.jobflow.trigger.TriggerCommand.FireReply;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Trigger entities under Cluster Sharding, as flows and schedules: two replicas in one JVM (two actor systems on
 * loopback, one PostgreSQL journal). A trigger has one entity in the whole cluster, so a firing repeated through the
 * other replica's endpoint is the same decision (a duplicate, no second flow); when the replica it lives on leaves
 * (a rolling restart), it starts on the other without a new command (remembered) and still knows its window.
 */
class TriggerShardingTest {
  private static final String UID = "3f1c6a52-7d41-4c39-9a55-0d2f7e8b1c10";
  private static final String FINGERPRINT = Fingerprints.ofText("disk-full-db-1");

  @TempDir
  Path dir;
  private TestJournal journal;
  private LoopbackReplicas replicas;
  private final List<ActorRef<TriggerRouter.Command>> routers = new ArrayList<>();
  private final TriggerEntityTest.Runtime runtime = new TriggerEntityTest.Runtime();
  private final TriggerDefinition definition = new TriggerDefinition("ops", "disk", UID, 1,
      dev.jobflow.api.TriggerSource.alertmanager, "am-token", "token", "firing", Map.of(), Map.of(), null,
      Duration.ofMinutes(5), List.of(), null, 0, Duration.ofMinutes(1), "clean-disk", Map.of("team", "ops"), Map.of(),
      List.of(), null);

  @AfterEach
  void stop() throws Exception {
    if (replicas != null) {
      replicas.close();
    }
    if (journal != null) {
      journal.close();
    }
  }

  @Test
  void aTriggerHasOneEntityInTheClusterWhichMovesWithItsWindowWhenItsReplicaLeaves() throws Exception {
    startCluster();
    routers.get(0).tell(new TriggerRouter.Deliver(UID, new TriggerCommand.SpecSeen(definition)));
    String flow = assertInstanceOf(TriggerCommand.Created.class, fireUntilAvailable(1)).flowName();
    assertEquals(new TriggerCommand.Duplicate(flow), fireUntilAvailable(0),
        "the same firing through the other replica is the same entity's decision");
    assertEquals(1, countEntities(0) + countEntities(1));
    int owner = countEntities(0) == 1 ? 0 : 1;
    int other = 1 - owner;

    // As a rolling restart: SIGTERM runs coordinated shutdown, which leaves the cluster and hands shards off.
    akka.actor.CoordinatedShutdown.get(replicas.node(owner)).run(akka.actor.CoordinatedShutdown.unknownReason());
    replicas.node(owner).getWhenTerminated().toCompletableFuture().get(60, TimeUnit.SECONDS);
    Awaitility.await("the trigger started on the other replica without a new command")
        .atMost(Duration.ofSeconds(60)).until(() -> countEntities(other) == 1);
    assertEquals(new TriggerCommand.Duplicate(flow), fireUntilAvailable(other), "the window came along");
    assertEquals(List.of(flow), runtime.createCalls, "one flow created, once");
  }

  private void startCluster() throws Exception {
    journal = TestJournal.open(JournalDialect.POSTGRESQL, dir);
    replicas = LoopbackReplicas.start(2, journal.akkaConfig(), "");
    for (int i = 0; i < 2; i++) {
      AtomicReference<ActorRef<TriggerRouter.Command>> self = new AtomicReference<>();
      // What Redelivery does in the controller: a trigger that resumed without its spec gets it from the cache.
      TriggerObserver observer = new TriggerObserver() {
        public void stateChanged(TriggerDefinition trigger, TriggerState state) {}

        public void eventRecorded(TriggerDefinition trigger, TriggerEvent event) {}

        @Override
        public void resumed(String uid) {
          self.get().tell(new TriggerRouter.Deliver(uid, new TriggerCommand.SpecSeen(definition)));
        }
      };
      var deps = new TriggerEntity.Dependencies("replica-" + i, runtime, observer, Clock.systemUTC(),
          Duration.ofSeconds(5));
      self.set(replicas.node(i).systemActorOf(TriggerRouter.create(deps), "triggers", Props.empty()));
      routers.add(self.get());
    }
  }

  /** Fires through replica {@code node} until the entity knows its spec (SpecSeen may come from another replica). */
  private FireReply fireUntilAvailable(int node) {
    AtomicReference<FireReply> reply = new AtomicReference<>();
    Awaitility.await("an answer from the trigger through replica " + node).atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(200)).until(() -> {
          TestProbe<FireReply> probe = TestProbe.create(replicas.node(node));
          routers.get(node).tell(new TriggerRouter.Deliver(UID,
              new TriggerCommand.Fire(FINGERPRINT, "DiskFull", Map.of("host", "db-1"), probe.getRef())));
          reply.set(probe.receiveMessage(Duration.ofSeconds(20)));
          return !(reply.get() instanceof TriggerCommand.Unavailable);
        });
    return reply.get();
  }

  private int countEntities(int node) throws Exception {
    return ShardedEntities.countLocal(replicas.node(node), TriggerRouter.TYPE_KEY).toCompletableFuture()
        .get(10, TimeUnit.SECONDS);
  }
}
