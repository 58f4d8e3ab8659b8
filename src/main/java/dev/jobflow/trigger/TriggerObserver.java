package dev.jobflow.trigger;

/** What a trigger entity tells its surroundings (status writer, Events, metrics). Called on its thread: never block. */
public interface TriggerObserver {
  /** After its spec is seen and after each stored event. */
  void stateChanged(TriggerDefinition trigger, TriggerState state);

  /** Every new event, in order. */
  void eventRecorded(TriggerDefinition trigger, TriggerEvent event);

  /**
   * The entity of trigger {@code uid} recovered without being told its spec (it started on this replica after
   * another was lost): it needs its JobFlowTrigger delivered again.
   */
  default void resumed(String uid) {}

  TriggerObserver NONE = new TriggerObserver() {
    public void stateChanged(TriggerDefinition trigger, TriggerState state) {}

    public void eventRecorded(TriggerDefinition trigger, TriggerEvent event) {}
  };
}
