package dev.jobflow.ui;

import akka.NotUsed;
import akka.actor.typed.ActorSystem;
import akka.http.javadsl.model.ContentType;
import akka.http.javadsl.model.HttpEntities;
import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.model.MediaTypes;
import akka.http.javadsl.model.headers.RawHeader;
import akka.japi.Pair;
import akka.stream.BoundedSourceQueue;
import akka.stream.QueueOfferResult;
import akka.stream.SharedKillSwitch;
import akka.stream.javadsl.Source;
import akka.util.ByteString;
import java.time.Duration;

/**
 * One Server-Sent Events response fed from outside the stream: {@link #send} never blocks. A client that
 * cannot keep up loses its stream rather than slowing the controller; it reconnects and starts from a fresh
 * snapshot, so nothing is silently skipped. Streams end after {@code maxAge} so that a reconnect checks the
 * caller's permissions again.
 */
final class EventStream {
  static final int BUFFER = 1024;
  private static final ContentType EVENT_STREAM = MediaTypes.TEXT_EVENT_STREAM.toContentType();
  private static final ByteString KEEP_ALIVE = ByteString.fromString(": keep-alive\n\n");

  private final BoundedSourceQueue<ByteString> queue;
  private final Source<ByteString, NotUsed> source;

  private EventStream(BoundedSourceQueue<ByteString> queue, Source<ByteString, NotUsed> source) {
    this.queue = queue;
    this.source = source;
  }

  /** {@code ending} completes every stream at once (a shutdown), so none is cut off mid-event. */
  static EventStream open(ActorSystem<?> system, SharedKillSwitch ending, Duration maxAge, Runnable onClose) {
    Pair<BoundedSourceQueue<ByteString>, Source<ByteString, NotUsed>> pair =
        Source.<ByteString>queue(BUFFER).preMaterialize(system);
    Source<ByteString, NotUsed> source = pair.second()
        .keepAlive(Duration.ofSeconds(15), () -> KEEP_ALIVE)
        .takeWithin(maxAge)
        .via(ending.flow())
        .watchTermination((mat, done) -> {
          done.whenComplete((d, e) -> {
            pair.first().complete();
            onClose.run();
          });
          return mat;
        });
    return new EventStream(pair.first(), source);
  }

  /** Queues one event ({@code data} is one line of JSON); a full buffer ends the stream. */
  void send(String event, String data) {
    QueueOfferResult result;
    try {
      result = queue.offer(ByteString.fromString("event: " + event + "\ndata: " + data + "\n\n"));
    } catch (IllegalStateException closed) {
      // The stream ended between the client's leaving and its unsubscription: nobody to tell.
      return;
    }
    if (result != QueueOfferResult.enqueued()) {
      queue.complete();
    }
  }

  HttpResponse response() {
    return HttpResponse.create()
        .withEntity(HttpEntities.create(EVENT_STREAM, source))
        .addHeader(RawHeader.create("Cache-Control", "no-cache"))
        // Tells proxies such as nginx not to buffer the stream.
        .addHeader(RawHeader.create("X-Accel-Buffering", "no"));
  }
}
