package dev.jobflow.step;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class JobNamesTest {
  private static final String DNS1123_LABEL = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$";

  @Test
  void shortNamesAreFlowStepAttempt() {
    assertEquals("nightly-etl-extract-1", JobNames.of("nightly-etl", "extract", 1));
    assertEquals("nightly-etl-extract-12", JobNames.of("nightly-etl", "extract", 12));
  }

  @Test
  void longNamesAreCutWithAStableHashAndStayUniqueAndValid() {
    String flow = "a-very-long-flow-name-that-somebody-wrote-for-reasons";
    String step = "and-a-step-name-that-is-long-too";
    String n1 = JobNames.of(flow, step, 1);
    String n2 = JobNames.of(flow, step, 2);
    String other = JobNames.of(flow, step + "x", 1);
    assertEquals(63, n1.length(), n1);
    assertTrue(n1.matches(DNS1123_LABEL), n1);
    assertTrue(n1.endsWith("-1") && n2.endsWith("-2"), n1 + " " + n2);
    assertEquals(n1, JobNames.of(flow, step, 1), "deterministic: adoption depends on it");
    assertNotEquals(n1, other);
    assertNotEquals(n1.substring(0, n1.length() - 2), n2.substring(0, n2.length() - 2), "the hash covers the attempt");
  }

  @Test
  void aCutEndingInADashDoesNotLeaveTwoDashes() {
    String flow = "x".repeat(51); // the cut keeps 52 characters: the flow and the dash after it
    String name = JobNames.of(flow, "step-with-dashes-here", 3);
    assertTrue(name.startsWith("x".repeat(51) + "-") && !name.startsWith("x".repeat(51) + "--"), name);
    assertTrue(name.length() <= 63 && name.matches(DNS1123_LABEL) && !name.contains("--"), name);
  }

  @Test
  void theLongestNameThatFitsIsKeptAsIs() {
    String flow = "f".repeat(59);
    assertEquals(flow + "-s-1", JobNames.of(flow, "s", 1));
    assertEquals(63, JobNames.of(flow, "s", 1).length());
    assertEquals(63, JobNames.of(flow, "s", 10).length());
  }

  @Test
  void attemptsStartAtOne() {
    assertThrows(IllegalArgumentException.class, () -> JobNames.of("f", "s", 0));
  }
}
