package dev.jobflow.journal;

/** The journal's database could not be reached or prepared; the message names the URL and the cause. */
public final class JournalUnavailableException extends RuntimeException {
  public JournalUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
