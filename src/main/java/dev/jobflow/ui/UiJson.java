package dev.jobflow.ui;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jobflow.api.FlowPhase;
import dev.jobflow.api.JobFlow;
import dev.jobflow.api.JobFlowStatus;
import dev.jobflow.api.StepPhase;
import dev.jobflow.api.StepStatus;
import dev.jobflow.flow.FlowSummary;
import dev.jobflow.flow.StepView;
import dev.jobflow.graph.FlowGraph;
import java.time.Instant;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The documents the web view reads: a flow's row in the list, its graph and its steps' status. One shape for a
 * step whether it comes from the entities' live status or, for a flow no entity has reported since the
 * controller started, from the JobFlow's status subresource. Times are RFC 3339; absent values are left out.
 */
final class UiJson {
  static final ObjectMapper MAPPER = JsonMapper.builder().build();

  private UiJson() {}

  /** A flow's row: who it is, and its summary from the entity when known, else from its status subresource. */
  static ObjectNode row(JobFlow flow, LiveFlows.Flow live) {
    ObjectNode row = MAPPER.createObjectNode()
        .put("namespace", flow.getMetadata().getNamespace())
        .put("name", flow.getMetadata().getName())
        .put("uid", flow.getMetadata().getUid());
    put(row, "createdAt", flow.getMetadata().getCreationTimestamp());
    if (live != null && live.summary() != null) {
      row.put("version", live.version());
      summary(row, live.summary());
    } else {
      row.put("version", 0);
      summary(row, flow.getStatus(), totalSteps(flow));
    }
    return row;
  }

  static void summary(ObjectNode row, FlowSummary s) {
    row.put("phase", s.phase().name()).put("progress", s.progress()).put("totalSteps", s.totalSteps())
        .put("finishedSteps", s.finishedSteps());
    ObjectNode counts = row.putObject("counts");
    s.stepCounts().forEach((phase, n) -> {
      if (n > 0) {
        counts.put(phase.name(), n);
      }
    });
    put(row, "startedAt", s.startedAt());
    put(row, "finishedAt", s.finishedAt());
    put(row, "reason", s.reason());
    put(row, "message", s.message());
  }

  private static void summary(ObjectNode row, JobFlowStatus status, int total) {
    FlowPhase phase = status == null || status.getPhase() == null ? FlowPhase.Pending : status.getPhase();
    row.put("phase", phase.name());
    String progress = status == null || status.getProgress() == null ? "0/" + total : status.getProgress();
    row.put("progress", progress).put("totalSteps", total);
    row.put("finishedSteps", finished(progress));
    ObjectNode counts = row.putObject("counts");
    if (status != null && status.getStepCounts() != null) {
      status.getStepCounts().forEach(counts::put);
    }
    if (status != null) {
      put(row, "startedAt", status.getStartedAt());
      put(row, "finishedAt", status.getFinishedAt());
      put(row, "message", status.getMessage());
    }
  }

