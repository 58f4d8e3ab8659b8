package dev.jobflow.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The short form of the chaos soak ({@link ChaosSoak}, {@code bin/chaos} for the long one) on the built jar: 50 flows
 * and 5 kills in the suite, 100 flows and 10 kills in the full form ({@link ItScale}: {@code -Djobflow.it.full=true}).
 */
class ChaosIT {
  @TempDir
  Path dir;

  @Test
  void flowsSurviveKillsWithEveryJobOnceAndIntactJournals() throws Exception {
    ChaosSoak.Report report = ChaosSoak.run(
        new ChaosSoak.Plan(ItScale.pick(50, 100), 3, ItScale.pick(5, 10), 22, 240_000), dir);
    System.out.println(report.summary());
    assertEquals(List.of(), report.problems(), report.summary());
    assertTrue(report.kills() > 0, "the controller was never killed: " + report.summary());
    assertTrue(report.chainsIntact());
  }
}
