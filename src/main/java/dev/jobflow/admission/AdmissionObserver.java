package dev.jobflow.admission;

/**
 * The one place admission outcomes are reported: count, verdict and latency of every review, including
 * the ones refused as bad input. Metrics plug in here; it is called on the request path, so it must be
 * quick and must not throw.
 */
@FunctionalInterface
public interface AdmissionObserver {

  /** Which webhook answered. */
  enum Endpoint { VALIDATE, MUTATE }

  /** What the answer was. */
  enum Verdict {
    ALLOWED,
    /** Allowed with a JSONPatch of defaults (mutate only). */
    PATCHED,
    DENIED,
    /** HTTP 400: not a usable AdmissionReview. */
    BAD_REQUEST,
    /** HTTP 413: body over the size limit. */
    TOO_LARGE,
    /** HTTP 408: the body did not arrive within the request timeout. */
    TIMED_OUT
  }

  /**
   * @param operation CREATE, UPDATE, DELETE or CONNECT as the API server sent it; empty when unknown
   *     (bad input)
   * @param latencyNanos from the request reaching the route to the response being ready
   */
  void reviewed(Endpoint endpoint, String operation, Verdict verdict, long latencyNanos);

  AdmissionObserver NONE = (endpoint, operation, verdict, latencyNanos) -> { };
}
