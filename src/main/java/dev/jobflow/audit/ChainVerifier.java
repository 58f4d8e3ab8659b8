package dev.jobflow.audit;

import dev.jobflow.flow.FlowEvent;
import dev.jobflow.flow.HashChain;
import dev.jobflow.flow.FlowId;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Recomputes a flow's hash chain (see {@link HashChain}) and names the first sequence number where the journal
 * differs from what the controller wrote.
 *
 * <p>A link n-1 &rarr; n that does not hold has two possible culprits: event n-1 was changed (its hash no longer
 * matches what event n recorded), or event n was (its {@code previousHash}). The link n &rarr; n+1 tells them
 * apart: it still holds when event n is as written. A {@code previousHash} that names another event of the flow
 * means rows were reordered. Events written before the chain existed carry no {@code previousHash}; they are
 * accepted as an unchained prefix, never after a chained event.
 */
public final class ChainVerifier {
  private ChainVerifier() {}

  /** One stored event: its sequence number and the event as read back. */
  public record Stored(long sequenceNr, FlowEvent event) {}

  /**
   * @param events the flow's events as the journal returns them, by sequence number
   * @param readFailure why reading stopped after {@code events}, null when all were read
   */
  public static ChainReport verify(FlowId flow, String persistenceId, List<Stored> events, Throwable readFailure) {
    int n = events.size();
    String[] hashes = new String[n];
    Map<String, Integer> byHash = new HashMap<>();
    for (int i = 0; i < n; i++) {
      hashes[i] = HashChain.hash(events.get(i).event());
      byHash.put(hashes[i], i);
    }
    String head = n == 0 ? null : hashes[n - 1];
    long unchained = 0;
    boolean chained = false;
    long expectedSeq = 1;
    for (int i = 0; i < n; i++) {
      Stored e = events.get(i);
      if (e.sequenceNr() != expectedSeq) {
        String where = expectedSeq == 1 ? "the journal starts at event " + e.sequenceNr()
            : "the journal goes from event " + (expectedSeq - 1) + " to " + e.sequenceNr();
        return broken(flow, persistenceId, n, unchained, head, expectedSeq, ChainReport.Problem.REMOVED,
            "event " + expectedSeq + " was removed: " + where);
      }
      expectedSeq = e.sequenceNr() + 1;
      String previous = e.event().meta().previousHash();
      if (previous == null) {
        if (!chained) {
          unchained++;
          continue;
        }
        return broken(flow, persistenceId, n, unchained, head, e.sequenceNr(), ChainReport.Problem.ALTERED,
            "event " + e.sequenceNr() + " has no previousHash although the events before it are chained");
      }
      chained = true;
      String expected = i == 0 ? HashChain.genesis(persistenceId) : hashes[i - 1];
      if (previous.equals(expected)) {
        continue;
      }
      Integer other = byHash.get(previous);
      if (other != null || (i > 0 && previous.equals(HashChain.genesis(persistenceId)))) {
        String linked = other == null ? "the flow's start" : "event " + events.get(other).sequenceNr();
        return broken(flow, persistenceId, n, unchained, head, e.sequenceNr(), ChainReport.Problem.REORDERED,
            "event " + e.sequenceNr() + " (" + type(e) + ") was reordered: it was written right after "
                + linked + ", not after event " + (e.sequenceNr() - 1));
      }
      boolean selfIntact = i + 1 < n && hashes[i].equals(events.get(i + 1).event().meta().previousHash());
      if (i > 0 && (selfIntact || i + 1 == n)) {
        Stored before = events.get(i - 1);
        return broken(flow, persistenceId, n, unchained, head, before.sequenceNr(), ChainReport.Problem.ALTERED,
            "event " + before.sequenceNr() + " (" + type(before) + ") was altered, or events after it removed and the"
                + " rest renumbered: its hash no longer matches the one event " + e.sequenceNr() + " recorded"
                + (i + 1 == n ? " (or event " + e.sequenceNr() + "'s previousHash was altered)" : ""));
      }
      return broken(flow, persistenceId, n, unchained, head, e.sequenceNr(), ChainReport.Problem.ALTERED,
          "event " + e.sequenceNr() + " (" + type(e) + ") was altered: its previousHash matches no event of this flow");
    }
    if (readFailure != null) {
      return broken(flow, persistenceId, n, unchained, head, expectedSeq, ChainReport.Problem.UNREADABLE,
          "event " + expectedSeq + " cannot be read (altered or removed): " + rootMessage(readFailure));
    }
    return new ChainReport(flow, persistenceId, n, unchained, head, null, null,
        unchained == 0 ? n + " events, chain intact"
            : n + " events, chain intact; the first " + unchained + " were written before the hash chain existed");
  }

  private static ChainReport broken(FlowId flow, String persistenceId, long events, long unchained, String head,
                                    long seq, ChainReport.Problem problem, String message) {
    return new ChainReport(flow, persistenceId, events, unchained, head, seq, problem, message);
  }

  private static String type(Stored s) {
    return s.event().getClass().getSimpleName();
  }

  static String rootMessage(Throwable t) {
    Throwable root = t;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
  }
}
