package dev.jobflow.flow;

import static dev.jobflow.flow.Flows.flow;
import static org.junit.jupiter.api.Assertions.assertEquals;

import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import akka.cluster.sharding.typed.javadsl.EntityTypeKey;
import dev.jobflow.cluster.ShardedEntities;
import dev.jobflow.api.FlowPhase;
import dev.jobflow.flow.FlowCommand.GetStatus;
import dev.jobflow.flow.FlowCommand.SpecSeen;
import dev.jobflow.flow.FlowRouter.CountEntities;
import dev.jobflow.flow.FlowRouter.Deliver;
import dev.jobflow.step.JobState;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class FlowRouterTest extends EntityHarness {

  /** A region of its own per test: sharding keeps a type key's first entity factory for the actor system's life. */
  private static EntityTypeKey<FlowCommand> key(String test) {
    return EntityTypeKey.create(FlowCommand.class, "JobFlow-" + test);
  }

  @Test
  void oneEntityPerUidStoppedWhenFinishedAndRecoveredOnDemand() {
    ActorRef<FlowRouter.Command> router = testKit.spawn(FlowRouter.create(key("one"), deps()));
    router.tell(new Deliver("r-1", new SpecSeen(flow("one", "r-1").step("a").build())));
    router.tell(new Deliver("r-2", new SpecSeen(flow("two", "r-2").step("a").build())));
    await("both started", () -> runtime.job("one-a-1") != null && runtime.job("two-a-1") != null);
    TestProbe<Integer> count = testKit.createTestProbe();
    router.tell(new CountEntities(count.getRef()));
    assertEquals(2, count.receiveMessage());

    runtime.set("data", "one-a-1", JobState.Succeeded, null, null);
    awaitEvent("r-1", FlowEvent.FlowSucceeded.class);
    await("r-1 passivated", () -> {
      router.tell(new CountEntities(count.getRef()));
      return count.receiveMessage() == 1;
    });

    TestProbe<FlowStatusUpdate> status = testKit.createTestProbe();
    router.tell(new Deliver("r-1", new GetStatus(status.getRef())));
    assertEquals(FlowPhase.Succeeded, status.receiveMessage().summary().phase(), "recovered from the journal");
    router.tell(new Deliver("r-2", new GetStatus(status.getRef())));
    assertEquals(FlowPhase.Running, status.receiveMessage().summary().phase());
  }

  @Test
  void snapshotsOfALargeFlowAreSpacedByItsSize() {
    settings = settings.withSnapshotEvery(2);
    runtime.finishWith(a -> JobState.Succeeded);
    ActorRef<FlowRouter.Command> router = testKit.spawn(FlowRouter.create(key("big"), deps()));
    Flows f = flow("big", "r-big");
    for (int i = 0; i < 6; i++) {
      f.step("s" + i, i == 0 ? new String[0] : new String[] {"s" + (i - 1)});
    }
    router.tell(new Deliver("r-big", new SpecSeen(f.build())));
    awaitEvent("r-big", FlowEvent.FlowSucceeded.class);
    assertEquals(20, events("r-big").size());
    await("snapshots at 12 and 18", () -> snapshots.persistedInStorage(pid("r-big")).stream()
        .map(p -> p.first().sequenceNr()).toList().equals(java.util.List.of(12L, 18L)));
  }

  @Test
  void commandsForAStoppingEntityAreHeldBackAndGoToItsSuccessor() {
    TestProbe<Object> seen = testKit.createTestProbe();
    java.util.concurrent.atomic.AtomicInteger incarnations = new java.util.concurrent.atomic.AtomicInteger();
    ActorRef<FlowRouter.Command> router = testKit.spawn(FlowRouter.create(key("held"), (entity, steps) ->
        akka.actor.typed.javadsl.Behaviors.setup(ctx -> {
          int n = incarnations.incrementAndGet();
          return akka.actor.typed.javadsl.Behaviors.receive(FlowCommand.class)
              .onMessage(FlowCommand.Deleted.class, d -> {
                seen.getRef().tell(n + ":deleted");
                ShardedEntities.passivate(entity.getShard(), ctx.getSelf());
                return akka.actor.typed.javadsl.Behaviors.same();
              })
              .onMessage(FlowCommand.Reconsider.class, r -> {
                seen.getRef().tell(n + ":reconsider");
                return akka.actor.typed.javadsl.Behaviors.same();
              })
              .onMessage(FlowCommand.Stop.class, stop -> {
                if (n > 1) {
                  return akka.actor.typed.javadsl.Behaviors.stopped();  // the actor system shuts down
                }
                seen.getRef().tell(ctx.getSelf());  // the test decides when the first is gone
                return akka.actor.typed.javadsl.Behaviors.same();
              })
              .onMessage(FlowCommand.Wake.class, w -> akka.actor.typed.javadsl.Behaviors.stopped())
              .build();
        })));
    router.tell(new Deliver("x", new FlowCommand.Deleted()));
    seen.expectMessage("1:deleted");
    @SuppressWarnings("unchecked")
    ActorRef<FlowCommand> stopping = (ActorRef<FlowCommand>) seen.receiveMessage();
    router.tell(new Deliver("x", new FlowCommand.Reconsider()));  // the shard holds it back
    TestProbe<Integer> count = testKit.createTestProbe();
    router.tell(new CountEntities(count.getRef()));
    assertEquals(1, count.receiveMessage(), "the shard has taken the command; the stopping entity still lives");
    stopping.tell(new FlowCommand.Wake());
    // Not "1:reconsider": held back while the first incarnation stopped, then given to its successor.
    seen.expectMessage("2:reconsider");
    assertEquals(2, incarnations.get());
  }

  /**
   * A retry the shard handed the entity just before it took the entity's passivation reaches it after it asked to
   * stop: the entity runs again, then stops on the shard's Stop, and must have a successor at once (not at the next
   * resync) that adopts the retried Job and finishes the flow.
   */
  @Test
  void aRetryThatReachedAPassivatingEntityRunsOnInItsSuccessor() {
    String uid = "r-retry";
    FlowDefinition definition = flow("again", uid).step("a").build();
    TestProbe<ActorRef<FlowCommand>> incarnations = testKit.createTestProbe();
    TestProbe<String> stops = testKit.createTestProbe();
    java.util.concurrent.CompletableFuture<Void> release = new java.util.concurrent.CompletableFuture<>();
    ActorRef<FlowRouter.Command> router = testKit.spawn(FlowRouter.create(key("retry"), (entity, steps) ->
        akka.actor.typed.javadsl.Behaviors.setup(ctx -> {
          incarnations.getRef().tell(ctx.getSelf());
          return akka.actor.typed.javadsl.Behaviors.intercept(() -> new HoldingStop(release, stops.getRef()),
              FlowEntity.create(entity, deps(), steps));
        })));
    router.tell(new Deliver(uid, new SpecSeen(definition)));
    ActorRef<FlowCommand> first = incarnations.receiveMessage(Duration.ofSeconds(20));
    await("a-1 created", () -> runtime.job("again-a-1") != null);
    runtime.set("data", "again-a-1", JobState.Failed, "Boom", "exit 1");
    awaitEvent(uid, FlowEvent.FlowFailed.class);
    // The shard took the passivation: commands through it now wait for a successor.
    stops.expectMessage(Duration.ofSeconds(20), "held");

    // The retry the shard had already handed over before the passivation: it is in the entity's mailbox.
    first.tell(new SpecSeen(definition, new dev.jobflow.api.RetryRequest("1", null, "alice", clock.instant())));
    awaitEvent(uid, FlowEvent.FlowRetried.class);
    await("a-2 created by the first incarnation", () -> runtime.job("again-a-2") != null);
    release.complete(null);

    incarnations.receiveMessage(Duration.ofSeconds(20));  // started without any new command from outside
    runtime.set("data", "again-a-2", JobState.Succeeded, null, null);
    awaitEvent(uid, FlowEvent.FlowSucceeded.class);
  }

  /** Holds the shard's Stop back until {@code release} completes, telling {@code held} when it arrived. */
  private static final class HoldingStop extends akka.actor.typed.BehaviorInterceptor<FlowCommand, FlowCommand> {
    private final java.util.concurrent.CompletableFuture<Void> release;
    private final ActorRef<String> held;

    HoldingStop(java.util.concurrent.CompletableFuture<Void> release, ActorRef<String> held) {
      super(FlowCommand.class);
      this.release = release;
      this.held = held;
    }

    @Override
    public akka.actor.typed.Behavior<FlowCommand> aroundReceive(akka.actor.typed.TypedActorContext<FlowCommand> ctx,
        FlowCommand msg, ReceiveTarget<FlowCommand> target) {
      if (msg instanceof FlowCommand.Stop && !release.isDone()) {
        held.tell("held");
        ActorRef<FlowCommand> self = ctx.asJava().getSelf();
        release.thenRun(() -> self.tell(msg));
        return akka.actor.typed.javadsl.Behaviors.same();
      }
      return target.apply(ctx, msg);
    }
  }
}
