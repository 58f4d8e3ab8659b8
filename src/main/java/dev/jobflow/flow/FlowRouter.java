package dev.jobflow.flow;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * Routes commands to the {@link FlowEntity} of each flow uid, starting it on first use (it recovers from the
 * journal). An entity whose flow is done asks to passivate; the router holds back its commands until it has
 * stopped, then starts it again for them, so none is lost. Until cluster sharding, one router per controller.
 */
public final class FlowRouter {
  public sealed interface Command {}

  /** Sends {@code command} to the entity of flow {@code uid}. */
  public record Deliver(String uid, FlowCommand command) implements Command {}

  /** Replies with the number of live entities. */
  public record CountEntities(ActorRef<Integer> replyTo) implements Command {}

  /** From an entity whose flow is done: stop delivering to it, then tell it to stop. */
  record Passivate(String uid) implements Command {}

  private record EntityStopped(String uid) implements Command {}

  /** A router whose entities are {@link FlowEntity#create}d with these dependencies. */
  public static Behavior<Command> create(FlowEntity.Dependencies deps) {
    return Behaviors.setup(ctx -> new FlowRouter(ctx,
        (uid, steps) -> FlowEntity.create(uid, deps, steps, ctx.getSelf())).behavior());
  }

  /**
   * A router with any entity behavior per uid and expected number of steps (0 when unknown). Entities that want to
   * stop send {@link Passivate} to the router and stop on {@link FlowCommand.Stop}.
   */
  public static Behavior<Command> create(
      java.util.function.Function<ActorRef<Command>, BiFunction<String, Integer, Behavior<FlowCommand>>> entities) {
    return Behaviors.setup(ctx -> new FlowRouter(ctx, entities.apply(ctx.getSelf())).behavior());
  }

  private final ActorContext<Command> ctx;
  private final BiFunction<String, Integer, Behavior<FlowCommand>> entities;
  private final Map<String, ActorRef<FlowCommand>> live = new HashMap<>();
  /** Commands held back for entities that are stopping, by uid; delivered to a fresh entity once stopped. */
  private final Map<String, List<FlowCommand>> heldBack = new HashMap<>();

  private FlowRouter(ActorContext<Command> ctx, BiFunction<String, Integer, Behavior<FlowCommand>> entities) {
    this.ctx = ctx;
    this.entities = entities;
  }

  private Behavior<Command> behavior() {
    return Behaviors.receive(Command.class)
        .onMessage(Deliver.class, d -> {
          List<FlowCommand> held = heldBack.get(d.uid());
          if (held != null) {
            held.add(d.command());
          } else {
            entity(d.uid(), d.command()).tell(d.command());
          }
          return Behaviors.same();
        })
        .onMessage(Passivate.class, p -> {
          ActorRef<FlowCommand> entity = live.get(p.uid());
          if (entity != null && !heldBack.containsKey(p.uid())) {
            heldBack.put(p.uid(), new ArrayList<>());
            entity.tell(new FlowCommand.Stop());
          }
          return Behaviors.same();
        })
        .onMessage(CountEntities.class, c -> {
          c.replyTo().tell(live.size());
          return Behaviors.same();
        })
        .onMessage(EntityStopped.class, s -> {
          live.remove(s.uid());
          List<FlowCommand> held = heldBack.remove(s.uid());
          if (held != null && !held.isEmpty()) {
            ActorRef<FlowCommand> fresh = entity(s.uid(), held.get(0));
            held.forEach(fresh::tell);
          }
          return Behaviors.same();
        })
        .build();
  }

  private ActorRef<FlowCommand> entity(String uid, FlowCommand first) {
    ActorRef<FlowCommand> entity = live.get(uid);
    if (entity == null) {
      int steps = first instanceof FlowCommand.SpecSeen seen
          ? seen.definition().expectedSteps() : 0;
      entity = ctx.spawn(entities.apply(uid, steps), "flow-" + uid);
      ctx.watchWith(entity, new EntityStopped(uid));
      live.put(uid, entity);
    }
    return entity;
  }
}
