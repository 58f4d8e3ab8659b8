package dev.jobflow.dag;

import dev.jobflow.api.FlowPhase;
import dev.jobflow.api.StepPhase;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The rules of retrying a finished flow in place: which steps run again. Pure; the state is only read, except by
 * {@link #apply}, which returns a new state.
 *
 * <ol>
 *   <li>Only a {@code Failed} or {@code Cancelled} flow is retried.</li>
 *   <li>The roots are every DAG step that did not succeed (Failed, Cancelled, Skipped), and the step named by
 *       {@code --step} (any DAG step, also one that succeeded).</li>
 *   <li>Everything downstream of a root runs again too, whatever its phase: its inputs (phases, outputs) may now
 *       change, so a result computed from the old ones is not kept. A {@code when} or {@code depends} is evaluated
 *       again.</li>
 *   <li>Every other step keeps its phase and outputs: a succeeded step not downstream of a root does not run.</li>
 *   <li>Every {@code finally} step runs again.</li>
 *   <li>A fan-out step whose list was fixed keeps it: its instances that did not succeed run again (all of them when
 *       the step is downstream of a root or restarted from), each under its own name, so no Job of an earlier round
 *       is taken for a new attempt. A fan-out step never expanded (skipped, or failed fixing its list) fixes it
 *       anew. {@code --step} may name an instance: it runs again with its step's other unsucceeded instances.</li>
 *   <li>A step that runs again keeps its attempt numbers (its next Job is a new one) and gets its whole retry budget
 *       again; the flow gets its whole timeout again, counted from the retry; a shutdown (Stop, Terminate) is
 *       forgotten.</li>
 * </ol>
 */
public final class RetryPlan {
  private RetryPlan() {}

  /** The steps that run again, or why the flow cannot be retried. */
  public record Plan(List<String> steps, String problem) {
    public boolean isPossible() {
      return problem == null;
    }
  }

  /**
   * Which steps a retry of this finished flow runs again; {@code fromStep} (nullable) is a DAG step, or an instance of
   * a fan-out step, to restart from.
   */
  public static Plan of(DagState s, String fromStep) {
    if (s.outcome != FlowPhase.Failed && s.outcome != FlowPhase.Cancelled) {
      return new Plan(List.of(), "only a Failed or Cancelled flow can be retried; this one is "
          + (s.outcome == null ? s.flowPhase() : s.outcome));
    }
    FlowGraph g = s.graph;
    boolean[] again = new boolean[g.size()];
    // Steps of the spec whose inputs may change (downstream of a root, or restarted from): every instance runs again.
    boolean[] whole = new boolean[g.specSize()];
    ArrayDeque<Integer> queue = new ArrayDeque<>();
    if (fromStep != null) {
      int from = g.contains(fromStep) ? g.indexOf(fromStep) : -1;
      boolean instance = from >= 0 && g.step(from).isInstance();
      if (from < 0 || (from >= g.dagSize() && !instance)) {
        return new Plan(List.of(), "step '" + fromStep + "' is not a step of this flow's DAG (finally steps always run"
            + " again)");
      }
      if (instance) {
        again[from] = true; // it and its step's instances that did not succeed; its step's dependents whole
        queue.add(g.step(from).parent());
      } else {
        whole[from] = true;
        queue.add(from);
      }
    }
    for (int i = 0; i < g.dagSize(); i++) {
      if (s.phase[i] != StepPhase.Succeeded) {
        queue.add(i);
      }
    }
    while (!queue.isEmpty()) {
      int step = queue.poll();
      if (again[step]) {
        continue;
      }
      again[step] = true;
      for (int d : g.step(step).dependents()) {
        whole[d] = true;
        queue.add(d);
      }
    }
    List<String> steps = new ArrayList<>();
    for (int i = 0; i < g.size(); i++) {
      GraphStep step = g.step(i);
      if (step.isInstance()) {
        // A fan-out step keeps its list: its instances that did not succeed run again, all of them when its inputs
        // may have changed. Their names, so their Jobs' names, stay; their attempt numbers go on.
        int parent = step.parent();
        if (again[i] || again[parent] && (whole[parent] || s.phase[i] != StepPhase.Succeeded)) {
          steps.add(step.name());
        }
      } else if (again[i] || i >= g.dagSize()) {
        steps.add(step.name());
      }
    }
    return new Plan(List.copyOf(steps), null);
  }

  /**
   * The state after a retry that began at {@code at} and runs {@code steps} again (as recorded, so a replay gives the
   * same state whatever these rules say by then). The flow is no longer finished.
   */
  public static DagState apply(DagState s, List<String> steps, Instant at) {
    DagSnapshot before = s.snapshot();
    List<StepProgress> rows = new ArrayList<>(before.steps());
    for (String name : steps) {
      if (!s.graph.contains(name)) {
        continue; // recorded against a graph that had it: nothing to run again
      }
      int i = s.graph.indexOf(name);
      StepProgress p = rows.get(i);
      if (p.items() != null) {
        // An expanded fan-out step runs again through its instances, with the list it was given: it is running.
        rows.set(i, new StepProgress(p.name(), StepPhase.Running, 0, p.startedAt(), null, null, null, null, null, null,
            null, null, null, null, p.items()));
        continue;
      }
      rows.set(i, new StepProgress(p.name(), StepPhase.Pending, p.attempts(), p.startedAt(), null, null, null, null,
          null, null, null, null, null, p.attempts() == 0 ? null : p.attempts()));
    }
    DagSnapshot after = new DagSnapshot(List.copyOf(rows), before.parallelism(), before.failurePolicy(),
        before.timeout(), before.suspended(), null, before.flowStartedAt(), null, false, null, null, null, null, at);
    return after.restore(s.graph);
  }
}
