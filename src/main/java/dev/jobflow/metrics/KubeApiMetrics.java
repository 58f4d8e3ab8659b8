package dev.jobflow.metrics;

import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.http.AsyncBody;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import io.fabric8.kubernetes.client.http.Interceptor;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Counts every request a fabric8 client makes to the API server ({@code jobflow_kube_requests_total}) and every
 * failed one ({@code jobflow_kube_api_errors_total}) by verb, resource and code, so no call site can forget to. Each
 * HTTP attempt counts, retries included: they load the API server as much as first tries do. Install it with
 * {@link #install(KubernetesClientBuilder, JobflowMetrics)}.
 */
public final class KubeApiMetrics implements Interceptor {
  public static final String NAME = "jobflow-metrics";

  private final JobflowMetrics metrics;

  public KubeApiMetrics(JobflowMetrics metrics) {
    this.metrics = metrics;
  }

  /** Adds the interceptor to every HTTP client the builder's KubernetesClient creates. */
  public static KubernetesClientBuilder install(KubernetesClientBuilder builder, JobflowMetrics metrics) {
    return builder.withHttpClientBuilderConsumer(http -> http.addOrReplaceInterceptor(NAME, new KubeApiMetrics(metrics)));
  }

  @Override
  public void after(HttpRequest request, HttpResponse<?> response, AsyncBody.Consumer<List<ByteBuffer>> consumer) {
    Call call = Call.of(request);
    metrics.kubeRequest(call.verb(), call.resource());
    if (!response.isSuccessful()) {
      metrics.kubeApiError(call.verb(), call.resource(), response.code());
    }
  }

  /**
   * fabric8 calls this for each connection failure it is about to retry ({@code requestRetryBackoffLimit}, 10 by
   * default), not for the final one of a request that exhausted its retries: an outage still shows, one short.
   */
  @Override
  public void afterConnectionFailure(HttpRequest request, Throwable failure) {
    Call call = Call.of(request);
    metrics.kubeRequest(call.verb(), call.resource());
    metrics.kubeApiError(call.verb(), call.resource(), 0);
  }

  /** The Kubernetes verb and resource of an HTTP request, read from its method, path and query. */
  record Call(String verb, String resource) {
    static Call of(HttpRequest request) {
      return of(request.method(), request.uri().getRawPath(), request.uri().getRawQuery());
    }

    static Call of(String method, String path, String query) {
      List<String> segments = Arrays.stream(path == null ? new String[0] : path.split("/"))
          .filter(s -> !s.isEmpty()).toList();
      // /api/v1/... or /apis/<group>/<version>/...
      int start = !segments.isEmpty() && segments.get(0).equals("api") ? 2
          : !segments.isEmpty() && segments.get(0).equals("apis") ? 3 : segments.size();
      List<String> rest = start <= segments.size() ? segments.subList(start, segments.size()) : List.of();
      if (rest.size() >= 3 && rest.get(0).equals("namespaces")) {
        rest = rest.subList(2, rest.size());
      }
      String resource = rest.isEmpty() ? "" : rest.get(0) + (rest.size() >= 3 ? "/" + rest.get(2) : "");
      boolean collection = rest.size() == 1;
      boolean watch = query != null && Arrays.asList(query.split("&")).contains("watch=true");
      String verb = switch (method.toUpperCase(Locale.ROOT)) {
        case "GET" -> watch ? "watch" : collection ? "list" : "get";
        case "POST" -> "create";
        case "PUT" -> "update";
        case "PATCH" -> "patch";
        case "DELETE" -> "delete";
        default -> method.toLowerCase(Locale.ROOT);
      };
      return new Call(verb, resource);
    }
  }
}
