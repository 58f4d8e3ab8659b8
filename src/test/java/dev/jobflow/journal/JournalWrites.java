package dev.jobflow.journal;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.javadsl.Adapter;
import akka.persistence.AtomicWrite;
import akka.persistence.JournalProtocol;
import akka.persistence.Persistence;
import akka.persistence.PersistentEnvelope;
import akka.persistence.PersistentRepr;
import akka.persistence.journal.Tagged;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Writes straight to the journal plugin, as an {@code EventSourcedBehavior} does ({@link JournalProtocol.WriteMessages}),
 * so a test decides which AtomicWrites of which entities reach the journal together: one {@code WriteMessages}
 * goes into one batch of the DAO's write queue.
 */
public final class JournalWrites {
  private static final Duration WAIT = Duration.ofSeconds(30);

  /** One event to write: the payload is tagged when {@code tags} is not empty. */
  public record Event(String persistenceId, long sequenceNr, Object payload, Set<String> tags) {}

  /** The journal's answers to one {@code WriteMessages}: the batch's verdict and one reply per event, in order. */
  public record Replies(Object batch, List<Object> perEvent) {
    public boolean allSucceeded() {
      return batch instanceof JournalProtocol.WriteMessagesSuccessful$
          && perEvent.stream().allMatch(r -> r instanceof JournalProtocol.WriteMessageSuccess);
    }

    public boolean allFailed() {
      return batch instanceof JournalProtocol.WriteMessagesFailed
          && perEvent.stream().allMatch(r -> r instanceof JournalProtocol.WriteMessageFailure);
    }
  }

  private final ActorTestKit kit;
  private final akka.actor.ActorRef journal;

  public JournalWrites(ActorTestKit kit) {
    this.kit = kit;
    this.journal = Persistence.get(Adapter.toClassic(kit.system())).journalFor("", ConfigFactory.empty());
  }

  /** Sends one {@code WriteMessages} per element of {@code requests}, all at once, and waits for every answer. */
  public List<Replies> writeConcurrently(List<List<List<Event>>> requests) {
    List<TestProbe<Object>> probes = new ArrayList<>();
    for (List<List<Event>> atomicWrites : requests) {
      TestProbe<Object> probe = kit.createTestProbe();
      List<PersistentEnvelope> envelopes = new ArrayList<>();
      for (List<Event> atomic : atomicWrites) {
        envelopes.add(AtomicWrite.apply(CollectionConverters.asScala(atomic.stream().map(this::repr).toList()).toList()));
      }
      journal.tell(new JournalProtocol.WriteMessages(CollectionConverters.asScala(envelopes).toList(),
          Adapter.toClassic(probe.ref()), 1), akka.actor.ActorRef.noSender());
      probes.add(probe);
    }
    List<Replies> out = new ArrayList<>();
    for (int i = 0; i < requests.size(); i++) {
      int events = requests.get(i).stream().mapToInt(List::size).sum();
      TestProbe<Object> probe = probes.get(i);
      Object batch = null;
      List<Object> perEvent = new ArrayList<>();
      for (int r = 0; r <= events; r++) {
        Object reply = probe.receiveMessage(WAIT);
        if (reply instanceof JournalProtocol.WriteMessagesSuccessful$ || reply instanceof JournalProtocol.WriteMessagesFailed) {
          batch = reply;
        } else {
          perEvent.add(reply);
        }
      }
      out.add(new Replies(batch, perEvent));
    }
    return out;
  }

  /** One {@code WriteMessages} of the given AtomicWrites. */
  public Replies write(List<List<Event>> atomicWrites) {
    return writeConcurrently(List.of(atomicWrites)).get(0);
  }

  private PersistentRepr repr(Event e) {
    Object payload = e.tags().isEmpty() ? e.payload() : new Tagged(e.payload(), e.tags());
    return PersistentRepr.apply(payload, e.sequenceNr(), e.persistenceId(), "", false, akka.actor.ActorRef.noSender(),
        "journal-writes-test");
  }
}
