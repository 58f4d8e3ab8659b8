package dev.jobflow.dag;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class CycleFinderTest {

  @Test
  void aDagHasNoCycle() {
    int[][] diamond = {{}, {0}, {0}, {1, 2}};
    assertTrue(CycleFinder.isAcyclic(diamond));
    assertTrue(CycleFinder.findCycles(new int[0][]).isEmpty());
  }

  @Test
  void selfDependenciesAreLeftToTheCaller() {
    assertTrue(CycleFinder.isAcyclic(new int[][] {{0}, {1, 0}}));
  }

  @Test
  void aCycleIsGivenInRunOrderFromItsLowestNode() {
    // 0 depends on 2, 1 on 0, 2 on 1: runs 0 -> 1 -> 2 -> 0
    List<int[]> cycles = CycleFinder.findCycles(new int[][] {{2}, {0}, {1}});
    assertEquals(1, cycles.size());
    assertArrayEquals(new int[] {0, 1, 2}, cycles.get(0));
  }

  @Test
  void theShortestCycleThroughTheLowestNodeIsChosen() {
    // 0 <-> 1 directly, and a longer loop 0 -> 2 -> 3 -> 1 -> 0 in the same component
    int[][] deps = {{1}, {0, 3}, {0}, {2}};
    List<int[]> cycles = CycleFinder.findCycles(deps);
    assertEquals(1, cycles.size());
    assertArrayEquals(new int[] {0, 1}, cycles.get(0));
  }

  @Test
  void separateCyclesAreEachReported() {
    int[][] deps = {{1}, {0}, {}, {4}, {3}, {2}};
    List<int[]> cycles = CycleFinder.findCycles(deps);
    assertEquals(2, cycles.size());
    assertArrayEquals(new int[] {0, 1}, cycles.get(0));
    assertArrayEquals(new int[] {3, 4}, cycles.get(1));
  }

  @Test
  void aLongChainIsHandledWithoutRecursion() {
    int n = 200_000;
    int[][] deps = new int[n][];
    deps[0] = new int[0];
    for (int i = 1; i < n; i++) {
      deps[i] = new int[] {i - 1};
    }
    assertTrue(CycleFinder.isAcyclic(deps));
    deps[0] = new int[] {n - 1};
    List<int[]> cycles = CycleFinder.findCycles(deps);
    assertEquals(1, cycles.size());
    assertEquals(n, cycles.get(0).length);
    assertEquals(0, cycles.get(0)[0]);
    assertEquals(n - 1, cycles.get(0)[n - 1]);
  }

  @Test
  void aDependencyOutsideTheGraphIsRejected() {
    var e = assertThrows(IllegalArgumentException.class, () -> CycleFinder.findCycles(new int[][] {{5}}));
    assertTrue(e.getMessage().contains("node 0 depends on 5"), e.getMessage());
  }
}
