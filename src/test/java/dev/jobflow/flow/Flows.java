package dev.jobflow.flow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jobflow.api.FailurePolicy;
import dev.jobflow.api.ShutdownPolicy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Flow definitions for tests, built fluently. */
final class Flows {
  static final JsonNode TEMPLATE;

  static {
    try {
      TEMPLATE = new ObjectMapper().readTree("""
          {"backoffLimit":0,"template":{"spec":{"restartPolicy":"Never",
           "containers":[{"name":"main","image":"busybox","command":["sh","-c","echo {{params.date}}"]}]}}}""");
    } catch (Exception e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private String namespace = "data";
  private String name;
  private String uid;
  private long generation = 1;
  private Integer parallelism;
  private FailurePolicy policy = FailurePolicy.FailFast;
  private Duration timeout;
  private boolean suspend;
  private ShutdownPolicy shutdown;
  private final List<StepDefinition> steps = new ArrayList<>();
  private final List<StepDefinition> finallySteps = new ArrayList<>();

  static Flows flow(String name, String uid) {
    Flows f = new Flows();
    f.name = name;
    f.uid = uid;
    return f;
  }

  Flows step(String name, String... deps) {
    steps.add(new StepDefinition(name, List.of(deps), 0, null, null, null, null, TEMPLATE));
    return this;
  }

  Flows step(StepDefinition s) {
    steps.add(s);
    return this;
  }

  Flows retried(String name, int limit, Duration backoff, String... deps) {
    steps.add(new StepDefinition(name, List.of(deps), limit, backoff, 1.0, null, null, TEMPLATE));
    return this;
  }

  Flows timed(String name, Duration timeout, String... deps) {
    steps.add(new StepDefinition(name, List.of(deps), 0, null, null, null, timeout, TEMPLATE));
    return this;
  }

  Flows finallyStep(String name) {
    finallySteps.add(new StepDefinition(name, List.of(), 0, null, null, null, null, TEMPLATE));
    return this;
  }

  Flows generation(long g) {
    generation = g;
    return this;
  }

  Flows parallelism(Integer p) {
    parallelism = p;
    return this;
  }

  Flows continueIndependent() {
    policy = FailurePolicy.ContinueIndependent;
    return this;
  }

  Flows timeout(Duration t) {
    timeout = t;
    return this;
  }

  Flows suspend(boolean s) {
    suspend = s;
    return this;
  }

  Flows shutdown(ShutdownPolicy s) {
    shutdown = s;
    return this;
  }

  FlowDefinition build() {
    return new FlowDefinition(namespace, name, uid, generation, parallelism, policy, timeout, suspend, shutdown,
        Map.of("date", "2026-11-23"), steps, finallySteps);
  }
}
