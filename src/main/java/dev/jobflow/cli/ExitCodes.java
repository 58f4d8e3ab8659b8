package dev.jobflow.cli;

/** Exit codes shared by every subcommand, so scripts can tell "invalid" from "broken". */
public final class ExitCodes {
  public static final int OK = 0;
  /** The input was read but is not acceptable (an invalid flow, a failed flow, a broken hash chain). */
  public static final int INVALID = 1;
  /** The input could not be read, or the command itself failed. */
  public static final int ERROR = 2;

  private ExitCodes() {}
}
