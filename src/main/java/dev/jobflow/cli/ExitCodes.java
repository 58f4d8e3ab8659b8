package dev.jobflow.cli;

/** Exit codes shared by every subcommand, so scripts can tell "invalid" from "broken". */
public final class ExitCodes {
  public static final int OK = 0;
  /**
   * The input was read but is not acceptable (an invalid flow, a failed flow, a broken hash chain), or the
   * cluster refused what was asked (no such flow, a state that does not allow it, forbidden).
   */
  public static final int INVALID = 1;
  /** The input could not be read, the command line is wrong, or the command itself failed. */
  public static final int ERROR = 2;
  /** The cluster could not be reached or did not answer in time, or a wait ran out of time ({@code --timeout}). */
  public static final int UNREACHABLE = 3;

  private ExitCodes() {}
}
