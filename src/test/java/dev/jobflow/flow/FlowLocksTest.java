package dev.jobflow.flow;

import static dev.jobflow.flow.Flows.flow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.Behaviors;
import akka.persistence.journal.Tagged;
import dev.jobflow.api.FlowPhase;
import dev.jobflow.dag.Reasons;
import dev.jobflow.lock.LockCommand;
import dev.jobflow.lock.LockEntity;
import dev.jobflow.lock.LockEvent;
import dev.jobflow.lock.LockHolders;
import dev.jobflow.lock.LockObserver;
import dev.jobflow.step.InMemoryJobRuntime;
import dev.jobflow.step.JobState;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Flows and lock entities together, on one journal: a flow with {@code spec.synchronization} asks its lock (the request
 * stored first), starts nothing until its grant is stored, and gives the lock back once it finished or was deleted.
 * The crash windows are journals written as a crash leaves them, then recovered: between grant and start (the flow
 * asks again, the lock grants the same holder again, never a second one), and between finish and release (the
 * finished holder, a holder whose release was lost, and a holder with no flow at all each give the lock back).
 */
class FlowLocksTest extends EntityHarness {
  static final Instant T0 = Instant.parse("2026-11-23T07:00:00Z");
  static final LockEvent.EventMeta LOCK_META = new LockEvent.EventMeta(T0, WRITER);
  static final FlowEvent.EventMeta FLOW_META = new FlowEvent.EventMeta(T0, WRITER, null);

  TestLocks locks;

  @BeforeEach
  void locks() {
    runtime.finishWith(null); // Jobs run until the test finishes them
    locks = new TestLocks();
  }

  FlowDefinition onMutex(String name, String uid, String key, int priority, int minute) {
    return flow(name, uid).step("work").build().withLocking(priority, FlowLock.mutex("data", key),
        T0.plusSeconds(60L * minute));
  }

  @Test
  void aMutexRunsOneFlowAtATimeByPriorityThenAge() {
    FlowLock mutex = FlowLock.mutex("data", "deploy");
    locks.start(onMutex("first", "u-first", "deploy", 0, 1));
    awaitJob("first-work-1");
    locks.start(onMutex("late-old", "u-late-old", "deploy", 0, 2));
    locks.start(onMutex("young", "u-young", "deploy", 0, 4));
    locks.start(onMutex("urgent", "u-urgent", "deploy", 5, 5));
    await("three waiters", () -> lockState(mutex).waiters().size() == 3);
    assertEquals(List.of("u-urgent", "u-late-old", "u-young"), lockState(mutex).waiters().stream()
        .map(r -> r.holder()).toList(), "priority first, then the older flow");

    FlowStatusUpdate waiting = lastStatus("u-young");
    assertEquals(FlowPhase.Pending, waiting.summary().phase());
    assertEquals(Reasons.WAITING_FOR_LOCK, waiting.summary().reason());
    assertTrue(waiting.summary().message().contains("mutex 'deploy': position 3 of 3"), waiting.summary().message());

    List<String> order = new ArrayList<>(List.of("first"));
    for (String next : List.of("urgent", "late-old", "young")) {
      String running = order.get(order.size() - 1);
      runtime.set("data", running + "-work-1", JobState.Succeeded, "Completed", "done");
      awaitJob(next + "-work-1");
      order.add(next);
    }
    runtime.set("data", "young-work-1", JobState.Succeeded, "Completed", "done");
    await("every flow released", () -> lockState(mutex).isIdle());
    assertEquals(1, maxHoldersAtOnce(mutex), "never two holders");
    assertEquals(List.of("u-first", "u-urgent", "u-late-old", "u-young"), grantOrder(mutex));
    for (String uid : List.of("u-first", "u-urgent", "u-late-old", "u-young")) {
      assertEquals(List.of("FlowAccepted", "FlowLockRequested", "FlowLockGranted", "StepAttemptStarted",
          "StepJobCreated", "StepSucceeded", "FlowSucceeded", "FlowLockReleased"), types(events(uid)), uid);
    }
  }

