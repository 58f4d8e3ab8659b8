package dev.jobflow.controller;

import dev.jobflow.flow.FlowEvent;
import dev.jobflow.flow.FlowId;
import dev.jobflow.flow.FlowListener;
import dev.jobflow.flow.FlowStatusUpdate;
import dev.jobflow.kube.ScheduleInformer;
import dev.jobflow.kube.TriggerInformer;
import dev.jobflow.schedule.ScheduleDefinition;
import dev.jobflow.schedule.ScheduleEvent;
import dev.jobflow.schedule.ScheduleObserver;
import dev.jobflow.schedule.ScheduleStatus;
import dev.jobflow.trigger.TriggerDefinition;
import dev.jobflow.trigger.TriggerEvent;
import dev.jobflow.trigger.TriggerObserver;
import dev.jobflow.trigger.TriggerState;
import java.util.concurrent.Executor;

/**
 * Gives an entity that resumed without being told its object's current state (a restart, or a lost replica's flow,
 * schedule or trigger starting on this one, where remembered entities start it at once) that state again, from this replica's
 * informer caches: no API call. Changes sent to the lost replica before it was downed are not lost that way.
 * Entities start before the informers exist: until {@link #connect}, and for objects not in the cache yet, nothing
 * is delivered, and the informers' initial lists deliver them instead.
 */
final class Redelivery implements FlowListener {
  private final Executor io;
  private volatile FlowInformer flows;
  private volatile FlowReconciler reconciler;
  private volatile ScheduleInformer schedules;
  private volatile TriggerInformer triggers;

  Redelivery(Executor io) {
    this.io = io;
  }

  void connect(FlowInformer flowInformer, FlowReconciler flowReconciler, ScheduleInformer scheduleInformer) {
    this.reconciler = flowReconciler;
    this.flows = flowInformer;
    this.schedules = scheduleInformer;
  }

  void connect(TriggerInformer triggerInformer) {
    this.triggers = triggerInformer;
  }

  @Override
  public void statusChanged(FlowStatusUpdate update) {}

  @Override
  public void eventRecorded(FlowId flow, FlowEvent event) {}

  @Override
  public void resumed(FlowId flow) {
    FlowInformer informer = flows;
    if (informer != null) {
      // Off the entity's thread: validation and template resolution run in the reconciler.
      io.execute(() -> informer.byUid(flow.uid()).ifPresent(reconciler::onFlow));
    }
  }

  /** {@code publisher}, and on a resumed schedule its CronJobFlow and runs delivered again. */
  ScheduleObserver schedulesAround(ScheduleObserver publisher) {
    return new ScheduleObserver() {
      @Override
      public void statusChanged(ScheduleStatus status) {
        publisher.statusChanged(status);
      }

      @Override
      public void eventRecorded(ScheduleDefinition schedule, ScheduleEvent event) {
        publisher.eventRecorded(schedule, event);
      }

      @Override
      public void resumed(String uid) {
        ScheduleInformer informer = schedules;
        if (informer != null) {
          io.execute(() -> informer.redeliver(uid));
        }
      }
    };
  }

  /** {@code publisher}, and on a resumed trigger its JobFlowTrigger delivered again. */
  TriggerObserver triggersAround(TriggerObserver publisher) {
    return new TriggerObserver() {
      @Override
      public void stateChanged(TriggerDefinition trigger, TriggerState state) {
        publisher.stateChanged(trigger, state);
      }

      @Override
      public void eventRecorded(TriggerDefinition trigger, TriggerEvent event) {
        publisher.eventRecorded(trigger, event);
      }

      @Override
      public void resumed(String uid) {
        TriggerInformer informer = triggers;
        if (informer != null) {
          io.execute(() -> informer.redeliver(uid));
        }
      }
    };
  }
}