  private static int finished(String progress) {
    int slash = progress.indexOf('/');
    try {
      return slash < 0 ? 0 : Integer.parseInt(progress.substring(0, slash));
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  static int totalSteps(JobFlow flow) {
    return flow.getSpec() == null ? 0 : flow.getSpec().getSteps().size()
        + (flow.getSpec().getFinallySteps() == null ? 0 : flow.getSpec().getFinallySteps().size());
  }

  static ArrayNode steps(Collection<StepView> views) {
    ArrayNode list = MAPPER.createArrayNode();
    for (StepView v : views) {
      list.add(step(v));
    }
    return list;
  }

  static ObjectNode step(StepView v) {
    return step(v.name(), v.isFinally(), v.phase(), v.attempts(), v.job(), v.startedAt(), v.finishedAt(),
        v.nextAttemptAt(), v.reason(), v.message());
  }

  private static ObjectNode step(String name, boolean isFinally, StepPhase phase, int attempts, String job,
      Object startedAt, Object finishedAt, Object nextAttemptAt, String reason, String message) {
    ObjectNode s = MAPPER.createObjectNode().put("name", name).put("finally", isFinally)
        .put("phase", (phase == null ? StepPhase.Pending : phase).name()).put("attempts", attempts);
    put(s, "job", job);
    put(s, "startedAt", startedAt);
    put(s, "finishedAt", finishedAt);
    put(s, "nextAttemptAt", nextAttemptAt);
    put(s, "reason", reason);
    put(s, "message", message);
    return s;
  }

  /** Steps from the status subresource (bounded for large flows: the absent ones are shown as not reported). */
  static ArrayNode steps(JobFlow flow) {
    ArrayNode list = MAPPER.createArrayNode();
    Set<String> finallyNames = new HashSet<>();
    if (flow.getSpec() != null && flow.getSpec().getFinallySteps() != null) {
      flow.getSpec().getFinallySteps().forEach(s -> finallyNames.add(s.getName()));
    }
    Map<String, StepStatus> steps = flow.getStatus() == null ? Map.of() : flow.getStatus().getSteps();
    steps.forEach((name, st) -> list.add(step(name, finallyNames.contains(name), st.getPhase(),
        st.getAttempts() == null ? 0 : st.getAttempts(), st.getJob(), st.getStartedAt(), st.getFinishedAt(),
        st.getNextAttemptAt(), st.getReason(), st.getMessage())));
    return list;
  }

  /**
   * Nodes and edges to lay out. A node's {@code kind} is {@code step} or {@code finally}; {@code group} names the
   * node a fan-out's members collapse into (null: none); {@code fanOut} is true for a step of the spec that fans out:
   * its instances ({@code <step>-<index>} in the steps) are not nodes of their own, whatever their number, and the
   * page draws them as that node's counts and lists them in its panel. An edge's {@code kind} says why it exists:
   * {@code dependency} ({@code dependsOn}, a bare name in {@code depends}), {@code conditional} (a result named in
   * {@code depends}, or a target with a {@code when}; {@code label} says which) or {@code finally} (the DAG's end to a
   * finally step).
   */
  static ObjectNode graph(JobFlow flow) {
    FlowGraph g = FlowGraph.of(flow);
    ObjectNode doc = MAPPER.createObjectNode();
    ArrayNode nodes = doc.putArray("nodes");
    Set<String> fanOuts = new HashSet<>();
    if (flow.getSpec() != null) {
      flow.getSpec().getSteps().stream().filter(s -> !s.fanOutSources().isEmpty()).forEach(s -> fanOuts.add(s.getName()));
    }
    for (FlowGraph.Node n : g.steps()) {
      ObjectNode node = nodes.addObject().put("id", n.label()).put("kind", "step").putNull("group");
      if (fanOuts.contains(n.label())) {
        node.put("fanOut", true);
      }
    }
    for (FlowGraph.Node n : g.finallySteps()) {
      nodes.addObject().put("id", n.label()).put("kind", "finally").putNull("group");
    }
    ArrayNode edges = doc.putArray("edges");
    for (FlowGraph.Edge e : g.edges()) {
      ObjectNode edge = edges.addObject().put("from", e.from().label()).put("to", e.to().label())
          .put("kind", e.conditional() ? "conditional" : "dependency");
      if (e.label() != null) {
        edge.put("label", e.label());
      }
    }
    List<FlowGraph.Node> sinks = g.finallySteps().isEmpty() ? List.of() : g.sinks();
    for (FlowGraph.Node f : g.finallySteps()) {
      for (FlowGraph.Node sink : sinks) {
        edges.addObject().put("from", sink.label()).put("to", f.label()).put("kind", "finally");
      }
    }
    return doc;
  }

  private static void put(ObjectNode node, String field, Object value) {
    if (value instanceof Instant i) {
      node.put(field, i.toString());
    } else if (value != null) {
      node.put(field, value.toString());
    }
  }

  static String write(Object value) {
    try {
      return MAPPER.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write JSON: " + e.getMessage(), e);
    }
  }
}