  @Test
  void aCrashBetweenGrantAndStartIsGrantedAgainToTheSameHolder() {
    FlowLock mutex = FlowLock.mutex("data", "grant-crash");
    // As a kill -9 leaves it: the lock stored the grant, the flow never heard of it.
    FlowDefinition a = onMutex("gc-a", "u-gc-a", "grant-crash", 0, 1);
    FlowDefinition b = onMutex("gc-b", "u-gc-b", "grant-crash", 9, 2);
    waiting(a);
    waiting(b);
    lockJournal(mutex, 1, List.of(a), List.of(b));

    locks.recover("u-gc-b"); // the higher priority asks first after the restart: it still waits
    locks.recover("u-gc-a");
    awaitJob("gc-a-work-1");
    assertEquals(List.of("u-gc-b"), lockState(mutex).waiters().stream().map(r -> r.holder()).toList());
    assertEquals(1, count(lockEvents(mutex), LockEvent.LockGranted.class), "granted again, not stored again");
    assertEquals(null, runtime.job("gc-b-work-1"));

    runtime.set("data", "gc-a-work-1", JobState.Succeeded, "Completed", "done");
    awaitJob("gc-b-work-1");
    runtime.set("data", "gc-b-work-1", JobState.Succeeded, "Completed", "done");
    await("released", () -> lockState(mutex).isIdle());
    assertEquals(1, maxHoldersAtOnce(mutex));
    assertEquals(List.of("u-gc-a", "u-gc-b"), grantOrder(mutex));
    assertEquals(1, runtime.creations("gc-a-work-1"));
  }

  @Test
  void aFinishedHolderThatCrashedBeforeReleasingReleasesOnRecovery() {
    FlowLock mutex = FlowLock.mutex("data", "finish-crash");
    FlowDefinition a = onMutex("fc-a", "u-fc-a", "finish-crash", 0, 1);
    FlowDefinition b = onMutex("fc-b", "u-fc-b", "finish-crash", 0, 2);
    // A finished; the crash came before its release was stored. B waits.
    journal.persistForRecovery(pid("u-fc-a"), List.of(new FlowEvent.FlowAccepted(FLOW_META, a),
        new FlowEvent.FlowLockRequested(FLOW_META, mutex, 0), new FlowEvent.FlowLockGranted(FLOW_META, mutex),
        new FlowEvent.StepAttemptStarted(FLOW_META, "work", 1, "fc-a-work-1"),
        new FlowEvent.StepSucceeded(FLOW_META, "work", 1, "fc-a-work-1", "uid-1", "Completed", "done"),
        new FlowEvent.FlowSucceeded(FLOW_META, Reasons.SUCCEEDED, "all 1 steps succeeded")));
    waiting(b);
    lockJournal(mutex, 1, List.of(a), List.of(b));

    locks.recover("u-fc-b"); // only the waiter is started again: the lock, recovering, asks its holder
    awaitJob("fc-b-work-1");
    assertEquals("FlowLockReleased", types(events("u-fc-a")).get(events("u-fc-a").size() - 1));
    assertEquals(1, maxHoldersAtOnce(mutex));
    assertEquals(List.of("u-fc-a", "u-fc-b"), grantOrder(mutex));
  }

  @Test
  void aReleaseLostAfterItWasStoredAndAHolderWithNoFlowAreFoundByTheLock() {
    FlowLock mutex = FlowLock.mutex("data", "lost-release");
    FlowDefinition a = onMutex("lr-a", "u-lr-a", "lost-release", 0, 1);
    FlowDefinition c = onMutex("lr-c", "u-lr-c", "lost-release", 0, 3);
    // A stored its release but the lock never heard; then "ghost" held it, a flow whose journal is gone.
    journal.persistForRecovery(pid("u-lr-a"), List.of(new FlowEvent.FlowAccepted(FLOW_META, a),
        new FlowEvent.FlowLockRequested(FLOW_META, mutex, 0), new FlowEvent.FlowLockGranted(FLOW_META, mutex),
        new FlowEvent.FlowCancelled(FLOW_META, Reasons.FLOW_DELETED, "the JobFlow was deleted"),
        new FlowEvent.FlowDeleted(FLOW_META), new FlowEvent.FlowLockReleased(FLOW_META, mutex, true)));
    waiting(c);
    lockJournal(mutex, 2, List.of(a, onMutex("ghost", "u-ghost", "lost-release", 0, 2)), List.of(c));

    locks.recover("u-lr-c");
    awaitJob("lr-c-work-1");
    List<LockEvent> stored = lockEvents(mutex);
    assertEquals(Set.of("u-lr-a", "u-ghost"), Set.copyOf(stored.stream()
        .filter(e -> e instanceof LockEvent.LockReleased).map(e -> ((LockEvent.LockReleased) e).holder()).toList()));
    assertEquals(List.of("u-lr-c"), lockState(mutex).holders().stream().map(r -> r.holder()).toList(),
        "the mutex (sized 1 again by the request) has one holder");
  }

