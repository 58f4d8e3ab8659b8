package dev.jobflow.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jobflow.api.FlowPhase;
import dev.jobflow.api.JobFlowYaml;
import dev.jobflow.api.StepPhase;
import dev.jobflow.flow.FlowEvent;
import dev.jobflow.flow.FlowId;
import dev.jobflow.flow.FlowStatusUpdate;
import dev.jobflow.flow.FlowSummary;
import dev.jobflow.flow.StepView;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The web view's live state: snapshot-then-changes without a gap or a repeat, and the graph model it serves. */
class LiveFlowsTest {
  static final FlowId ID = new FlowId("default", "etl", "uid-1");

  static FlowStatusUpdate update(boolean complete, StepView... steps) {
    Map<StepPhase, Integer> counts = new EnumMap<>(StepPhase.class);
    for (StepPhase p : StepPhase.values()) {
      counts.put(p, 0);
    }
    return new FlowStatusUpdate(ID, new FlowSummary(FlowPhase.Running, 1, 2, 0, counts, Instant.EPOCH, null, null, null),
        List.of(steps), complete);
  }

  static StepView step(String name, StepPhase phase) {
    return new StepView(name, false, phase, 1, "etl-" + name + "-1", null, null, null, null, null, null);
  }

  @Test
  void aSubscriberStartsFromItsSnapshotAndSeesEveryLaterChangeInOrder() {
    LiveFlows live = new LiveFlows();
    live.statusChanged(update(true, step("a", StepPhase.Running), step("b", StepPhase.Pending)));
    List<LiveFlows.Change> changes = new ArrayList<>();
    List<Optional<LiveFlows.Flow>> starts = new ArrayList<>();
    AutoCloseable sub = live.subscribe("uid-1", changes::add, starts::add);
    assertEquals(1, starts.get(0).orElseThrow().version());
    assertEquals(StepPhase.Running, starts.get(0).get().steps().get(0).phase());

    live.statusChanged(update(false, step("a", StepPhase.Succeeded)));
    live.statusChanged(update(false, step("b", StepPhase.Running)));
    assertEquals(List.of(2L, 3L), changes.stream().map(LiveFlows.Change::version).toList());
    assertEquals(StepPhase.Succeeded, live.flow("uid-1").orElseThrow().steps().get(0).phase(), "changes fold in");

    live.eventRecorded(ID, new FlowEvent.FlowDeleted(new FlowEvent.EventMeta(Instant.EPOCH, "test", null)));
    assertTrue(changes.get(changes.size() - 1).removed());
    assertTrue(live.flow("uid-1").isEmpty(), "a deleted flow is forgotten");
  }

  @Test
  void anUnsubscribedListenerHearsNothingMore() throws Exception {
    LiveFlows live = new LiveFlows();
    List<LiveFlows.Change> heard = new ArrayList<>();
    AutoCloseable sub = live.subscribe(heard::add, all -> {});
    live.statusChanged(update(true, step("a", StepPhase.Pending)));
    sub.close();
    live.statusChanged(update(false, step("a", StepPhase.Running)));
    assertEquals(1, heard.size());
    assertEquals(0, live.listeners());
  }

  @Test
  void aFailingListenerNeverFailsTheEntityAndIsDropped() {
    LiveFlows live = new LiveFlows();
    live.subscribe(change -> {
      throw new IllegalStateException("The queue has already been completed.");
    }, all -> {});
    live.statusChanged(update(true, step("a", StepPhase.Pending)));
    assertEquals(0, live.listeners());
    assertTrue(live.flow("uid-1").isPresent());
  }

  @Test
  void theGraphModelHasEdgeKindsAndFinallyStepsAfterTheDagsEnd() throws Exception {
    var flow = JobFlowYaml.read("""
        apiVersion: jobflow.dev/v1alpha1
        kind: JobFlow
        metadata: {name: g, namespace: default}
        spec:
          steps:
            - {name: a, template: {template: {spec: {containers: [{name: m, image: x}]}}}}
            - {name: b, dependsOn: [a], template: {template: {spec: {containers: [{name: m, image: x}]}}}}
            - {name: c, dependsOn: [a], template: {template: {spec: {containers: [{name: m, image: x}]}}}}
          finally:
            - {name: notify, template: {template: {spec: {containers: [{name: m, image: x}]}}}}
        """);
    JsonNode graph = UiJson.graph(flow);
    assertEquals("finally", graph.at("/nodes/3/kind").asText());
    List<String> edges = new ArrayList<>();
    graph.get("edges").forEach(e -> edges.add(e.get("from").asText() + "->" + e.get("to").asText() + ":" + e.get("kind").asText()));
    assertEquals(List.of("a->b:dependency", "a->c:dependency", "b->notify:finally", "c->notify:finally"), edges);
  }
}
