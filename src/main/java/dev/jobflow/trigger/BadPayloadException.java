package dev.jobflow.trigger;

/** The request body cannot be read as the trigger's source says; answered 400 with the field path and the problem. */
public final class BadPayloadException extends Exception {
  public BadPayloadException(String path, String problem) {
    super(path.isEmpty() ? problem : path + ": " + problem);
  }
}
