package dev.jobflow.admission;

import static akka.http.javadsl.server.Directives.completeWithFuture;
import static akka.http.javadsl.server.Directives.concat;
import static akka.http.javadsl.server.Directives.extractMaterializer;
import static akka.http.javadsl.server.Directives.extractRequestEntity;
import static akka.http.javadsl.server.Directives.path;
import static akka.http.javadsl.server.Directives.post;
import static akka.http.javadsl.server.Directives.withRequestTimeoutResponse;

import akka.http.javadsl.model.ContentTypes;
import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.model.StatusCode;
import akka.http.javadsl.model.StatusCodes;
import akka.http.javadsl.server.Route;
import akka.http.scaladsl.model.EntityStreamSizeException;
import dev.jobflow.admission.AdmissionObserver.Endpoint;
import dev.jobflow.admission.AdmissionObserver.Verdict;
import dev.jobflow.template.TemplateLookup;
import dev.jobflow.validation.JobFlowValidator;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /validate} and {@code POST /mutate}. A usable AdmissionReview always gets HTTP 200 with the
 * verdict inside; anything else gets a 4xx with a one-line reason: 400 bad input, 413 too large, 408 too
 * slow. No input yields a 5xx: the API server would report that as the webhook being broken.
 */
public final class AdmissionRoutes {
  private static final Logger log = LoggerFactory.getLogger(AdmissionRoutes.class);

  private final ValidatingAdmission validating;
  private final MutatingAdmission mutating = new MutatingAdmission();
  private final AdmissionObserver observer;
  private final long maxRequestBytes;
  private final long timeoutMillis;

  /** Where templates are read while a review waits: never the dispatcher that serves the routes. */
  private final java.util.concurrent.Executor blocking;

  /**
   * @param templates where flows' templateRefs are looked up
   * @param blocking runs the reviews that read a template (they wait on the API server)
   */
  public AdmissionRoutes(JobFlowValidator validator, TemplateLookup templates, AdmissionObserver observer,
                         AdmissionSettings settings, java.util.concurrent.Executor blocking) {
    this.validating = new ValidatingAdmission(validator, templates);
    this.blocking = blocking;
    this.observer = observer;
    this.maxRequestBytes = settings.maxRequestBytes();
    this.timeoutMillis = settings.requestTimeout().toMillis();
  }

  public Route route() {
    return concat(
        path("validate", () -> post(() -> review(Endpoint.VALIDATE, validating::review))),
        path("mutate", () -> post(() -> review(Endpoint.MUTATE, mutating::review))));
  }

  private Route review(Endpoint endpoint, Function<AdmissionRequest, AdmissionResponse> decide) {
    // akka-http's own request timeout would answer 503; a slow client is the client's problem.
    return withRequestTimeoutResponse(request -> reason(StatusCodes.REQUEST_TIMEOUT, "request timed out"), () ->
        extractRequestEntity(entity -> extractMaterializer(materializer -> {
          long start = System.nanoTime();
          return completeWithFuture(dev.jobflow.http.BoundedBody.read(entity, maxRequestBytes,
                  Duration.ofMillis(timeoutMillis), materializer)
              .handle((body, failure) -> failure != null
                  ? CompletableFuture.completedFuture(unreadable(endpoint, failure, start))
                  : body.overLimit() ? CompletableFuture.completedFuture(tooLarge(endpoint, start))
                  : answerOffTheRoutes(endpoint, decide, body.bytes(), start))
              .thenCompose(answer -> answer));
        })));
  }

  private HttpResponse tooLarge(Endpoint endpoint, long start) {
    observe(endpoint, "", Verdict.TOO_LARGE, start);
    return reason(StatusCodes.PAYLOAD_TOO_LARGE, "request body is over the " + maxRequestBytes + "-byte limit");
  }

  /** Answers at once, unless the review reads a template: then on the blocking executor. */
  private CompletionStage<HttpResponse> answerOffTheRoutes(Endpoint endpoint,
      Function<AdmissionRequest, AdmissionResponse> decide, byte[] body, long start) {
    AdmissionRequest request;
    try {
      request = AdmissionRequest.parse(body);
    } catch (BadAdmissionReview e) {
      observe(endpoint, "", Verdict.BAD_REQUEST, start);
      return CompletableFuture.completedFuture(reason(StatusCodes.BAD_REQUEST, e.getMessage()));
    } catch (RuntimeException | StackOverflowError e) {
      return CompletableFuture.completedFuture(failed(endpoint, "", e, start));
    }
    if (endpoint == Endpoint.VALIDATE && ValidatingAdmission.readsTemplates(request)) {
      return CompletableFuture.supplyAsync(() -> answer(endpoint, decide, request, start), blocking);
    }
    return CompletableFuture.completedFuture(answer(endpoint, decide, request, start));
  }

  private HttpResponse answer(Endpoint endpoint, Function<AdmissionRequest, AdmissionResponse> decide,
      AdmissionRequest request, long start) {
    try {
      AdmissionResponse response = decide.apply(request);
      Verdict verdict = !response.allowed() ? Verdict.DENIED : response.patched() ? Verdict.PATCHED : Verdict.ALLOWED;
      observe(endpoint, request.operation(), verdict, start);
      return HttpResponse.create().withEntity(ContentTypes.APPLICATION_JSON, response.toJsonBytes());
    } catch (RuntimeException | StackOverflowError e) {
      return failed(endpoint, request.operation(), e, start);
    }
  }

  /** A bug of ours on odd input: still an answer, never a 500 or a dropped connection. */
  private HttpResponse failed(Endpoint endpoint, String operation, Throwable e, long start) {
    log.error("{} failed on a {} request", endpoint, operation.isEmpty() ? "unparsed" : operation, e);
    observe(endpoint, operation, Verdict.BAD_REQUEST, start);
    return reason(StatusCodes.BAD_REQUEST, "could not process the AdmissionReview: " + e);
  }

  private HttpResponse unreadable(Endpoint endpoint, Throwable failure, long start) {
    Throwable cause = failure;
    while ((cause instanceof CompletionException || cause instanceof ExecutionException) && cause.getCause() != null) {
      cause = cause.getCause();
    }
    if (cause instanceof EntityStreamSizeException) {
      return tooLarge(endpoint, start);
    }
    if (cause instanceof TimeoutException) {
      observe(endpoint, "", Verdict.TIMED_OUT, start);
      return reason(StatusCodes.REQUEST_TIMEOUT, "request body not received within " + timeoutMillis + " ms");
    }
    observe(endpoint, "", Verdict.BAD_REQUEST, start);
    return reason(StatusCodes.BAD_REQUEST, "could not read the request body: " + cause.getMessage());
  }

  private void observe(Endpoint endpoint, String operation, Verdict verdict, long start) {
    try {
      observer.reviewed(endpoint, operation, verdict, System.nanoTime() - start);
    } catch (RuntimeException e) {
      log.warn("admission observer failed", e);
    }
  }

  private static HttpResponse reason(StatusCode status, String reason) {
    return HttpResponse.create().withStatus(status)
        .withEntity(ContentTypes.TEXT_PLAIN_UTF8, BadAdmissionReview.oneLine(reason) + "\n");
  }
}
