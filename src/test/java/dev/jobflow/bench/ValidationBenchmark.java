package dev.jobflow.bench;

import dev.jobflow.api.Backoff;
import dev.jobflow.api.JobFlow;
import dev.jobflow.api.JobFlowSpec;
import dev.jobflow.api.Parameter;
import dev.jobflow.api.RetryPolicy;
import dev.jobflow.api.Step;
import dev.jobflow.validation.JobFlowValidator;
import dev.jobflow.validation.Problem;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobSpec;
import io.fabric8.kubernetes.api.model.batch.v1.JobSpecBuilder;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Warm validation time of a layered DAG (default 10,000 steps: 100 layers of 100, each step depending on
 * three steps of the layer before). Target: median under 50 ms. In the same run, the same flow with a {@code when}
 * on every step (reading an output of its first upstream step and a parameter): once with texts never seen before
 * in each run (every condition parsed, type-checked and analysed: a new flow), once validating the same flow again
 * (the webhook's flow validated again by the controller: compilations cached by text).
 * Usage: {@code bin/bench ValidationBenchmark [STEPS] [LAYER_WIDTH] [RUNS]}.
 */
public final class ValidationBenchmark {

  public static void main(String[] args) {
    int steps = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
    int width = args.length > 1 ? Integer.parseInt(args[1]) : 100;
    int runs = args.length > 2 ? Integer.parseInt(args[2]) : 50;
    JobFlow flow = layeredFlow(steps, width);
    JobFlowValidator validator = new JobFlowValidator();
    long warmUntil = System.nanoTime() + 5_000_000_000L;
    int warmups = 0;
    while (System.nanoTime() < warmUntil || warmups < 20) {
      validator.validate(flow);
      validator.validate(withConditions(layeredFlow(steps, width), "w" + warmups));
      warmups++;
    }
    System.out.printf("validate: %,d steps in layers of %d, %d warm-up runs, %d measured runs each%n", steps, width,
        warmups, runs);
    measure("no conditions (baseline)", validator, runs, i -> flow);
    JobFlow conditional = withConditions(layeredFlow(steps, width), "same");
    measure("a when on every step, new texts each run", validator, runs,
        i -> withConditions(layeredFlow(steps, width), "run" + i));
    measure("a when on every step, the same flow again", validator, runs, i -> conditional);
    System.out.printf("  load average while measuring: %.1f on %d cores%n",
        ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(), Runtime.getRuntime().availableProcessors());
  }

  /** Median and p99 of validating the flow each run gives (built before the clock starts). */
  private static void measure(String name, JobFlowValidator validator, int runs,
                              java.util.function.IntFunction<JobFlow> flows) {
    List<Problem> problems = validator.validate(flows.apply(-1));
    if (!problems.isEmpty()) {
      throw new IllegalStateException(name + ": the benchmark flow should be valid: "
          + problems.subList(0, Math.min(5, problems.size())));
    }
    // CPU time beside wall time: on a shared machine the wall clock also counts time spent waiting for a core.
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    long[] nanos = new long[runs];
    long[] cpu = new long[runs];
    for (int i = 0; i < runs; i++) {
      JobFlow flow = flows.apply(i);
      long cpuStart = threads.getCurrentThreadCpuTime();
      long start = System.nanoTime();
      validator.validate(flow);
      nanos[i] = System.nanoTime() - start;
      cpu[i] = threads.getCurrentThreadCpuTime() - cpuStart;
    }
    Arrays.sort(nanos);
    Arrays.sort(cpu);
    System.out.printf("  %s: median %.1f ms, p99 %.1f ms, min %.1f ms (target: under 50 ms warm); cpu median %.1f ms%n",
        name, ms(nanos[runs / 2]), ms(nanos[p99(runs)]), ms(nanos[0]), ms(cpu[runs / 2]));
  }

  /**
   * Gives every step a {@code when} reading an output of its first upstream step and a parameter; {@code tag} makes
   * the texts unlike those of another call.
   */
  static JobFlow withConditions(JobFlow flow, String tag) {
    for (Step step : flow.getSpec().getSteps()) {
      String upstream = step.getDependsOn().isEmpty() ? null : step.getDependsOn().get(0);
      step.setWhen((upstream == null ? "" : "steps." + upstream + ".outputs.rows != '0' && ")
          + "params.date != '" + tag + "'");
    }
    return flow;
  }

  private static int p99(int runs) {
    return Math.min(runs - 1, (int) Math.ceil(runs * 0.99) - 1);
  }

  private static double ms(long nanos) {
    return nanos / 1e6;
  }

  /** A valid flow shaped as layers: every step of layer n depends on three steps of layer n-1. */
  static JobFlow layeredFlow(int steps, int width) {
    List<Step> list = new ArrayList<>(steps);
    for (int i = 0; i < steps; i++) {
      int layer = i / width;
      List<String> deps = new ArrayList<>();
      if (layer > 0) {
        int prev = (layer - 1) * width;
        for (int k = 0; k < 3; k++) {
          deps.add("s" + (prev + (i + k) % width));
        }
      }
      Step step = new Step("s" + i, deps, template(i));
      if (i % 10 == 0) {
        step.setRetries(new RetryPolicy(3, new Backoff("10s", 2.0, "5m")));
        step.setTimeout("30m");
      }
      list.add(step);
    }
    JobFlowSpec spec = new JobFlowSpec();
    spec.setParallelism(50);
    spec.setTimeout("6h");
    spec.setParameters(List.of(new Parameter("date", "2026-11-23"), new Parameter("bucket", "s3://data")));
    spec.setSteps(list);
    spec.setFinallySteps(List.of(new Step("notify", List.of(), template(-1))));
    JobFlow flow = new JobFlow();
    flow.setMetadata(new ObjectMetaBuilder().withName("bench").withNamespace("default").build());
    flow.setSpec(spec);
    return flow;
  }

  private static JobSpec template(int i) {
    return new JobSpecBuilder()
        .withBackoffLimit(0)
        .withNewTemplate()
          .withNewMetadata().addToLabels("app", "bench").endMetadata()
          .withNewSpec()
            .withRestartPolicy("Never")
            .addNewContainer()
              .withName("main")
              .withImage("busybox:1.36")
              .withCommand("sh", "-c", "echo step " + i + " for {{params.date}} > out.txt && cat out.txt")
              .addNewEnv().withName("BUCKET").withValue("{{params.bucket}}").endEnv()
            .endContainer()
          .endSpec()
        .endTemplate()
        .build();
  }
}
