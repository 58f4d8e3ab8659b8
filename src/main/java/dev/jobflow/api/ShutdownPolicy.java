package dev.jobflow.api;

/** A request to end a flow early. Either way the flow ends {@code Cancelled}. */
public enum ShutdownPolicy {
  /** Start nothing new, let running attempts finish, run {@code finally}. */
  Stop,
  /** Stop running attempts at once and skip {@code finally}. */
  Terminate
}
