package dev.jobflow.dag;

import java.util.Map;

/** What is fixed about a flow when it starts and conditions may read: {@code flow.*} and {@code params}. */
public record FlowFacts(String name, String namespace, Map<String, String> labels, Map<String, String> params) {
  public static final FlowFacts NONE = new FlowFacts("", "", Map.of(), Map.of());

  public FlowFacts {
    name = name == null ? "" : name;
    namespace = namespace == null ? "" : namespace;
    labels = labels == null ? Map.of() : Map.copyOf(labels);
    params = params == null ? Map.of() : Map.copyOf(params);
  }
}
