package dev.jobflow.controller;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jobflow.api.FlowPhase;
import dev.jobflow.api.JobFlow;
import dev.jobflow.api.JobFlowYaml;
import dev.jobflow.emulator.Emulator;
import dev.jobflow.emulator.EmulatorOptions;
import dev.jobflow.journal.PostgresTestDatabase;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * The chaos soak: N flows on the simulate executor, the controller (the built jar, journal on PostgreSQL) killed
 * with {@code kill -9} at random moments and started again each time. At the end it checks that every flow ended
 * as its spec implies, that each Job was created exactly once, that each flow's journal events come in a valid order
 * and that {@code jobflow audit --verify --all} finds every hash chain intact, and prints flows, kills, duplicates,
 * lost steps and time. {@code bin/chaos --flows 1000 --steps 4 --kills 100}; {@code ChaosIT} runs a short form.
 */
public final class ChaosSoak {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** What a run is asked to do. */
  public record Plan(int flows, int steps, int kills, long seed, long maxMillis) {}

  /** What a run found; {@link #problems} is empty when everything held. */
  public record Report(int flows, int kills, int duplicates, int lostSteps, int wrongResults, int badOrders,
                       boolean chainsIntact, long millis, List<String> problems) {
    public String summary() {
      return String.format("chaos: flows %d, kills %d, duplicate Jobs %d, lost steps %d, wrong results %d,"
              + " bad event orders %d, hash chains %s, %.1f s", flows, kills, duplicates, lostSteps, wrongResults,
          badOrders, chainsIntact ? "intact" : "BROKEN", millis / 1000.0);
    }
  }