  @Test
  void aFlowDeletedWhileWaitingWithdrawsAndASemaphoreGrowsLive() {
    FlowLock sem = FlowLock.semaphore("data", "gpu");
    locks.capacity.put(sem, 1);
    Function<String, FlowDefinition> onGpu = name -> flow(name, "u-" + name).step("work").build()
        .withLocking(0, sem, T0.plusSeconds(name.hashCode() & 0xff));
    locks.start(onGpu.apply("g1"));
    awaitJob("g1-work-1");
    locks.start(onGpu.apply("g2"));
    locks.start(onGpu.apply("g3"));
    await("two waiters", () -> lockState(sem).waiters().size() == 2);

    locks.deliver("u-g2", new FlowCommand.Deleted());
    await("g2 withdrew", () -> lockState(sem).waiters().size() == 1);
    assertEquals(List.of("FlowAccepted", "FlowLockRequested", "FlowCancelled", "FlowDeleted", "FlowLockReleased"),
        types(events("u-g2")));
    assertEquals(false, last("u-g2", FlowEvent.FlowLockReleased.class).held());

    locks.resize(sem, 2); // the ConfigMap says 2 now
    awaitJob("g3-work-1");
    assertEquals(2, maxHoldersAtOnce(sem));
    assertEquals(null, runtime.job("g2-work-1"));
  }

  @Test
  void withAQueueLimitAFlowTakesItsLocksOneAtATimeInOrderAndAFlowWithoutALockWaitsForTheLimit() {
    FlowLock queue = FlowLock.namespaceQueue("data");
    locks.queueLimit = 1;
    locks.capacity.put(queue, 1);
    locks.start(onMutex("q-a", "u-q-a", "queue-order", 0, 1));
    awaitJob("q-a-work-1");
    locks.start(flow("q-b", "u-q-b").step("work").build()); // no synchronization: only the limit holds it back
    await("q-b waits for the limit", () -> lockState(queue).waiters().size() == 1);
    assertEquals(null, runtime.job("q-b-work-1"));
    runtime.set("data", "q-a-work-1", JobState.Succeeded, "Completed", "done");
    awaitJob("q-b-work-1");
    runtime.set("data", "q-b-work-1", JobState.Succeeded, "Completed", "done");
    await("q-b released", () -> lockState(queue).isIdle());
    List<String> a = events("u-q-a").stream().map(e -> e instanceof FlowEvent.FlowLockRequested r
        ? "asked " + r.lock().kind() : e instanceof FlowEvent.FlowLockGranted g ? "got " + g.lock().kind()
        : e instanceof FlowEvent.FlowLockReleased r ? "gave " + r.lock().kind() : e.getClass().getSimpleName())
        .toList();
    assertEquals(List.of("FlowAccepted", "asked mutex", "got mutex", "asked namespaceQueue", "got namespaceQueue",
        "StepAttemptStarted", "StepJobCreated", "StepSucceeded", "FlowSucceeded", "gave mutex",
        "gave namespaceQueue"), a);
    assertEquals(1, maxHoldersAtOnce(queue));
  }

  // ---- helpers ----

  /** The flow's journal as it is while it waits for its lock. */
  void waiting(FlowDefinition flow) {
    journal.persistForRecovery(pid(flow.uid()), List.of(new FlowEvent.FlowAccepted(FLOW_META, flow),
        new FlowEvent.FlowLockRequested(FLOW_META, flow.synchronization(), flow.effectivePriority())));
  }

  /** The lock's journal with these holders (granted in this order) and waiters. */
  void lockJournal(FlowLock lock, int size, List<FlowDefinition> holders, List<FlowDefinition> waiters) {
    List<Object> events = new ArrayList<>(List.of(new LockEvent.LockResized(LOCK_META, size)));
    for (FlowDefinition h : holders) {
      events.add(new LockEvent.LockRequested(LOCK_META, h.uid(), h.effectivePriority(), h.createdAt(), h.name()));
      events.add(new LockEvent.LockGranted(LOCK_META, h.uid()));
    }
    for (FlowDefinition w : waiters) {
      events.add(new LockEvent.LockRequested(LOCK_META, w.uid(), w.effectivePriority(), w.createdAt(), w.name()));
    }
    journal.persistForRecovery(LockEntity.persistenceId(lock).id(), events);
  }

  void awaitJob(String name) {
    await("Job " + name, () -> runtime.job(name) != null);
  }

  FlowStatusUpdate lastStatus(String uid) {
    List<FlowStatusUpdate> mine = observer.updates.stream().filter(u -> uid.equals(u.flow().uid())).toList();
    return mine.get(mine.size() - 1);
  }

  dev.jobflow.lock.LockQueue lockState(FlowLock lock) {
    var probe = testKit.<dev.jobflow.lock.LockState>createTestProbe();
    locks.lock(lock).tell(new LockCommand.GetState(probe.getRef()));
    return probe.receiveMessage(Duration.ofSeconds(10)).queue();
  }

