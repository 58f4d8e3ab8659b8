package dev.jobflow.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jobflow.api.FlowPhase;
import dev.jobflow.api.JobFlow;
import dev.jobflow.api.JobFlowStatus;
import dev.jobflow.api.Step;
import dev.jobflow.api.StepPhase;
import dev.jobflow.api.StepStatus;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The tree of {@code get} and {@code watch}: steps from the spec, phases from the status, big flows bounded. */
class FlowTreeTest {
  static final Instant NOW = Instant.parse("2026-11-23T08:01:00Z");
  static final FlowTree.Style TABLE = new FlowTree.Style(false, 0, 0, FlowTree.Branches.ASCII);

  static JobFlow flow(int steps, List<String> finallySteps) {
    JobFlow flow = new JobFlow();
    flow.getMetadata().setNamespace("default");
    flow.getMetadata().setName("etl");
    for (int i = 0; i < steps; i++) {
      Step s = new Step();
      s.setName("s" + i);
      flow.getSpec().getSteps().add(s);
    }
    for (String name : finallySteps) {
      Step s = new Step();
      s.setName(name);
      flow.getSpec().getFinallySteps().add(s);
    }
    return flow;
  }

  static StepStatus step(StepPhase phase, int attempts, String started, String finished) {
    StepStatus s = new StepStatus();
    s.setPhase(phase);
    s.setAttempts(attempts);
    s.setStartedAt(started);
    s.setFinishedAt(finished);
    return s;
  }

  @Test
  void stepsAndFinallyWithPhaseAttemptDurationAndWhy() {
    JobFlow flow = flow(3, List.of("notify"));
    JobFlowStatus status = new JobFlowStatus();
    status.setPhase(FlowPhase.Running);
    status.setProgress("1/4");
    status.setStartedAt("2026-11-23T08:00:00Z");
    Map<String, StepStatus> steps = new LinkedHashMap<>();
    steps.put("s0", step(StepPhase.Succeeded, 1, "2026-11-23T08:00:00Z", "2026-11-23T08:00:12Z"));
    StepStatus retrying = step(StepPhase.Retrying, 2, "2026-11-23T08:00:12Z", null);
    retrying.setNextAttemptAt("2026-11-23T08:01:08Z");
    retrying.setReason("BackoffLimitExceeded");
    retrying.setMessage("Job has reached the specified backoff limit");
    steps.put("s1", retrying);
    status.setSteps(steps);
    flow.setStatus(status);
    assertEquals(List.of(
        "NAME               PHASE      ATTEMPT  DURATION  MESSAGE",
        "default/etl (1/4)  Running             1m",
        "|- s0              Succeeded  1        12s",
        "|- s1              Retrying   2        48s       next attempt in 8s; BackoffLimitExceeded: Job has reached the specified backoff limit",
        "|- s2              Pending",
        "`- finally",
        "   `- notify       Pending"), FlowTree.lines(flow, NOW, TABLE));
  }

  @Test
  void aBigFlowsBoundedStatusStillShowsEveryStepAndALiveViewOnlyTheBusyOnes() {
    // Over 500 steps the status lists only the steps not Succeeded; stepCounts has the totals.
    JobFlow flow = flow(10_000, List.of());
    JobFlowStatus status = new JobFlowStatus();
    status.setPhase(FlowPhase.Running);
    status.setStepCounts(Map.of("Succeeded", 9_000, "Running", 2, "Pending", 998));
    Map<String, StepStatus> listed = new LinkedHashMap<>();
    listed.put("s9000", step(StepPhase.Running, 1, "2026-11-23T08:00:30Z", null));
    listed.put("s9001", step(StepPhase.Running, 3, "2026-11-23T08:00:50Z", null));
    for (int i = 9002; i < 10_000; i++) {
      listed.put("s" + i, step(StepPhase.Pending, 0, null, null));
    }
    status.setSteps(listed);
    flow.setStatus(status);

    List<StepRow> rows = StepRow.of(flow);
    assertEquals(10_000, rows.size());
    assertEquals(9_000, rows.stream().filter(r -> r.phase() == StepPhase.Succeeded).count());
    assertEquals(StepPhase.Succeeded, rows.get(8_999).phase());
    assertEquals(StepPhase.Running, rows.get(9_000).phase());

    List<String> live = FlowTree.lines(flow, NOW, new FlowTree.Style(false, 5, 0, FlowTree.Branches.ASCII));
    assertEquals(2 + 5 + 1, live.size(), String.join("\n", live));
    assertTrue(live.get(2).startsWith("|- s0 "), live.get(2)); // the running ones first, then in flow order
    assertTrue(live.stream().anyMatch(l -> l.matches("\\|- s9000\\s+Running\\s+1\\s+30s")), String.join("\n", live));
    assertTrue(live.stream().anyMatch(l -> l.matches("`- s9001\\s+Running\\s+3\\s+10s")), String.join("\n", live));
    assertEquals("... and 9995 more steps: 998 Pending, 8997 Succeeded", live.get(live.size() - 1));
  }

  @Test
  void stepsTheStatusLeftOutAreCountedAndPointToTheAudit() {
    JobFlow flow = flow(1_000, List.of());
    flow.getMetadata().setNamespace("data");
    JobFlowStatus status = new JobFlowStatus();
    status.setPhase(FlowPhase.Failed);
    status.setStepCounts(Map.of("Failed", 1_000));
    Map<String, StepStatus> listed = new LinkedHashMap<>();
    for (int i = 0; i < 100; i++) {
      listed.put("s" + i, step(StepPhase.Failed, 1, "2026-11-23T08:00:00Z", "2026-11-23T08:00:10Z"));
    }
    status.setSteps(listed);
    status.setStepsOmitted(900);
    flow.setStatus(status);
    List<String> lines = FlowTree.lines(flow, NOW, TABLE);
    assertTrue(lines.get(lines.size() - 1).startsWith("... and 900 more steps not Succeeded that the status does not "
        + "list"), lines.get(lines.size() - 1));
    assertTrue(lines.get(lines.size() - 1).endsWith("jobflow audit data/" + flow.getMetadata().getName()
        + " shows every one"), lines.get(lines.size() - 1));
  }

  @Test
  void aFlowFromATemplateShowsTheStepsItsStatusNames() {
    JobFlow flow = flow(0, List.of());
    JobFlowStatus status = new JobFlowStatus();
    status.setSteps(new LinkedHashMap<>(Map.of("resolved", step(StepPhase.Running, 1, "2026-11-23T08:00:59Z", null))));
    flow.setStatus(status);
    assertEquals("`- resolved  Running  1        1s", FlowTree.lines(flow, NOW, TABLE).get(2));
  }

  @Test
  void theTerminalViewRedrawsInPlaceWithinTheTerminalsWidth() {
    StringWriter text = new StringWriter();
    LiveViews.Tree view = new LiveViews.Tree(new PrintWriter(text), false, new TerminalSize(24, 30));
    JobFlow flow = flow(2, List.of());
    List<FlowWatch.Seen> seen = new ArrayList<>(List.of(new FlowWatch.Seen(flow, false)));
    view.show(seen, NOW);
    String first = text.toString();
    assertEquals(4, first.lines().count(), first);
    first.lines().forEach(l -> assertTrue(l.replace("\u001b[2K", "").length() < 30, l));
    view.show(seen, NOW);
    String second = text.toString().substring(first.length());
    assertTrue(second.startsWith("\u001b[4A"), second); // back up over the 4 lines drawn, then draw again
    assertEquals(first, second.substring("\u001b[4A".length()));
  }
}
