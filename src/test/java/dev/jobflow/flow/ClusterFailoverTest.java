package dev.jobflow.flow;

import static dev.jobflow.flow.Flows.flow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.Props;
import akka.actor.typed.javadsl.AskPattern;
import dev.jobflow.api.FlowPhase;
import dev.jobflow.cluster.LoopbackReplicas;
import dev.jobflow.journal.JournalDialect;
import dev.jobflow.journal.TestJournal;
import dev.jobflow.step.InMemoryJobRuntime;
import dev.jobflow.step.JobState;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three controller replicas in one JVM (three actor systems on loopback, one PostgreSQL journal, one API server
 * played by an in-memory Job runtime): a replica lost without leaving, or leaving as in a rolling restart, takes no
 * flow with it. Its flows start on the others without a new command (remembered entities), adopt their Jobs (none
 * created twice), finish, and no persistence id is ever written by two writers at once.
 */
class ClusterFailoverTest {
  private static final int FLOWS = 12;
  private static final Duration MOVE = Duration.ofSeconds(90);

  @TempDir
  Path dir;
  private TestJournal journal;
  private LoopbackReplicas replicas;
  private final List<ActorRef<FlowRouter.Command>> routers = new ArrayList<>();
  private final InMemoryJobRuntime runtime = new InMemoryJobRuntime(Clock.systemUTC());

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
  void aReplicaLostWithoutLeavingHasItsFlowsFinishedByTheOthers() throws Exception {
    startCluster();
    startFlows();
    int victim = replicaWithEntities();
    int before = countEntities(victim);
    // As kill -9 seen from the others: the replica stops without leaving the cluster, no handoff.
    crash(victim);
    awaitEntitiesElsewhere(victim, "the lost replica's flows started on the others without a new command");
    finishEveryJobAndAwaitSucceeded(victim);
    assertTrue(before > 0);
    assertEveryJobCreatedOnce();
    assertWritersFormContiguousRuns();
  }

  @Test
  void aReplicaLeavingHandsItsFlowsOffToTheOthers() throws Exception {
    startCluster();
    startFlows();
    int leaving = replicaWithEntities();
    // As a rolling restart: SIGTERM runs coordinated shutdown, which leaves the cluster and hands shards off.
    akka.actor.CoordinatedShutdown.get(replicas.node(leaving)).run(akka.actor.CoordinatedShutdown.unknownReason());
    replicas.node(leaving).getWhenTerminated().toCompletableFuture().get(60, TimeUnit.SECONDS);
    awaitEntitiesElsewhere(leaving, "handed off to the others");
    finishEveryJobAndAwaitSucceeded(leaving);
    assertEveryJobCreatedOnce();
    assertWritersFormContiguousRuns();
  }

  private void startCluster() throws Exception {
    journal = TestJournal.open(JournalDialect.POSTGRESQL, dir);
    replicas = LoopbackReplicas.start(3, journal.akkaConfig(), "akka.cluster.split-brain-resolver.stable-after = 3s");
    for (int i = 0; i < 3; i++) {
      ActorSystem<Void> node = replicas.node(i);
      var deps = new FlowEntity.Dependencies(EngineSettings.defaults("replica-" + i), runtime, FlowListener.NONE,
          EngineHealth.NONE, Clock.systemUTC());
      routers.add(node.systemActorOf(FlowRouter.create(deps), "flows", Props.empty()));
    }
  }

  /** FLOWS flows of two steps each, a then b; every a is running when this returns. */
  private void startFlows() {
    for (int f = 0; f < FLOWS; f++) {
      routers.get(0).tell(new FlowRouter.Deliver(uid(f),
          new FlowCommand.SpecSeen(flow("f" + f, uid(f)).step("a").step("b", "a").build())));
    }
    Awaitility.await("every first Job created").atMost(MOVE).until(() -> {
      for (int f = 0; f < FLOWS; f++) {
        if (runtime.job("f" + f + "-a-1") == null) {
          return false;
        }
      }
      return true;
    });
  }

  private static String uid(int f) {
    return "uid-" + f;
  }

