package dev.jobflow.api;

/** A request to end a flow early. Either way the flow ends {@code Cancelled}. */
public enum ShutdownPolicy {
  /** Start nothing new, let running attempts finish, run {@code finally}. */
  Stop,
  /** Stop running attempts at once and skip {@code finally}. */
  Terminate;

  /**
   * The policy in force once {@code requested} follows {@code current} (null: none yet). Terminate may
   * follow Stop (the user got impatient); Stop never softens a Terminate.
   */
  public static ShutdownPolicy after(ShutdownPolicy current, ShutdownPolicy requested) {
    return current == Terminate ? Terminate : requested;
  }
}
