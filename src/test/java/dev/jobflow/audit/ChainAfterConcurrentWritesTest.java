package dev.jobflow.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import dev.jobflow.flow.FlowEvent;
import dev.jobflow.flow.FlowTags;
import dev.jobflow.flow.HashChain;
import dev.jobflow.journal.JournalDialect;
import dev.jobflow.journal.JournalWrites;
import dev.jobflow.journal.TestJournal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Flows whose chained events reach the journal in the same batches as other flows' (the group-commit write
 * path) verify intact afterwards, as {@code jobflow audit --verify} checks them, on both databases.
 */
class ChainAfterConcurrentWritesTest {
  private static final int FLOWS = 10;
  /** Events per AtomicWrite: a decision persists its events together. */
  private static final int PER_DECISION = 3;

  @TempDir
  Path tempDir;

  @ParameterizedTest
  @EnumSource(JournalDialect.class)
  void everyFlowsChainIsIntactAfterInterleavedBatches(JournalDialect dialect) throws Exception {
    List<FlowEvent> events = AuditSamples.everyType();
    List<String> pids = new ArrayList<>();
    List<List<FlowEvent>> chains = new ArrayList<>();
    for (int f = 0; f < FLOWS; f++) {
      String pid = "JobFlow|chain-" + f;
      pids.add(pid);
      chains.add(HashChain.link(HashChain.genesis(pid), events).events());
    }
    try (TestJournal journal = TestJournal.open(dialect, tempDir)) {
      ActorTestKit kit = ActorTestKit.create("chain-" + dialect, journal.akkaConfig());
      try {
        JournalWrites writes = new JournalWrites(kit);
        for (int from = 0; from < events.size(); from += PER_DECISION) {
          List<List<List<JournalWrites.Event>>> requests = new ArrayList<>();
          for (int f = 0; f < FLOWS; f++) {
            List<JournalWrites.Event> decision = new ArrayList<>();
            for (int i = from; i < Math.min(from + PER_DECISION, events.size()); i++) {
              decision.add(new JournalWrites.Event(pids.get(f), i + 1, chains.get(f).get(i),
                  Set.of(FlowTags.ALL, "shard-" + f % 3)));
            }
            requests.add(List.of(decision));
          }
          for (JournalWrites.Replies replies : writes.writeConcurrently(requests)) {
            assertTrue(replies.allSucceeded(), replies.toString());
          }
        }

        FlowHistory history = new FlowHistory(kit.system());
        for (String pid : pids) {
          ChainReport report = history.verify(pid).toCompletableFuture().get(30, TimeUnit.SECONDS);
          assertTrue(report.intact(), pid + ": " + report.message());
          assertEquals("INTACT", report.verdict());
          assertEquals(events.size(), report.events());
        }
      } finally {
        kit.shutdownTestKit();
      }
    }
  }
}
