package dev.jobflow.notify;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/** POSTs one CloudEvent and says what came of it; never throws, never retries (the notifier decides that). */
public final class SinkClient {
  /** What one POST came to. */
  public enum Result {
    /** 2xx: the receiver has it. */
    DELIVERED,
    /** A connection error, a timeout, 5xx, or 404/408/409/429: worth trying again. */
    RETRYABLE,
    /** Any other answer (400, 401, 403, 413, 422…): the receiver will never take this request as it is. */
    REJECTED
  }

  /** A result with the status (0 when no answer came) and, for failures, what went wrong. */
  public record Outcome(Result result, int status, String problem) {}

  private final HttpClient http;
  private final Duration timeout;

  public SinkClient(Duration timeout) {
    this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER).build();
    this.timeout = timeout;
  }

  public CompletionStage<Outcome> post(Sink sink, CloudEvent event, String bearerToken) {
    HttpRequest.Builder request = HttpRequest.newBuilder(sink.url()).timeout(timeout)
        .header("Content-Type", CloudEvent.CONTENT_TYPE)
        .POST(HttpRequest.BodyPublishers.ofByteArray(event.toJson()));
    for (Map.Entry<String, String> h : sink.headers().entrySet()) {
      request.header(h.getKey(), h.getValue());
    }
    if (bearerToken != null) {
      request.header("Authorization", "Bearer " + bearerToken);
    }
    return http.sendAsync(request.build(), HttpResponse.BodyHandlers.discarding())
        .handle((response, failure) -> failure != null
            ? new Outcome(Result.RETRYABLE, 0, String.valueOf(rootCause(failure)))
            : classify(response.statusCode()));
  }

  /** The CloudEvents HTTP binding's advice, as Knative follows it: retry only what may pass later. */
  public static Outcome classify(int status) {
    if (status >= 200 && status < 300) {
      return new Outcome(Result.DELIVERED, status, null);
    }
    boolean retryable = status >= 500 || status == 404 || status == 408 || status == 409 || status == 429;
    return new Outcome(retryable ? Result.RETRYABLE : Result.REJECTED, status, "answered " + status);
  }

  private static Throwable rootCause(Throwable t) {
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t;
  }
}