  List<LockEvent> lockEvents(FlowLock lock) {
    List<LockEvent> out = new ArrayList<>();
    for (Object o : journal.persistedInStorage(LockEntity.persistenceId(lock).id())) {
      out.add((LockEvent) (o instanceof Tagged t ? t.payload() : o));
    }
    return out;
  }

  /** The most holders the lock's journal ever had at once. */
  int maxHoldersAtOnce(FlowLock lock) {
    Set<String> holders = new HashSet<>();
    int max = 0;
    for (LockEvent e : lockEvents(lock)) {
      if (e instanceof LockEvent.LockGranted g) {
        assertTrue(holders.add(g.holder()), g.holder() + " granted twice while holding");
      } else if (e instanceof LockEvent.LockReleased r) {
        holders.remove(r.holder());
      }
      max = Math.max(max, holders.size());
    }
    return max;
  }

  List<String> grantOrder(FlowLock lock) {
    return lockEvents(lock).stream().filter(e -> e instanceof LockEvent.LockGranted)
        .map(e -> ((LockEvent.LockGranted) e).holder()).toList();
  }

  static long count(List<LockEvent> events, Class<?> type) {
    return events.stream().filter(type::isInstance).count();
  }

  /**
   * The controller's lock bridge for tests: flow and lock entities started on first use by uid and key (as their
   * shard regions would), told about each other.
   */
  final class TestLocks implements FlowLocks, LockHolders {
    final Map<FlowLock, Integer> capacity = new ConcurrentHashMap<>();
    volatile int queueLimit;
    final ActorRef<Route<FlowCommand>> flows;
    final Map<FlowLock, ActorRef<LockCommand>> lockRefs = new ConcurrentHashMap<>();

    TestLocks() {
      FlowEntity.Dependencies deps = new FlowEntity.Dependencies(settings, runtime, observer, observer, clock, this);
      flows = testKit.spawn(router(uid -> FlowEntity.create(uid, deps)));
    }

    void start(FlowDefinition def) {
      deliver(def.uid(), new FlowCommand.SpecSeen(def));
    }

    /** Starts the flow's entity as the controller does after a restart: it recovers and carries on. */
    void recover(String uid) {
      deliver(uid, new FlowCommand.Reconsider());
    }

    void deliver(String uid, FlowCommand command) {
      flows.tell(new Route<>(uid, command));
    }

    void resize(FlowLock lock, int size) {
      capacity.put(lock, size);
      lock(lock).tell(new LockCommand.Resize(size));
    }

    ActorRef<LockCommand> lock(FlowLock lock) {
      return lockRefs.computeIfAbsent(lock, l -> testKit.spawn(LockEntity.create(l, new LockEntity.Dependencies(
          WRITER, this, LockObserver.NONE, clock, Duration.ofSeconds(1)))));
    }

    @Override
    public List<FlowLock> required(FlowDefinition flow) {
      List<FlowLock> out = new ArrayList<>();
      if (flow.synchronization() != null) {
        out.add(flow.synchronization());
      }
      if (queueLimit > 0) {
        out.add(FlowLock.namespaceQueue(flow.namespace()));
      }
      return out;
    }

    @Override
    public void request(FlowLock lock, Holder holder) {
      lock(lock).tell(new LockCommand.Request(holder.uid(), holder.priority(), holder.createdAt(), holder.name(),
          capacity.getOrDefault(lock, 1)));
    }

    @Override
    public void release(FlowLock lock, String holderUid) {
      lock(lock).tell(new LockCommand.Release(holderUid, "FlowDone"));
    }

    @Override
    public void granted(FlowLock lock, String holder) {
      deliver(holder, new FlowCommand.LockGranted(lock));
    }

    @Override
    public void waiting(FlowLock lock, String holder, int position, int waiters, int size) {
      deliver(holder, new FlowCommand.LockWaiting(lock, position, waiters, size));
    }

    @Override
    public void confirm(FlowLock lock, String holder) {
      deliver(holder, new FlowCommand.LockGranted(lock));
    }
  }

  record Route<C>(String id, C command) {}

  /** Starts an entity per id on its first command, and again after it stopped. */
  static <C> Behavior<Route<C>> router(Function<String, Behavior<C>> entities) {
    return Behaviors.setup(ctx -> {
      Map<String, ActorRef<C>> live = new HashMap<>();
      return Behaviors.<Route<C>>receiveMessage(r -> {
        if (r.command() == null) {
          live.remove(r.id());
          return Behaviors.same();
        }
        live.computeIfAbsent(r.id(), id -> {
          ActorRef<C> ref = ctx.spawn(entities.apply(id), "e-" + id);
          ctx.watchWith(ref, new Route<>(id, null));
          return ref;
        }).tell(r.command());
        return Behaviors.same();
      });
    });
  }
}
