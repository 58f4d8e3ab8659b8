package dev.jobflow.audit;

import static dev.jobflow.audit.AuditSamples.PID;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import akka.actor.typed.ActorSystem;
import akka.actor.typed.javadsl.Behaviors;
import akka.serialization.Serialization;
import akka.serialization.SerializationExtension;
import akka.serialization.Serializers;
import com.typesafe.config.ConfigFactory;
import dev.jobflow.flow.FlowEvent;
import dev.jobflow.flow.HashChain;
import dev.jobflow.flow.FlowSnapshot;
import dev.jobflow.flow.FlowState;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class HashChainTest {
  static ActorSystem<Void> system;

  @BeforeAll
  static void start() {
    system = ActorSystem.create(Behaviors.empty(), "hash-chain", ConfigFactory.load());
  }

  @AfterAll
  static void stop() {
    system.terminate();
  }

  @Test
  void theCanonicalFormIsSortedCompactWithoutNullsAndTyped() {
    FlowEvent e = new FlowEvent.StepSkipped(new FlowEvent.EventMeta(AuditSamples.T, "w/1", null), "load",
        "UpstreamFailed", null);
    assertEquals("{\"event\":{\"meta\":{\"at\":\"2026-11-23T08:00:00.123456789Z\",\"writer\":\"w/1\"},"
        + "\"reason\":\"UpstreamFailed\",\"step\":\"load\"},\"type\":\"StepSkipped\"}", HashChain.canonical(e));
  }

  @Test
  void theHashIsSha256OfThePreviousHashAndTheCanonicalForm() throws Exception {
    FlowEvent e = HashChain.link("abc", List.of(new FlowEvent.FlowDeleted(AuditSamples.meta(0)))).events().get(0);
    String expected = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
        .digest(("abc" + HashChain.canonical(e)).getBytes(StandardCharsets.UTF_8)));
    assertEquals(expected, HashChain.hash(e));
    assertEquals(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
        .digest(PID.getBytes(StandardCharsets.UTF_8))), HashChain.genesis(PID));
  }

  @Test
  void linkingChainsABatchFromThePreviousHash() throws Exception {
    List<FlowEvent> events = AuditSamples.everyType();
    HashChain.Linked linked = HashChain.link(HashChain.genesis(PID), events);
    assertEquals(events.size(), linked.events().size());
    assertEquals(HashChain.genesis(PID), linked.events().get(0).meta().previousHash());
    for (int i = 1; i < events.size(); i++) {
      FlowEvent e = linked.events().get(i);
      assertEquals(events.get(i).getClass(), e.getClass());
      assertEquals(events.get(i).meta().at(), e.meta().at());
      assertEquals(HashChain.hash(linked.events().get(i - 1)), e.meta().previousHash(), "event " + i);
    }
    assertEquals(HashChain.hash(linked.events().get(events.size() - 1)), linked.lastHash());
  }

  @Test
  void theTypeAndEveryFieldCount() {
    FlowEvent.EventMeta m = AuditSamples.meta(0);
    String succeeded = HashChain.hash(new FlowEvent.FlowSucceeded(m, "R", "M"));
    assertNotEquals(succeeded, HashChain.hash(new FlowEvent.FlowFailed(m, "R", "M")));
    assertNotEquals(succeeded, HashChain.hash(new FlowEvent.FlowSucceeded(m, "R", "M.")));
    assertNotEquals(succeeded, HashChain.hash(new FlowEvent.FlowSucceeded(
        new FlowEvent.EventMeta(m.at().plusNanos(1), m.writer(), null), "R", "M")));
    assertNotEquals(succeeded, HashChain.hash(new FlowEvent.FlowSucceeded(
        new FlowEvent.EventMeta(m.at(), m.writer(), "x"), "R", "M")));
  }

  /** What the verifier recomputes from the journal must be what the entity hashed before writing. */
  @Test
  void everyEventTypeHashesTheSameAfterTheJournalsCborRoundTrip() throws Exception {
    Serialization serialization = SerializationExtension.get(system);
    for (FlowEvent event : HashChain.link(HashChain.genesis(PID), AuditSamples.everyType()).events()) {
      byte[] bytes = serialization.serialize(event).get();
      var serializer = serialization.findSerializerFor(event);
      FlowEvent back = (FlowEvent) serialization.deserialize(bytes, serializer.identifier(),
          Serializers.manifestFor(serializer, event)).get();
      assertEquals(HashChain.canonical(event), HashChain.canonical(back), event.getClass().getSimpleName());
      assertEquals(HashChain.hash(event), HashChain.hash(back));
    }
  }

  @Test
  void theStateKnowsItsHeadAlsoAfterASnapshot() throws Exception {
    List<FlowEvent> events = HashChain.link(HashChain.genesis(PID), AuditSamples.everyType().subList(0, 4)).events();
    FlowState state = FlowState.empty();
    assertEquals("genesis", state.chainHead("genesis"), "a new flow links to its genesis");
    events.forEach(state::apply);
    String head = HashChain.hash(events.get(3));
    assertEquals(head, state.chainHead("genesis"));

    Serialization serialization = SerializationExtension.get(system);
    FlowSnapshot snapshot = state.toSnapshot();
    assertEquals(head, snapshot.lastHash());
    byte[] bytes = serialization.serialize(snapshot).get();
    var serializer = serialization.findSerializerFor(snapshot);
    FlowSnapshot back = (FlowSnapshot) serialization.deserialize(bytes, serializer.identifier(),
        Serializers.manifestFor(serializer, snapshot)).get();
    assertEquals(head, FlowState.fromSnapshot(back).chainHead("genesis"));

    // A snapshot written before the chain existed: the head is unknown, the next event goes unchained.
    FlowSnapshot old = new FlowSnapshot(snapshot.definition(), snapshot.observedGeneration(), snapshot.dag(),
        snapshot.invalid(), snapshot.terminatedJobs(), snapshot.deleted());
    assertNull(FlowState.fromSnapshot(old).chainHead("genesis"));
  }
}
