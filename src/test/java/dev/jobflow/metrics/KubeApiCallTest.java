package dev.jobflow.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** How {@link KubeApiMetrics} names the verb and resource of an API request. */
class KubeApiCallTest {
  @ParameterizedTest
  @CsvSource({
      "GET,    /apis/batch/v1/namespaces/data/jobs,                               , list,   jobs",
      "GET,    /apis/batch/v1/namespaces/data/jobs,      labelSelector=a&watch=true, watch, jobs",
      "GET,    /apis/batch/v1/jobs,                                   watch=true, watch,  jobs",
      "GET,    /apis/batch/v1/namespaces/data/jobs/etl-a-1,                      , get,    jobs",
      "POST,   /apis/batch/v1/namespaces/data/jobs,                               , create, jobs",
      "DELETE, /apis/batch/v1/namespaces/data/jobs/etl-a-1,                      , delete, jobs",
      "PATCH,  /apis/jobflow.dev/v1alpha1/namespaces/data/jobflows/etl/status,   , patch,  jobflows/status",
      "PUT,    /apis/jobflow.dev/v1alpha1/namespaces/data/jobflows/etl,          , update, jobflows",
      "POST,   /api/v1/namespaces/data/events,                                    , create, events",
      "GET,    /api/v1/namespaces,                                                , list,   namespaces",
      "GET,    /api/v1/namespaces/data,                                           , get,    namespaces",
      "POST,   /apis/authentication.k8s.io/v1/tokenreviews,                       , create, tokenreviews",
  })
  void readsVerbAndResourceFromTheRequest(String method, String path, String query, String verb, String resource) {
    assertEquals(new KubeApiMetrics.Call(verb, resource), KubeApiMetrics.Call.of(method, path, query));
  }

}