  private ChaosSoak() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> a = new HashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      a.put(args[i].replaceFirst("^--", ""), args[i + 1]);
    }
    Plan plan = new Plan(Integer.parseInt(a.getOrDefault("flows", "100")), Integer.parseInt(a.getOrDefault("steps", "3")),
        Integer.parseInt(a.getOrDefault("kills", "10")), Long.parseLong(a.getOrDefault("seed", "1")),
        Long.parseLong(a.getOrDefault("duration", "600")) * 1000);
    Path dir = Files.createTempDirectory(Path.of("target"), "chaos-");
    Report report = run(plan, dir);
    System.out.println(report.summary());
    report.problems().stream().limit(20).forEach(p -> System.out.println("  " + p));
    System.exit(report.problems().isEmpty() ? 0 : 1);
  }

  /** Runs the soak in {@code dir} (logs, emulator data); PostgreSQL must be reachable. */
  public static Report run(Plan plan, Path dir) throws Exception {
    Random random = new Random(plan.seed());
    long started = System.nanoTime();
    List<String> problems = new ArrayList<>();
    Map<String, FlowPhase> expected = new LinkedHashMap<>();
    try (PostgresTestDatabase db = PostgresTestDatabase.create();
         Emulator emulator = Emulator.start(EmulatorOptions.defaults()
             .withExecutor(EmulatorOptions.ExecutorKind.SIMULATE).withDataDir(dir.resolve("emulator")))) {
      KubernetesClient client = emulator.client();
      Path kubeconfig = emulator.writeKubeconfig(dir.resolve("kubeconfig"));
      JobCreations created = new JobCreations(client);
      String[] journal = {"--journal-url", db.url(), "--journal-user", PostgresTestDatabase.USER};
      Process controller = startController(dir, kubeconfig, journal, 0);
      int kills = 0;
      try {
        for (int i = 0; i < plan.flows(); i++) {
          String name = "chaos-" + i;
          boolean fails = random.nextInt(10) == 0; // one in ten ends Failed: its last step fails on every attempt
          expected.put(name, fails ? FlowPhase.Failed : FlowPhase.Succeeded);
          client.resources(JobFlow.class).inNamespace("default")
              .resource(JobFlowYaml.read(flowYaml(name, plan.steps(), fails, random))).create();
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(plan.maxMillis());
        while (kills < plan.kills() && System.nanoTime() < deadline && unfinished(client, expected.keySet()) > 0) {
          Thread.sleep(1000 + random.nextInt(4000));
          controller.destroyForcibly(); // SIGKILL: no shutdown hook, no flush
          controller.waitFor(30, TimeUnit.SECONDS);
          kills++;
          controller = startController(dir, kubeconfig, journal, kills);
        }
        while (System.nanoTime() < deadline && unfinished(client, expected.keySet()) > 0) {
          Thread.sleep(500);
        }
      } finally {
        controller.destroy();
        controller.waitFor(60, TimeUnit.SECONDS);
        controller.destroyForcibly();
        created.close();
      }

      int wrong = 0;
      int lost = 0;
      for (Map.Entry<String, FlowPhase> e : expected.entrySet()) {
        JobFlow f = client.resources(JobFlow.class).inNamespace("default").withName(e.getKey()).get();
        FlowPhase phase = f == null || f.getStatus() == null ? null : f.getStatus().getPhase();
        if (phase != e.getValue()) {
          wrong++;
          problems.add(e.getKey() + ": " + phase + ", expected " + e.getValue());
        }
        if (f != null && f.getStatus() != null && f.getStatus().getSteps() != null) {
          lost += (int) f.getStatus().getSteps().values().stream()
              .filter(s -> s.getPhase() == null || !s.getPhase().isFinished()).count();
        }
      }
      int duplicates = 0;
      for (Map.Entry<String, Integer> c : created.all().entrySet()) {
        if (c.getValue() != 1) {
          duplicates++;
          problems.add("Job " + c.getKey() + " created " + c.getValue() + " times");
        }
      }
      int badOrders = checkEventOrder(journal, problems);
      AuditCli verify = AuditCli.runRaw(concat(journal, "audit", "--verify", "--all"));
      if (verify.exit() != 0) {
        problems.add("audit --verify --all: exit " + verify.exit() + ": " + verify.out() + verify.err());
      }
      if (lost > 0) {
        problems.add(lost + " steps not finished");
      }
      return new Report(plan.flows(), kills, duplicates, lost, wrong, badOrders, verify.exit() == 0,
          (System.nanoTime() - started) / 1_000_000, problems);
    }
  }

  /** A chain of steps; some fail once and are retried; a failing flow's last step fails on every attempt. */
  static String flowYaml(String name, int steps, boolean fails, Random random) {
    StringBuilder y = new StringBuilder("apiVersion: jobflow.dev/v1alpha1\nkind: JobFlow\nmetadata: {name: " + name
        + ", namespace: default}\nspec:\n  steps:\n");
    for (int s = 0; s < steps; s++) {
      boolean last = s == steps - 1;
      String outcome = last && fails ? "Failed,Failed" : random.nextInt(4) == 0 ? "Failed,Succeeded" : "Succeeded";
      y.append("    - name: s").append(s).append('\n');
      if (s > 0) {
        y.append("      dependsOn: [s").append(s - 1).append("]\n");
      }
      y.append("      retries: {limit: 1, backoff: {duration: 200ms}}\n")
          .append("      template: {template: {metadata: {annotations: {sim.jobflow.dev/duration: ")
          .append(200 + random.nextInt(800)).append("ms, sim.jobflow.dev/outcome: \"").append(outcome)
          .append("\"}}, spec: {restartPolicy: Never, containers: [{name: main, image: busybox}]}}}\n");
    }
    return y.toString();
  }

  static long unfinished(KubernetesClient client, java.util.Set<String> names) {
    Map<String, FlowPhase> phases = new HashMap<>();
    client.resources(JobFlow.class).inNamespace("default").list().getItems().forEach(f -> phases.put(
        f.getMetadata().getName(), f.getStatus() == null ? null : f.getStatus().getPhase()));
    return names.stream().filter(n -> phases.get(n) == null || !phases.get(n).isFinished()).count();
  }

  /**
   * Per flow: FlowAccepted first, one terminal flow event last, and for each attempt StepAttemptStarted before its
   * StepJobCreated and before its end (StepSucceeded, StepFailed, StepRetryScheduled, StepCancelled).
   */
  static int checkEventOrder(String[] journal, List<String> problems) throws Exception {
    AuditCli all = AuditCli.runRaw(concat(journal, "audit", "--all", "-o", "jsonl"));
    if (all.exit() != 0) {
      problems.add("audit --all: exit " + all.exit() + ": " + all.err());
      return 1;
    }
    Map<String, List<JsonNode>> byFlow = new LinkedHashMap<>();
    for (String line : all.out().lines().filter(l -> !l.isBlank()).toList()) {
      JsonNode e = JSON.readTree(line);
      byFlow.computeIfAbsent(e.path("uid").asText(e.path("flow").asText()), k -> new ArrayList<>()).add(e);
    }
    int bad = 0;
    byFlow.values().forEach(l -> l.sort(java.util.Comparator.comparingLong(e -> e.path("sequenceNr").asLong())));
    for (Map.Entry<String, List<JsonNode>> f : byFlow.entrySet()) {
      String why = orderProblem(f.getValue());
      if (why != null) {
        bad++;
        problems.add("flow " + f.getKey() + ": " + why);
      }
    }
    return bad;
  }

  static String orderProblem(List<JsonNode> events) {
    if (events.isEmpty() || !events.get(0).path("type").asText().equals("FlowAccepted")) {
      return "does not start with FlowAccepted";
    }
    java.util.Set<String> started = new java.util.HashSet<>();
    int terminal = -1;
    for (int i = 0; i < events.size(); i++) {
      JsonNode e = events.get(i);
      String type = e.path("type").asText();
      if (terminal >= 0 && !type.equals("FlowDeleted")) {
        return type + " after the flow ended";
      }
      String attempt = e.path("step").asText() + "#" + e.path("attempt").asText();
      switch (type) {
        case "FlowSucceeded", "FlowFailed", "FlowCancelled" -> terminal = i;
        case "StepAttemptStarted" -> {
          if (!started.add(attempt)) {
            return "attempt " + attempt + " started twice";
          }
        }
        case "StepJobCreated", "StepSucceeded" -> {
          if (!started.contains(attempt)) {
            return type + " of " + attempt + " before it started";
          }
        }
        default -> { }
      }
    }
    return terminal < 0 ? "no end" : null;
  }

  static Process startController(Path dir, Path kubeconfig, String[] journal, int generation) throws Exception {
    String jar = System.getProperty("jobflow.jar", "target/jobflow.jar");
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        // C1 and the serial collector: far less CPU while the restarted JVM starts on a loaded machine.
        "-Xmx384m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-jar", jar, "controller",
        "--kubeconfig", kubeconfig.toString(), "--no-webhook", "--http-port", "0", "--metrics-port", "0"));
    command.addAll(List.of(journal));
    File log = dir.resolve("controller-" + generation + ".log").toFile();
    return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log).start();
  }

  static String[] concat(String[] journal, String... args) {
    String[] all = new String[args.length + journal.length];
    System.arraycopy(args, 0, all, 0, args.length);
    System.arraycopy(journal, 0, all, args.length, journal.length);
    return all;
  }
}