  private int replicaWithEntities() throws Exception {
    // Not the oldest, whose loss also moves the shard coordinator: that is covered by the process IT.
    for (int i = 1; i < 3; i++) {
      if (countEntities(i) > 0) {
        return i;
      }
    }
    return 0;
  }

  private int countEntities(int node) throws Exception {
    return AskPattern.<FlowRouter.Command, Integer>ask(routers.get(node), FlowRouter.CountEntities::new,
        Duration.ofSeconds(10), replicas.node(node).scheduler()).toCompletableFuture().get(15, TimeUnit.SECONDS);
  }

  private void crash(int node) throws Exception {
    ActorSystem<Void> victim = replicas.node(node);
    // Terminating without coordinated shutdown: the member neither leaves nor hands off; its peers see it vanish.
    victim.terminate();
    victim.getWhenTerminated().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }

  private void awaitEntitiesElsewhere(int gone, String why) {
    Awaitility.await(why).atMost(MOVE).pollInterval(Duration.ofMillis(500)).until(() -> {
      int live = 0;
      for (int i = 0; i < 3; i++) {
        if (i != gone) {
          live += countEntities(i);
        }
      }
      return live == FLOWS;
    });
  }

  private void finishEveryJobAndAwaitSucceeded(int gone) {
    int survivor = gone == 0 ? 1 : 0;
    runtime.finishWith(a -> JobState.Succeeded);
    for (int f = 0; f < FLOWS; f++) {
      runtime.set("data", "f" + f + "-a-1", JobState.Succeeded, null, null);
    }
    ActorSystem<Void> node = replicas.node(survivor);
    Awaitility.await("every flow Succeeded").atMost(MOVE).pollInterval(Duration.ofMillis(500)).until(() -> {
      for (int f = 0; f < FLOWS; f++) {
        TestProbe<FlowStatusUpdate> status = TestProbe.create(node);
        routers.get(survivor).tell(new FlowRouter.Deliver(uid(f), new FlowCommand.GetStatus(status.getRef())));
        if (status.receiveMessage(Duration.ofSeconds(10)).summary().phase() != FlowPhase.Succeeded) {
          return false;
        }
      }
      return true;
    });
  }

  private void assertEveryJobCreatedOnce() {
    Map<String, Integer> creations = runtime.allCreations();
    assertEquals(FLOWS * 2, creations.size(), creations.toString());
    creations.forEach((job, n) -> assertEquals(1, n, "creations of " + job));
  }

  /**
   * Per persistence id, in sequence-number order, each writer (one per entity incarnation) writes one unbroken run:
   * a writer that comes back after another wrote means two incarnations were writing at the same time.
   */
  private void assertWritersFormContiguousRuns() throws Exception {
    Map<String, List<String>> writersByPid = new HashMap<>();
    Map<String, Long> lastSeq = new HashMap<>();
    try (Connection c = journal.connect(); Statement st = c.createStatement();
         ResultSet rs = st.executeQuery("SELECT persistence_id, sequence_number, writer FROM "
             + journal.table("event_journal") + " ORDER BY persistence_id, sequence_number")) {
      while (rs.next()) {
        String pid = rs.getString(1);
        long seq = rs.getLong(2);
        assertEquals(lastSeq.getOrDefault(pid, 0L) + 1, seq, pid + ": sequence numbers without a gap");
        lastSeq.put(pid, seq);
        List<String> runs = writersByPid.computeIfAbsent(pid, p -> new ArrayList<>());
        String writer = rs.getString(3);
        if (runs.isEmpty() || !runs.get(runs.size() - 1).equals(writer)) {
          runs.add(writer);
        }
      }
    }
    assertEquals(FLOWS, writersByPid.size());
    int moved = 0;
    for (Map.Entry<String, List<String>> e : writersByPid.entrySet()) {
      Set<String> distinct = new HashSet<>(e.getValue());
      assertEquals(distinct.size(), e.getValue().size(), e.getKey() + " writers " + e.getValue());
      moved += e.getValue().size() > 1 ? 1 : 0;
    }
    assertTrue(moved > 0, "some flow was written by a second incarnation after the move");
  }
}
