package dev.jobflow.controller;

import akka.actor.typed.ActorRef;
import dev.jobflow.api.CronJobFlow;
import dev.jobflow.api.JobFlow;
import dev.jobflow.status.EventRecorder;
import dev.jobflow.kube.ScheduleInformer;
import dev.jobflow.schedule.ScheduleCommand;
import dev.jobflow.schedule.ScheduleDefinition;
import dev.jobflow.schedule.ScheduleRouter;
import dev.jobflow.schedule.ScheduledFlows;
import dev.jobflow.validation.JobFlowValidator;
import dev.jobflow.validation.Problem;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Turns what the CronJobFlow informer sees into commands for the schedules' entities (validated by the one
 * validator: an invalid spec fires nothing and says why), and what it sees of the flows a schedule created into
 * reports to its entity, found by the flow's ownerReference.
 */
public final class ScheduleReconciler implements ScheduleInformer.Listener {
  private final ActorRef<ScheduleRouter.Command> router;
  private final JobFlowValidator validator;
  private final EventRecorder events;
  /** The generation last warned about per schedule uid: status writes re-deliver a schedule, not a new problem. */
  private final java.util.Map<String, Long> warned = new java.util.concurrent.ConcurrentHashMap<>();

  public ScheduleReconciler(ActorRef<ScheduleRouter.Command> router, JobFlowValidator validator, EventRecorder events) {
    this.router = router;
    this.validator = validator;
    this.events = events;
  }

  @Override
  public void onSchedule(CronJobFlow schedule) {
    if (schedule.getMetadata().getDeletionTimestamp() != null) {
      return; // going: its flows go with it (ownerReferences), and the delete event stops its entity
    }
    List<Problem> problems = validator.validate(schedule);
    String invalid = problems.isEmpty() ? null
        : problems.stream().map(Problem::toString).collect(Collectors.joining("; "));
    long generation = schedule.getMetadata().getGeneration() == null ? 0 : schedule.getMetadata().getGeneration();
    if (invalid != null && !Long.valueOf(generation).equals(warned.put(schedule.getMetadata().getUid(), generation))) {
      events.record(ref(schedule), EventRecorder.Type.Warning, "InvalidSpec", invalid);
    }
    ScheduleDefinition definition;
    try {
      definition = ScheduleDefinition.from(schedule, invalid);
    } catch (RuntimeException e) {
      definition = ScheduleDefinition.from(schedule, "spec: " + e.getMessage());
    }
    router.tell(new ScheduleRouter.Deliver(schedule.getMetadata().getUid(), new ScheduleCommand.SpecSeen(definition)));
  }

  @Override
  public void onScheduleGone(CronJobFlow lastKnown) {
    warned.remove(lastKnown.getMetadata().getUid());
    router.tell(new ScheduleRouter.Deliver(lastKnown.getMetadata().getUid(), new ScheduleCommand.Deleted()));
  }

  @Override
  public void onRun(JobFlow flow) {
    String schedule = ScheduledFlows.scheduleUid(flow);
    if (schedule == null) {
      return;
    }
    var status = flow.getStatus();
    router.tell(new ScheduleRouter.Deliver(schedule, new ScheduleCommand.FlowSeen(flow.getMetadata().getName(),
        flow.getMetadata().getUid(), ScheduledFlows.scheduledTime(flow), status == null ? null : status.getPhase(),
        status == null ? null : instant(status.getFinishedAt()))));
  }

  @Override
  public void onRunGone(JobFlow lastKnown) {
    String schedule = ScheduledFlows.scheduleUid(lastKnown);
    if (schedule != null) {
      router.tell(new ScheduleRouter.Deliver(schedule, new ScheduleCommand.FlowGone(lastKnown.getMetadata().getName(),
          lastKnown.getMetadata().getUid())));
    }
  }

  static EventRecorder.FlowRef ref(CronJobFlow schedule) {
    return new EventRecorder.FlowRef(schedule.getMetadata().getNamespace(), schedule.getMetadata().getName(),
        schedule.getMetadata().getUid(), CronJobFlow.KIND);
  }

  private static Instant instant(String text) {
    try {
      return text == null ? null : Instant.parse(text);
    } catch (DateTimeParseException e) {
      return null;
    }
  }
}
