package dev.jobflow.controller;

import akka.actor.typed.ActorRef;
import dev.jobflow.flow.FlowCommand;
import dev.jobflow.flow.FlowDefinition;
import dev.jobflow.flow.FlowLock;
import dev.jobflow.flow.FlowLocks;
import dev.jobflow.flow.FlowRouter;
import dev.jobflow.kube.SemaphoreInformer;
import dev.jobflow.lock.LockCommand;
import dev.jobflow.lock.LockHolders;
import dev.jobflow.lock.LockRouter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Connects flows and locks, both ways: to a flow it is the lock port ({@link FlowLocks}: which locks it needs, asking
 * and giving back, sent to the lock entities with the lock's size as known here), to a lock it is the holders' port
 * ({@link LockHolders}: grants and places, delivered to the flow entities). It also knows the sizes: a mutex is 1,
 * a semaphore what its namespace's ConfigMap says (0 while unknown), a queue limit what the controller's config says.
 */
final class LockBridge implements FlowLocks, LockHolders, SemaphoreInformer.Listener {
  private final AtomicReference<ActorRef<LockRouter.Command>> locks = new AtomicReference<>();
  private final AtomicReference<ActorRef<FlowRouter.Command>> flows = new AtomicReference<>();
  private final QueueLimits limits;
  private final Map<String, Map<String, Integer>> semaphores = new ConcurrentHashMap<>();

  LockBridge(QueueLimits limits) {
    this.limits = limits;
  }

  /** The locks' router, once it exists (its entities need this bridge: the routers are made in turn). */
  void connectLocks(ActorRef<LockRouter.Command> lockRouter) {
    locks.set(lockRouter);
  }

  /** The flows' router, once it exists. */
  void connectFlows(ActorRef<FlowRouter.Command> flowRouter) {
    flows.set(flowRouter);
  }

  // ---- for flows ----

  @Override
  public List<FlowLock> required(FlowDefinition flow) {
    List<FlowLock> out = new ArrayList<>(3);
    if (flow.synchronization() != null) {
      out.add(flow.synchronization());
    }
    if (limits.perNamespace() > 0) {
      out.add(FlowLock.namespaceQueue(flow.namespace()));
    }
    if (limits.total() > 0) {
      out.add(FlowLock.controllerQueue());
    }
    return out;
  }

  @Override
  public void request(FlowLock lock, Holder holder) {
    toLock(lock, new LockCommand.Request(holder.uid(), holder.priority(), holder.createdAt(), holder.name(),
        capacity(lock)));
  }

  @Override
  public void release(FlowLock lock, String holderUid) {
    toLock(lock, new LockCommand.Release(holderUid, "FlowDone"));
  }

  int capacity(FlowLock lock) {
    return switch (lock.kind()) {
      case mutex -> 1;
      case semaphore -> semaphores.getOrDefault(lock.namespace(), Map.of()).getOrDefault(lock.name(), 0);
      case namespaceQueue -> limits.perNamespace();
      case controllerQueue -> limits.total();
    };
  }

  // ---- for locks ----

  @Override
  public void granted(FlowLock lock, String holder) {
    toFlow(holder, new FlowCommand.LockGranted(lock));
  }

  @Override
  public void confirm(FlowLock lock, String holder) {
    toFlow(holder, new FlowCommand.LockGranted(lock)); // a holder that does not want it gives it back
  }

  @Override
  public void waiting(FlowLock lock, String holder, int position, int waiters, int capacity) {
    toFlow(holder, new FlowCommand.LockWaiting(lock, position, waiters, capacity));
  }

  private void toLock(FlowLock lock, LockCommand command) {
    ActorRef<LockRouter.Command> router = locks.get();
    if (router == null) {
      throw new IllegalStateException("the lock router is not connected yet: " + lock.key());
    }
    router.tell(new LockRouter.Deliver(lock, command));
  }

  private void toFlow(String uid, FlowCommand command) {
    ActorRef<FlowRouter.Command> router = flows.get();
    if (router != null) {
      router.tell(new FlowRouter.Deliver(uid, command));
    }
  }

  // ---- semaphore sizes ----

  /** A namespace's ConfigMap was seen: every semaphore whose size changed is resized (a larger one grants waiters). */
  @Override
  public void sizesSeen(String namespace, Map<String, Integer> sizes) {
    Map<String, Integer> before = semaphores.put(namespace, Map.copyOf(sizes));
    Set<String> names = new HashSet<>(sizes.keySet());
    if (before != null) {
      names.addAll(before.keySet());
    }
    for (String name : names) {
      int now = sizes.getOrDefault(name, 0);
      Integer was = before == null ? null : before.get(name);
      if (was == null ? sizes.containsKey(name) : was != now) {
        toLock(FlowLock.semaphore(namespace, name), new LockCommand.Resize(now));
      }
    }
  }
}
