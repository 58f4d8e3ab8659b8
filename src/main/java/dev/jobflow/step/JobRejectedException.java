package dev.jobflow.step;

/**
 * The API server refused the attempt's Job for what it is (400 bad request, 403 forbidden by quota or policy,
 * 422 invalid, e.g. a label made from a parameter): asking again the same way will most likely be refused again.
 * The message is the API server's.
 */
public class JobRejectedException extends RuntimeException {
  /** The HTTP status codes that mean "this Job", not "not now". */
  public static boolean isRejection(int code) {
    return code == 400 || code == 403 || code == 422;
  }

  private final int code;

  public JobRejectedException(JobKey job, int code, String message) {
    super("the API server refused Job " + job + " (" + code + "): " + message);
    this.code = code;
  }

  public int code() {
    return code;
  }
}
