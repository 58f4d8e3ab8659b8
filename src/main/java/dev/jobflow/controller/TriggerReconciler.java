package dev.jobflow.controller;

import akka.actor.typed.ActorRef;
import dev.jobflow.api.JobFlowTrigger;
import dev.jobflow.kube.TriggerInformer;
import dev.jobflow.status.EventRecorder;
import dev.jobflow.trigger.TriggerCommand;
import dev.jobflow.trigger.TriggerDefinition;
import dev.jobflow.trigger.TriggerDirectory;
import dev.jobflow.trigger.TriggerRouter;
import dev.jobflow.trigger.TriggerValidator;
import dev.jobflow.validation.Problem;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * Turns what the JobFlowTrigger informer sees into the endpoint's directory (namespace/name to the trigger's current
 * definition, validated: an invalid one refuses every firing and says why) and into commands for the triggers'
 * entities.
 */
public final class TriggerReconciler implements TriggerInformer.Listener, TriggerDirectory {
  private final ActorRef<TriggerRouter.Command> router;
  private final TriggerValidator validator = new TriggerValidator();
  private final EventRecorder events;
  private final Map<String, TriggerDefinition> byName = new ConcurrentHashMap<>();
  /** The generation last warned about per trigger uid: status writes re-deliver a trigger, not a new problem. */
  private final Map<String, Long> warned = new ConcurrentHashMap<>();

  public TriggerReconciler(ActorRef<TriggerRouter.Command> router, EventRecorder events) {
    this.router = router;
    this.events = events;
  }

  @Override
  public Optional<TriggerDefinition> find(String namespace, String name) {
    return Optional.ofNullable(byName.get(namespace + "/" + name));
  }

  @Override
  public void onTrigger(JobFlowTrigger trigger) {
    var meta = trigger.getMetadata();
    if (meta.getDeletionTimestamp() != null) {
      byName.remove(meta.getNamespace() + "/" + meta.getName());
      return;
    }
    List<Problem> problems = validator.validate(trigger);
    String invalid = problems.isEmpty() ? null
        : problems.stream().map(Problem::toString).collect(Collectors.joining("; "));
    long generation = meta.getGeneration() == null ? 0 : meta.getGeneration();
    if (invalid != null && !Long.valueOf(generation).equals(warned.put(meta.getUid(), generation))) {
      events.record(new EventRecorder.FlowRef(meta.getNamespace(), meta.getName(), meta.getUid(), JobFlowTrigger.KIND),
          EventRecorder.Type.Warning, "InvalidSpec", invalid);
    }
    TriggerDefinition definition = TriggerDefinition.from(trigger, invalid);
    byName.put(meta.getNamespace() + "/" + meta.getName(), definition);
    router.tell(new TriggerRouter.Deliver(meta.getUid(), new TriggerCommand.SpecSeen(definition)));
  }

  @Override
  public void onTriggerGone(JobFlowTrigger lastKnown) {
    var meta = lastKnown.getMetadata();
    byName.computeIfPresent(meta.getNamespace() + "/" + meta.getName(),
        (k, d) -> d.uid().equals(meta.getUid()) ? null : d);
    warned.remove(meta.getUid());
    router.tell(new TriggerRouter.Deliver(meta.getUid(), new TriggerCommand.Deleted()));
  }
}
