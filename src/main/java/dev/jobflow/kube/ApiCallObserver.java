package dev.jobflow.kube;

/** Hears about every call the controller makes to the API server, for metrics. */
public interface ApiCallObserver {
  /**
   * @param verb create, delete, get, patch, update
   * @param resource jobs, jobflows, jobflows/status, events
   * @param code the HTTP status, 0 when no answer came
   */
  void called(String verb, String resource, int code);

  ApiCallObserver NONE = (verb, resource, code) -> {};
}
