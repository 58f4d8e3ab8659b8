package dev.jobflow.dag;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Finds dependency cycles among numbered nodes. Plain Java and iterative (Tarjan's strongly connected
 * components with an explicit stack), so a 10,000-step chain cannot overflow the call stack.
 */
public final class CycleFinder {

  private CycleFinder() {}

  /**
   * One cycle per group of nodes that depend on each other (strongly connected component of more
   * than one node), ordered by the group's lowest node.
   *
   * @param dependencies {@code dependencies[i]} holds the nodes that node {@code i} depends on; a node
   *     depending on itself is ignored here (callers report self-dependencies by name)
   * @return each cycle in run order, starting at the lowest node of its group: {@code [a, b, c]} means
   *     b depends on a, c on b and a on c. It is a shortest cycle through that node.
   * @throws IllegalArgumentException when a dependency is not a node index
   */
  public static List<int[]> findCycles(int[][] dependencies) {
    int n = dependencies.length;
    for (int v = 0; v < n; v++) {
      for (int w : dependencies[v]) {
        if (w < 0 || w >= n) {
          throw new IllegalArgumentException("node " + v + " depends on " + w + ", which is not a node (0.." + (n - 1) + ")");
        }
      }
    }
    int[] component = stronglyConnectedComponents(dependencies);
    int components = 0;
    for (int c : component) {
      components = Math.max(components, c + 1);
    }
    int[] size = new int[components];
    int[] lowest = new int[components];
    Arrays.fill(lowest, -1);
    for (int v = 0; v < n; v++) {
      size[component[v]]++;
      if (lowest[component[v]] < 0) {
        lowest[component[v]] = v;
      }
    }
    List<Integer> starts = new ArrayList<>();
    for (int c = 0; c < components; c++) {
      if (size[c] > 1) {
        starts.add(lowest[c]);
      }
    }
    starts.sort(Integer::compare);
    List<int[]> cycles = new ArrayList<>(starts.size());
    if (starts.isEmpty()) {
      return cycles;
    }
    int[][] dependents = reverse(dependencies);
    for (int start : starts) {
      cycles.add(shortestCycleThrough(start, dependencies, dependents, component));
    }
    return cycles;
  }

  /** True when the graph has no cycle (self-dependencies ignored). */
  public static boolean isAcyclic(int[][] dependencies) {
    return findCycles(dependencies).isEmpty();
  }

  /** Tarjan's algorithm with explicit stacks: {@code result[v]} is the component number of node v. */
  private static int[] stronglyConnectedComponents(int[][] deps) {
    int n = deps.length;
    int[] index = new int[n];
    Arrays.fill(index, -1);
    int[] low = new int[n];
    boolean[] onStack = new boolean[n];
    int[] stack = new int[n];
    int sp = 0;
    int[] callNode = new int[n];
    int[] callEdge = new int[n];
    int[] component = new int[n];
    int counter = 0;
    int components = 0;
    for (int root = 0; root < n; root++) {
      if (index[root] != -1) {
        continue;
      }
      int csp = 0;
      callNode[csp] = root;
      callEdge[csp] = 0;
      csp++;
      index[root] = low[root] = counter++;
      stack[sp++] = root;
      onStack[root] = true;
      while (csp > 0) {
        int v = callNode[csp - 1];
        int[] out = deps[v];
        if (callEdge[csp - 1] < out.length) {
          int w = out[callEdge[csp - 1]++];
          if (w == v) {
            continue;
          }
          if (index[w] == -1) {
            index[w] = low[w] = counter++;
            stack[sp++] = w;
            onStack[w] = true;
            callNode[csp] = w;
            callEdge[csp] = 0;
            csp++;
          } else if (onStack[w]) {
            low[v] = Math.min(low[v], index[w]);
          }
        } else {
          csp--;
          if (low[v] == index[v]) {
            int w;
            do {
              w = stack[--sp];
              onStack[w] = false;
              component[w] = components;
            } while (w != v);
            components++;
          }
          if (csp > 0) {
            int parent = callNode[csp - 1];
            low[parent] = Math.min(low[parent], low[v]);
          }
        }
      }
    }
    return component;
  }

  private static int[][] reverse(int[][] deps) {
    int n = deps.length;
    int[] count = new int[n];
    for (int[] out : deps) {
      for (int w : out) {
        count[w]++;
      }
    }
    int[][] rev = new int[n][];
    for (int v = 0; v < n; v++) {
      rev[v] = new int[count[v]];
      count[v] = 0;
    }
    for (int v = 0; v < n; v++) {
      for (int w : deps[v]) {
        rev[w][count[w]++] = v;
      }
    }
    return rev;
  }

  /** Breadth-first along run order (from a node to its dependents) inside one component, back to start. */
  private static int[] shortestCycleThrough(int start, int[][] deps, int[][] dependents, int[] component) {
    int n = deps.length;
    boolean[] closesCycle = new boolean[n];
    for (int w : deps[start]) {
      if (w != start && component[w] == component[start]) {
        closesCycle[w] = true;
      }
    }
    int[] parent = new int[n];
    Arrays.fill(parent, -2);
    int[] queue = new int[n];
    int head = 0;
    int tail = 0;
    queue[tail++] = start;
    parent[start] = -1;
    while (head < tail) {
      int v = queue[head++];
      if (closesCycle[v]) {
        int length = 0;
        for (int x = v; x != -1; x = parent[x]) {
          length++;
        }
        int[] cycle = new int[length];
        for (int x = v, i = length - 1; x != -1; x = parent[x], i--) {
          cycle[i] = x;
        }
        return cycle;
      }
      for (int w : dependents[v]) {
        if (parent[w] == -2 && component[w] == component[start]) {
          parent[w] = v;
          queue[tail++] = w;
        }
      }
    }
    throw new IllegalStateException("node " + start + " is in a strongly connected component but on no cycle");
  }
}
