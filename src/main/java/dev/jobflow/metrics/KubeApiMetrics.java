package dev.jobflow.metrics;

import dev.jobflow.kube.ApiCall;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.http.AsyncBody;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import io.fabric8.kubernetes.client.http.Interceptor;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

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
    // A watch opens with 101 Switching Protocols: the start of its stream, not a failure.
    if (!response.isSuccessful() && response.code() != 101) {
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

  /**
   * The Kubernetes verb and resource of an HTTP request, as RBAC names them ({@link ApiCall}); a request that is not
   * about a resource (discovery: {@code /api}, {@code /version}) counts with an empty resource.
   */
  record Call(String verb, String resource) {
    static Call of(HttpRequest request) {
      String query = request.uri().getRawQuery();
      return of(request.method(), request.uri().getRawPath(), query);
    }

    static Call of(String method, String path, String query) {
      String request = (path == null || path.isEmpty() ? "/" : path) + (query == null ? "" : "?" + query);
      try {
        Optional<ApiCall> call = ApiCall.parse(method, request);
        if (call.isPresent()) {
          return new Call(call.get().verb(), call.get().resource());
        }
      } catch (IllegalArgumentException notAnApiMethod) {
        // counted under its own method name below
      }
      boolean read = method.equalsIgnoreCase("GET") || method.equalsIgnoreCase("HEAD");
      return new Call(read ? "get" : method.toLowerCase(Locale.ROOT), "");
    }
  }
}
