package dev.jobflow.trigger;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * Routes commands to the {@link TriggerEntity} of each JobFlowTrigger uid, starting it on first use (it recovers from
 * the journal). Its entity lives until the trigger is deleted. Until cluster sharding, one router per controller:
 * the one writer per trigger that makes "seen within the window" a single decision.
 */
public final class TriggerRouter {
  public sealed interface Command {}

  /** Sends {@code command} to the entity of the trigger {@code uid}. */
  public record Deliver(String uid, TriggerCommand command) implements Command {}

  private record EntityStopped(String uid) implements Command {}

  public static Behavior<Command> create(TriggerEntity.Dependencies deps) {
    return create(uid -> TriggerEntity.create(uid, deps));
  }

  /** A router with any entity behavior per uid. */
  public static Behavior<Command> create(Function<String, Behavior<TriggerCommand>> entities) {
    return Behaviors.setup(ctx -> {
      Map<String, ActorRef<TriggerCommand>> live = new HashMap<>();
      return Behaviors.receive(Command.class)
          .onMessage(Deliver.class, d -> {
            live.computeIfAbsent(d.uid(), uid -> spawn(ctx, entities, uid)).tell(d.command());
            return Behaviors.same();
          })
          .onMessage(EntityStopped.class, s -> {
            live.remove(s.uid());
            return Behaviors.same();
          })
          .build();
    });
  }

  private static ActorRef<TriggerCommand> spawn(ActorContext<Command> ctx,
      Function<String, Behavior<TriggerCommand>> entities, String uid) {
    ActorRef<TriggerCommand> entity = ctx.spawn(entities.apply(uid), "trigger-" + uid);
    ctx.watchWith(entity, new EntityStopped(uid));
    return entity;
  }
}
