package dev.jobflow.schedule;

/** What a schedule entity tells its surroundings (status writer, Events, metrics). Called on its thread: never block. */
public interface ScheduleObserver {
  /** After recovery, after each stored event, and when asked. */
  void statusChanged(ScheduleStatus status);

  /** Every new event, in order. */
  void eventRecorded(ScheduleDefinition schedule, ScheduleEvent event);

  /**
   * The entity recovered a schedule from the journal without its spec (a restart, or on this replica after the one
   * it lived on was lost): the controller delivers the current CronJobFlow and its runs again.
   */
  default void resumed(String uid) {}

  ScheduleObserver NONE = new ScheduleObserver() {
    public void statusChanged(ScheduleStatus status) {}

    public void eventRecorded(ScheduleDefinition schedule, ScheduleEvent event) {}
  };
}
