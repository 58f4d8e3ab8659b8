package dev.jobflow.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import dev.jobflow.flow.FlowDefinition;
import dev.jobflow.flow.FlowLock;
import dev.jobflow.flow.FlowLocks;
import dev.jobflow.lock.LockCommand;
import dev.jobflow.lock.LockRouter;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** What the controller's side of locks decides: which locks a flow needs, in which order, and each one's size. */
class LockBridgeTest {
  static final ActorTestKit kit = ActorTestKit.create();

  @AfterAll
  static void stop() {
    kit.shutdownTestKit();
  }

  static FlowDefinition flow(FlowLock sync) {
    return new FlowDefinition("ops", "f", "u-1", 1, null, null, null, false, null, Map.of(), List.of(), List.of())
        .withLocking(3, sync, Instant.parse("2026-11-23T08:00:00Z"));
  }

  @Test
  void aFlowTakesItsOwnLockThenTheNamespaceLimitThenTheControllerLimit() {
    LockBridge none = new LockBridge(new QueueLimits(0, 0));
    assertEquals(List.of(), none.required(flow(null)));
    LockBridge both = new LockBridge(new QueueLimits(10, 2));
    FlowLock mutex = FlowLock.mutex("ops", "db");
    assertEquals(List.of(mutex, FlowLock.namespaceQueue("ops"), FlowLock.controllerQueue()), both.required(flow(mutex)));
    assertEquals(List.of(FlowLock.controllerQueue()), new LockBridge(new QueueLimits(5, 0)).required(flow(null)));
    assertEquals(1, both.capacity(mutex));
    assertEquals(2, both.capacity(FlowLock.namespaceQueue("ops")));
    assertEquals(10, both.capacity(FlowLock.controllerQueue()));
  }

  @Test
  void semaphoreSizesComeFromTheConfigMapAndEachChangeResizesItsLock() {
    TestProbe<LockRouter.Command> locks = kit.createTestProbe();
    LockBridge bridge = new LockBridge(new QueueLimits(0, 0));
    bridge.connectLocks(locks.getRef());
    FlowLock gpu = FlowLock.semaphore("ops", "gpu");
    assertEquals(0, bridge.capacity(gpu), "unknown: nobody new starts");

    bridge.sizesSeen("ops", Map.of("gpu", 2));
    assertEquals(new LockRouter.Deliver(gpu, new LockCommand.Resize(2)), locks.receiveMessage());
    assertEquals(2, bridge.capacity(gpu));
    bridge.sizesSeen("ops", Map.of("gpu", 2)); // a resync: nothing changed, nothing sent (the next message is the next change)
    bridge.sizesSeen("ops", Map.of()); // the key (or the ConfigMap) is gone
    assertEquals(new LockRouter.Deliver(gpu, new LockCommand.Resize(0)), locks.receiveMessage());

    bridge.request(gpu, new FlowLocks.Holder("u-1", "ops", "f", 3, Instant.EPOCH));
    assertEquals(new LockRouter.Deliver(gpu, new LockCommand.Request("u-1", 3, Instant.EPOCH, "f", 0)),
        locks.receiveMessage());
  }
}
