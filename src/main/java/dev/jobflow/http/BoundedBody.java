package dev.jobflow.http;

import akka.http.javadsl.model.HttpEntity;
import akka.http.javadsl.model.RequestEntity;
import akka.stream.Materializer;
import akka.util.ByteString;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A request body read up to a limit (the admission webhooks' and the triggers' 413). Reading past the limit (up to
 * {@link #DRAIN_FACTOR} times it) lets the client finish sending and then read its 413; stopping at the limit would
 * reset the connection under a client still writing. Beyond that the stream fails with akka's
 * {@code EntityStreamSizeException}; a body not received within the timeout fails with a {@code TimeoutException}.
 *
 * @param bytes the body, empty when over the limit
 */
public record BoundedBody(byte[] bytes, boolean overLimit) {
  /** Bodies up to this many times the limit are read to the end (and dropped) before the 413. */
  private static final long DRAIN_FACTOR = 4;

  public static CompletionStage<BoundedBody> read(RequestEntity entity, long maxBytes, Duration timeout,
                                                  Materializer materializer) {
    if (entity instanceof HttpEntity.Strict strict) {
      // akka-http hands over bodies that arrived with the headers as they are: no stream to run.
      ByteString data = strict.getData();
      return CompletableFuture.completedFuture(data.size() > maxBytes
          ? new BoundedBody(new byte[0], true)
          : new BoundedBody(data.toArray(), false));
    }
    return entity.withSizeLimit(maxBytes * DRAIN_FACTOR).getDataBytes()
        .completionTimeout(timeout)
        .runFold(ByteString.createBuilder(), (kept, chunk) -> {
          if (kept.length() <= maxBytes) {
            kept.append(chunk.take((int) Math.min(chunk.size(), maxBytes + 1 - kept.length())));
          }
          return kept;
        }, materializer)
        .thenApply(kept -> kept.length() > maxBytes
            ? new BoundedBody(new byte[0], true)
            : new BoundedBody(kept.result().toArray(), false));
  }
}
