package dev.jobflow.bench;

import akka.actor.ActorSystem;
import akka.dispatch.Futures;
import akka.persistence.AtomicWrite;
import akka.persistence.PersistentRepr;
import akka.persistence.journal.Tagged;
import akka.persistence.journal.japi.AsyncWriteJournal;
import akka.serialization.Serialization;
import akka.serialization.SerializationExtension;
import akka.serialization.Serializer;
import akka.serialization.Serializers;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import scala.concurrent.Future;

/**
 * A journal for the benchmark: events serialized once (CBOR through Akka's serialization, as a database journal
 * does) into a list per persistence id. Akka's persistence testkit journal re-reads a flow's whole history on every
 * write, which would make the benchmark measure the testkit instead of the engine.
 */
public final class InMemoryJournal extends AsyncWriteJournal {
  /** Plugin config: {@code akka.persistence.journal.plugin = "jobflow.bench.journal"}. */
  public static Config config() {
    return ConfigFactory.parseString("""
        akka.persistence.journal.plugin = "jobflow.bench.journal"
        jobflow.bench.journal.class = "dev.jobflow.bench.InMemoryJournal"
        """);
  }

  private record Stored(long seqNr, byte[] bytes, int serializerId, String manifest, String writerUuid) {}

  private final Map<String, List<Stored>> byId = new ConcurrentHashMap<>();
  /** Events and their serialized bytes written by every instance of this journal in the process (benchmarks). */
  static final java.util.concurrent.atomic.AtomicLong EVENTS = new java.util.concurrent.atomic.AtomicLong();
  static final java.util.concurrent.atomic.AtomicLong BYTES = new java.util.concurrent.atomic.AtomicLong();
  private final Serialization serialization;

  public InMemoryJournal() {
    ActorSystem system = context().system();
    serialization = SerializationExtension.get(system);
  }

  @Override
  public Future<Iterable<Optional<Exception>>> doAsyncWriteMessages(Iterable<AtomicWrite> messages) {
    List<Optional<Exception>> results = new ArrayList<>();
    for (AtomicWrite write : messages) {
      List<Stored> list = byId.computeIfAbsent(write.persistenceId(), k -> Collections.synchronizedList(new ArrayList<>()));
      scala.collection.Iterator<PersistentRepr> it = write.payload().iterator();
      while (it.hasNext()) {
        PersistentRepr repr = it.next();
        Object event = repr.payload() instanceof Tagged t ? t.payload() : repr.payload();
        Serializer serializer = serialization.findSerializerFor(event);
        byte[] bytes = serializer.toBinary(event);
        EVENTS.incrementAndGet();
        BYTES.addAndGet(bytes.length);
        list.add(new Stored(repr.sequenceNr(), bytes, serializer.identifier(),
            Serializers.manifestFor(serializer, event), repr.writerUuid()));
      }
      results.add(Optional.empty());
    }
    return Futures.successful(results);
  }

  @Override
  public Future<Void> doAsyncDeleteMessagesTo(String persistenceId, long toSequenceNr) {
    List<Stored> list = byId.get(persistenceId);
    if (list != null) {
      list.removeIf(s -> s.seqNr() <= toSequenceNr);
    }
    return Futures.successful(null);
  }

  @Override
  public Future<Void> doAsyncReplayMessages(String persistenceId, long fromSequenceNr, long toSequenceNr, long max,
                                            Consumer<PersistentRepr> replay) {
    List<Stored> list = byId.getOrDefault(persistenceId, List.of());
    long n = 0;
    synchronized (list) {
      for (Stored s : list) {
        if (s.seqNr() >= fromSequenceNr && s.seqNr() <= toSequenceNr && n++ < max) {
          Object event = serialization.deserialize(s.bytes(), s.serializerId(), s.manifest()).get();
          replay.accept(PersistentRepr.apply(event, s.seqNr(), persistenceId, "", false, null, s.writerUuid()));
        }
      }
    }
    return Futures.successful(null);
  }

  @Override
  public Future<Long> doAsyncReadHighestSequenceNr(String persistenceId, long fromSequenceNr) {
    List<Stored> list = byId.getOrDefault(persistenceId, List.of());
    synchronized (list) {
      return Futures.successful(list.isEmpty() ? 0L : list.get(list.size() - 1).seqNr());
    }
  }
}
