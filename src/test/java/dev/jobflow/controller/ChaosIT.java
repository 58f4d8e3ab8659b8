package dev.jobflow.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The short form of the chaos soak ({@link ChaosSoak}, {@code bin/chaos} for the long one) on the built jar. */
class ChaosIT {
  @TempDir
  Path dir;

  @Test
  void aHundredFlowsSurviveTenKillsWithEveryJobOnceAndIntactJournals() throws Exception {
    ChaosSoak.Report report = ChaosSoak.run(new ChaosSoak.Plan(100, 3, 10, 22, 240_000), dir);
    System.out.println(report.summary());
    assertEquals(List.of(), report.problems(), report.summary());
    assertTrue(report.kills() > 0, "the controller was never killed: " + report.summary());
    assertTrue(report.chainsIntact());
  }
}
