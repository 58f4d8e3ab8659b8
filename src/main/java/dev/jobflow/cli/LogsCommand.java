package dev.jobflow.cli;

import dev.jobflow.api.JobFlow;
import dev.jobflow.client.FlowStates;
import dev.jobflow.kube.JobflowLabels;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code jobflow logs}: the pod logs of a flow's steps, each line prefixed by its step. Pods are found by
 * the {@code jobflow.dev/*} labels every Job's pod template carries (the flow's uid, step, attempt).
 */
@Command(name = "logs",
    header = "Print or follow the pod logs of a flow's steps.", mixinStandardHelpOptions = true,
    description = {"Prints the pod logs of each step's Job (the newest pod of the step's latest attempt, or of",
        "--attempt N), each line prefixed by its step. With -f, follows them as they are written, also the",
        "steps and retries that start later, until the flow ends.",
        "Exit status: 0 printed; 1 no such flow or step, or a log could not be read; 3 unreachable."},
    footerHeading = "%nExamples:%n",
    footer = {
        "  jobflow logs etl-diamond                   # every step that has run",
        "  jobflow logs etl-diamond transform -f      # one step as it runs, retries too",
        "  jobflow logs etl-diamond transform --attempt 1",
        "  jobflow logs nightly -n data -f --no-prefix"})
final class LogsCommand extends ClusterCommand {
  @Parameters(index = "0", paramLabel = "NAME", description = "The flow.")
  String name;

  @Parameters(index = "1", arity = "0..1", paramLabel = "STEP", description = "Only this step (default: every step).")
  String step;

  @Option(names = {"-f", "--follow"}, description = "Keep printing as the steps write, until the flow has ended.")
  boolean follow;

  @Option(names = "--attempt", paramLabel = "N", description = "This attempt of each step (1 is the first run), not the latest.")
  Integer attempt;

  @Option(names = "--prefix", negatable = true, defaultValue = "true", fallbackValue = "true",
      description = "Prefix each line with its step (default; --no-prefix: the bare lines).")
  boolean prefix;

  @Override
  int run() throws Exception {
    if (attempt != null && attempt < 1) {
      throw new CommandFailure(ExitCodes.ERROR, "--attempt counts from 1, not " + attempt);
    }
    String namespace = cluster.namespace();
    JobFlow flow = FlowLookup.require(client(), namespace, name);
    List<StepRow> rows = selected(flow);
    LogPrinter printer = new LogPrinter(out(), err(), prefix, rows.stream().mapToInt(r -> r.name().length()).max().orElse(0));
    return follow ? follow(flow, rows, printer) : printOnce(flow, rows, printer);
  }

  private List<StepRow> selected(JobFlow flow) {
    List<StepRow> rows = StepRow.of(flow);
    if (step == null) {
      return rows;
    }
    List<StepRow> match = rows.stream().filter(r -> r.name().equals(step)).toList();
    if (match.isEmpty()) {
      throw new CommandFailure(ExitCodes.INVALID, "JobFlow " + FlowStates.ref(flow) + " has no step '" + step
          + "' (its steps: " + rows.stream().map(StepRow::name).collect(Collectors.joining(", ")) + ")");
    }
    return match;
  }

  private int printOnce(JobFlow flow, List<StepRow> rows, LogPrinter printer) {
    Map<String, List<Pod>> pods = podsByAttempt(flow);
    int exit = ExitCodes.OK;
    for (StepRow row : rows) {
      int attempts = attempts(row, pods);
      int n = attempt != null ? attempt : attempts;
      if (n == 0 || n > attempts) {
        if (step != null) {
          if (attempt != null && attempts > 0) {
            throw new CommandFailure(ExitCodes.INVALID, "step " + row.name() + " of " + FlowStates.ref(flow) + " has had "
                + attempts + (attempts == 1 ? " attempt" : " attempts") + ": there is no attempt " + n);
          }
          note("step " + row.name() + " of " + FlowStates.ref(flow) + " has not started yet (" + row.phase() + ")");
        }
        continue;
      }
      List<Pod> ofAttempt = pods.getOrDefault(key(row.name(), n), List.of());
      if (ofAttempt.isEmpty()) {
        note("step " + row.name() + ", attempt " + n + ": no pod (yet, or any more)");
        continue;
      }
      Pod newest = ofAttempt.get(ofAttempt.size() - 1);
      try {
        String log = client().pods().inNamespace(flow.getMetadata().getNamespace()).withName(newest.getMetadata().getName()).getLog();
        printer.all(row.name(), log == null ? "" : log);
      } catch (KubernetesClientException e) {
        if (e.getCode() == 0 || e.getCode() >= 500) {
          throw e;
        }
        err().println("jobflow: step " + row.name() + " (pod " + newest.getMetadata().getName() + "): " + said(e));
        exit = ExitCodes.INVALID;
      }
    }
    err().flush();
    return exit;
  }

  /**
   * How many attempts the step has had: as its status says, or, where the status of a large flow does not
   * list it (it succeeded), as its pods say.
   */
  private static int attempts(StepRow row, Map<String, List<Pod>> pods) {
    if (row.attempts() > 0) {
      return row.attempts();
    }
    String prefix = row.name() + "#";
    return pods.keySet().stream().filter(k -> k.startsWith(prefix))
        .mapToInt(k -> Integer.parseInt(k.substring(prefix.length()))).max().orElse(0);
  }

  /**
   * Follows every pod of the selected steps from the current attempt on (or of --attempt N): a thread per
   * pod being read, so threads are as many as pods running, whatever the size of the flow.
   */
  private int follow(JobFlow flow, List<StepRow> rows, LogPrinter printer) throws Exception {
    Map<String, Integer> fromAttempt = new HashMap<>();
    rows.forEach(r -> fromAttempt.put(r.name(), attempt != null ? attempt : Math.max(1, r.attempts())));
    java.util.Set<String> following = new LinkedHashSet<>();
    List<Future<?>> readers = new ArrayList<>();
    AtomicBoolean failed = new AtomicBoolean();
    ExecutorService pool = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "jobflow-logs");
      t.setDaemon(true);
      return t;
    });
    String namespace = flow.getMetadata().getNamespace();
    boolean firstSweep = true;
    try (FlowWatch watch = new FlowWatch(client(), List.of(flow), cluster.requestTimeout().multipliedBy(2))) {
      while (true) {
        boolean ended = FlowOutcome.of(watch.current().get(0)).isFinal();
        for (List<Pod> ofAttempt : podsByAttempt(flow).values()) {
          // At the start, only the newest pod of an attempt: the older ones were retried already.
          List<Pod> candidates = firstSweep ? List.of(ofAttempt.get(ofAttempt.size() - 1)) : ofAttempt;
          for (Pod pod : candidates) {
            Map<String, String> labels = pod.getMetadata().getLabels();
            String podStep = labels.get(JobflowLabels.STEP);
            int podAttempt = Integer.parseInt(labels.getOrDefault(JobflowLabels.ATTEMPT, "0"));
            boolean wanted = fromAttempt.containsKey(podStep)
                && (attempt != null ? podAttempt == attempt : podAttempt >= fromAttempt.get(podStep));
            if (wanted && following.add(pod.getMetadata().getUid())) {
              PodLogReader reader = new PodLogReader(client(), namespace, pod.getMetadata().getName(),
                  line -> printer.line(podStep, line));
              readers.add(pool.submit(() -> {
                try {
                  reader.follow();
                } catch (RuntimeException e) {
                  failed.set(true);
                  printer.error("step " + podStep + " (pod " + pod.getMetadata().getName() + "): " + e.getMessage());
                }
                return null;
              }));
            }
          }
        }
        firstSweep = false;
        if (ended) {
          // Every pod of the flow was created before it ended, so this sweep saw them all: drain them.
          for (Future<?> reader : readers) {
            reader.get();
          }
          break;
        }
        watch.awaitChange(java.time.Duration.ofSeconds(1));
      }
    } finally {
      pool.shutdownNow();
    }
    return failed.get() ? ExitCodes.INVALID : ExitCodes.OK;
  }

  /** The flow's pods (of STEP, of --attempt), grouped by step and attempt, oldest first. */
  private Map<String, List<Pod>> podsByAttempt(JobFlow flow) {
    var pods = client().pods().inNamespace(flow.getMetadata().getNamespace())
        .withLabel(JobflowLabels.FLOW_UID, flow.getMetadata().getUid());
    if (step != null) {
      pods = pods.withLabel(JobflowLabels.STEP, step);
    }
    if (attempt != null) {
      pods = pods.withLabel(JobflowLabels.ATTEMPT, String.valueOf(attempt));
    }
    Map<String, List<Pod>> byAttempt = new HashMap<>();
    pods.list().getItems().stream()
        .sorted(Comparator.comparing((Pod p) -> String.valueOf(p.getMetadata().getCreationTimestamp()))
            .thenComparing(p -> p.getMetadata().getName()))
        .forEach(p -> byAttempt.computeIfAbsent(key(p.getMetadata().getLabels().get(JobflowLabels.STEP),
            Integer.parseInt(p.getMetadata().getLabels().getOrDefault(JobflowLabels.ATTEMPT, "0"))),
            k -> new ArrayList<>()).add(p));
    return byAttempt;
  }

  private static String key(String step, int attempt) {
    return step + "#" + attempt;
  }

  private void note(String text) {
    PrintWriter err = err();
    err.println("jobflow: " + text);
    err.flush();
  }

  static String said(KubernetesClientException e) {
    return e.getStatus() != null && e.getStatus().getMessage() != null ? e.getStatus().getMessage() : e.getMessage();
  }
}
