package dev.jobflow.flow;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import java.util.HashMap;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * Routes commands to the {@link FlowEntity} of each flow uid, starting it on first use (it recovers from the
 * journal). Entities stop themselves when their flow is finished; the next command for that uid starts it
 * again. Until cluster sharding, one router per controller.
 */
public final class FlowRouter {
  public sealed interface Command {}

  /** Sends {@code command} to the entity of flow {@code uid}. */
  public record Deliver(String uid, FlowCommand command) implements Command {}

  /** Replies with the number of live entities. */
  public record CountEntities(ActorRef<Integer> replyTo) implements Command {}

  private record EntityStopped(String uid) implements Command {}

  private FlowRouter() {}

  /** A router whose entities are {@link FlowEntity#create}d with these dependencies. */
  public static Behavior<Command> create(FlowEntity.Dependencies deps) {
    return create((uid, steps) -> FlowEntity.create(uid, deps, steps));
  }

  /** A router with any entity behavior per uid and expected number of steps (0 when unknown). */
  public static Behavior<Command> create(BiFunction<String, Integer, Behavior<FlowCommand>> entities) {
    return Behaviors.setup(ctx -> running(ctx, entities, new HashMap<>()));
  }

  private static Behavior<Command> running(ActorContext<Command> ctx,
                                           BiFunction<String, Integer, Behavior<FlowCommand>> entities,
                                           Map<String, ActorRef<FlowCommand>> live) {
    return Behaviors.receive(Command.class)
        .onMessage(Deliver.class, d -> {
          ActorRef<FlowCommand> entity = live.get(d.uid());
          if (entity == null) {
            int steps = d.command() instanceof FlowCommand.SpecSeen seen
                ? seen.definition().steps().size() + seen.definition().finallySteps().size() : 0;
            entity = ctx.spawn(entities.apply(d.uid(), steps), "flow-" + d.uid());
            ctx.watchWith(entity, new EntityStopped(d.uid()));
            live.put(d.uid(), entity);
          }
          entity.tell(d.command());
          return Behaviors.same();
        })
        .onMessage(CountEntities.class, c -> {
          c.replyTo().tell(live.size());
          return Behaviors.same();
        })
        .onMessage(EntityStopped.class, s -> {
          live.remove(s.uid());
          return Behaviors.same();
        })
        .build();
  }
}
