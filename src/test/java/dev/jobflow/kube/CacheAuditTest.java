package dev.jobflow.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** When a list shows that an informer's cache missed what its watch should have brought. */
class CacheAuditTest {
  @Test
  void aCacheInStepWithTheListIsNotBehind() {
    assertEquals(List.of(), CacheAudit.behind(Map.of("data/a", "10", "data/b", "12"),
        Map.of("data/a", "10", "data/b", "12"), "15"));
  }

  @Test
  void aChangeTheWatchDidNotBringIsBehind() {
    assertEquals(List.of("data/a"), CacheAudit.behind(Map.of("data/a", "10"), Map.of("data/a", "14"), "15"));
  }

  @Test
  void aCreationTheWatchDidNotBringIsBehind() {
    assertEquals(List.of("data/new"), CacheAudit.behind(Map.of(), Map.of("data/new", "14"), "15"));
  }

  @Test
  void aDeletionTheWatchDidNotBringIsBehind() {
    assertEquals(List.of("data/gone"), CacheAudit.behind(Map.of("data/gone", "9"), Map.of(), "15"));
  }

  @Test
  void whatChangedAfterTheListWasTakenIsNotBehind() {
    assertEquals(List.of(), CacheAudit.behind(Map.of("data/a", "17", "data/created-since", "18"),
        Map.of("data/a", "10"), "15"), "the watch is ahead of the list, not behind it");
  }

  @Test
  void versionsThatAreNotNumbersCountAnyDifference() {
    assertEquals(List.of("data/a"), CacheAudit.behind(Map.of("data/a", "x1"), Map.of("data/a", "x2"), "x3"));
    assertEquals(List.of("data/b"), CacheAudit.behind(Map.of("data/b", "x1"), Map.of(), "x3"));
  }
}
