package dev.jobflow.audit;

import static dev.jobflow.audit.AuditSamples.PID;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jobflow.audit.ChainReport.Problem;
import dev.jobflow.flow.FlowEvent;
import dev.jobflow.flow.HashChain;
import dev.jobflow.flow.FlowId;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The verifier over hand-made journals: each kind of tampering, where it is reported, and pre-chain events. */
class ChainVerifierTest {
  static final FlowId ID = new FlowId("data", "nightly-etl", AuditSamples.UID);

  static List<ChainVerifier.Stored> stored(List<FlowEvent> events) {
    List<ChainVerifier.Stored> out = new ArrayList<>();
    for (int i = 0; i < events.size(); i++) {
      out.add(new ChainVerifier.Stored(i + 1, events.get(i)));
    }
    return out;
  }

  static List<FlowEvent> chain() throws Exception {
    return new ArrayList<>(HashChain.link(HashChain.genesis(PID), AuditSamples.everyType()).events());
  }

  static ChainReport verify(List<ChainVerifier.Stored> events) {
    return ChainVerifier.verify(ID, PID, events, null);
  }

  @Test
  void anIntactChain() throws Exception {
    List<FlowEvent> events = chain();
    ChainReport r = verify(stored(events));
    assertTrue(r.intact());
    assertEquals("INTACT", r.verdict());
    assertEquals(events.size(), r.events());
    assertEquals(HashChain.hash(events.get(events.size() - 1)), r.head());
    assertNull(r.badSequenceNr());
  }

  @Test
  void anEditedEventIsNamedNotItsSuccessor() throws Exception {
    List<FlowEvent> events = chain();
    FlowEvent.StepSkipped skipped = (FlowEvent.StepSkipped) events.get(10);
    events.set(10, new FlowEvent.StepSkipped(skipped.meta(), skipped.step(), "Succeeded", skipped.message()));
    ChainReport r = verify(stored(events));
    assertEquals(Problem.ALTERED, r.problem());
    assertEquals(11L, r.badSequenceNr(), r.message());
  }

  @Test
  void anEditedPreviousHashIsNamed() throws Exception {
    List<FlowEvent> events = chain();
    FlowEvent.StepSkipped skipped = (FlowEvent.StepSkipped) events.get(10);
    events.set(10, new FlowEvent.StepSkipped(new FlowEvent.EventMeta(skipped.meta().at(), skipped.meta().writer(),
        "0".repeat(64)), skipped.step(), skipped.reason(), skipped.message()));
    ChainReport r = verify(stored(events));
    assertEquals(Problem.ALTERED, r.problem());
    assertEquals(11L, r.badSequenceNr(), r.message());
  }

  @Test
  void anEditedFirstEventIsNamed() throws Exception {
    List<FlowEvent> events = chain();
    FlowEvent.FlowAccepted first = (FlowEvent.FlowAccepted) events.get(0);
    events.set(0, new FlowEvent.FlowAccepted(new FlowEvent.EventMeta(first.meta().at(), "intruder",
        first.meta().previousHash()), first.definition()));
    ChainReport r = verify(stored(events));
    assertEquals(Problem.ALTERED, r.problem());
    assertEquals(1L, r.badSequenceNr(), r.message());
  }

  @Test
  void aRemovedEventIsNamedAlsoTheFirst() throws Exception {
    List<ChainVerifier.Stored> events = stored(chain());
    List<ChainVerifier.Stored> gap = new ArrayList<>(events);
    gap.remove(6);
    ChainReport r = verify(gap);
    assertEquals(Problem.REMOVED, r.problem());
    assertEquals(7L, r.badSequenceNr(), r.message());
    List<ChainVerifier.Stored> headless = new ArrayList<>(events.subList(1, events.size()));
    assertEquals(1L, verify(headless).badSequenceNr());
  }

  @Test
  void aRemovedAndRenumberedEventIsCaughtByTheChain() throws Exception {
    List<FlowEvent> events = chain();
    events.remove(6);
    ChainReport r = verify(stored(events));
    assertEquals(Problem.ALTERED, r.problem(), r.message());
    assertEquals(6L, r.badSequenceNr(), "the link 6 -> old 8 does not hold: " + r.message());
  }

  @Test
  void swappedEventsAreReportedAsReordered() throws Exception {
    List<FlowEvent> events = chain();
    FlowEvent fifth = events.get(4);
    events.set(4, events.get(5));
    events.set(5, fifth);
    ChainReport r = verify(stored(events));
    assertEquals(Problem.REORDERED, r.problem());
    assertEquals(5L, r.badSequenceNr(), r.message());
  }

  @Test
  void eventsFromBeforeTheChainAreUnchainedNotTampered() throws Exception {
    List<FlowEvent> old = AuditSamples.everyType().subList(0, 5);
    List<FlowEvent> events = new ArrayList<>(old);
    // The entity links its first new event to the hash of the last old one.
    events.addAll(HashChain.link(HashChain.hash(old.get(4)), AuditSamples.everyType().subList(5, 9)).events());
    ChainReport r = verify(stored(events));
    assertTrue(r.intact(), r.message());
    assertEquals("UNCHAINED", r.verdict());
    assertEquals(5, r.unchained());
    assertEquals(5L, verify(stored(old)).unchained());
  }

  @Test
  void aPreviousHashStrippedAfterTheChainStartedIsAltered() throws Exception {
    List<FlowEvent> events = chain();
    FlowEvent.FlowDeleted last = (FlowEvent.FlowDeleted) events.get(events.size() - 1);
    events.set(events.size() - 1, new FlowEvent.FlowDeleted(new FlowEvent.EventMeta(last.meta().at(),
        last.meta().writer(), null)));
    ChainReport r = verify(stored(events));
    assertEquals(Problem.ALTERED, r.problem());
    assertEquals((long) events.size(), r.badSequenceNr());
  }

  @Test
  void anUnreadableEventIsNamedAfterTheLastReadable() throws Exception {
    List<ChainVerifier.Stored> events = stored(chain()).subList(0, 3);
    ChainReport r = ChainVerifier.verify(ID, PID, events, new IllegalStateException("No content to map"));
    assertEquals(Problem.UNREADABLE, r.problem());
    assertEquals(4L, r.badSequenceNr());
    assertTrue(r.message().contains("No content to map"), r.message());
  }
}
