package dev.jobflow.bench;

import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.Props;
import akka.actor.typed.javadsl.Behaviors;
import akka.persistence.testkit.PersistenceTestKitSnapshotPlugin;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.jobflow.api.FlowPhase;
import dev.jobflow.api.JobFlow;
import dev.jobflow.api.JobFlowYaml;
import dev.jobflow.controller.FlowInformer;
import dev.jobflow.controller.FlowReconciler;
import dev.jobflow.emulator.Emulator;
import dev.jobflow.emulator.EmulatorOptions;
import dev.jobflow.flow.EngineHealth;
import dev.jobflow.flow.EngineSettings;
import dev.jobflow.flow.FlowEntity;
import dev.jobflow.flow.FlowRouter;
import dev.jobflow.kube.ApiCall;
import dev.jobflow.kube.JobInformerHub;
import dev.jobflow.kube.KubeJobRuntime;
import dev.jobflow.status.EventRecorder;
import dev.jobflow.status.FlowReporter;
import dev.jobflow.status.StatusWriter;
import dev.jobflow.validation.JobFlowValidator;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.http.AsyncBody;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import io.fabric8.kubernetes.client.http.Interceptor;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The controller's Kubernetes API calls per step, with the status echo (every JobFlow update handed to the engine,
 * as before issue 13: each status write comes back, is validated again and makes the entity send its whole status
 * again) and without it (only new specs, deletions and resyncs reach the engine). Both runs use the production
 * pipeline (reconciler, router, entities, step actors, status writer, Event recorder, Job informer) against the
 * API-server emulator; only the JobFlow informer differs. Requests are counted as {@code jobflow_kube_requests_total}
 * counts them (verb and resource of each HTTP request, {@link ApiCall}).
 *
 * <p>{@code bin/bench StatusEchoBenchmark [flows=20] [steps=5] [stepDuration=200ms] [statusInterval=250ms]}
 */
public final class StatusEchoBenchmark {

  /** Counts every request of the controller's client by "verb resource". */
  static final class Counter implements Interceptor {
    final Map<String, AtomicLong> calls = new ConcurrentHashMap<>();

    @Override
    public void after(HttpRequest request, HttpResponse<?> response, AsyncBody.Consumer<List<ByteBuffer>> consumer) {
      String query = request.uri().getRawQuery();
      String path = request.uri().getRawPath() + (query == null ? "" : "?" + query);
      String key = ApiCall.parse(request.method(), path).map(c -> c.verb() + " " + c.resource()).orElse("discovery");
      calls.computeIfAbsent(key, k -> new AtomicLong()).incrementAndGet();
    }

    long total() {
      return calls.values().stream().mapToLong(AtomicLong::get).sum();
    }
  }

  public static void main(String[] args) throws Exception {
    int flows = args.length > 0 ? Integer.parseInt(args[0]) : 20;
    int steps = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    String stepDuration = args.length > 2 ? args[2] : "200ms";
    String statusInterval = args.length > 3 ? args[3] : "250ms";
    System.out.printf("%d flows x %d steps (a chain, each step a simulated Job of %s), status interval %s%n",
        flows, steps, stepDuration, statusInterval);
    Duration interval = dev.jobflow.api.GoDuration.parse(statusInterval);
    Map<String, Long> before = run(true, flows, steps, stepDuration, interval);
    Map<String, Long> after = run(false, flows, steps, stepDuration, interval);
    double allSteps = flows * (double) steps;
    System.out.printf("%-34s %10s %10s%n", "API calls (verb resource)", "before", "after");
    TreeMap<String, Long> keys = new TreeMap<>(before);
    after.forEach(keys::putIfAbsent);
    for (String key : keys.keySet()) {
      System.out.printf("%-34s %10d %10d%n", key, before.getOrDefault(key, 0L), after.getOrDefault(key, 0L));
    }
    long b = before.values().stream().mapToLong(Long::longValue).sum();
    long a = after.values().stream().mapToLong(Long::longValue).sum();
    System.out.printf("%-34s %10d %10d%n", "total", b, a);
    System.out.printf("%-34s %10.1f %10.1f   (saved %.1f per step, %.0f%%)%n", "per step", b / allSteps, a / allSteps,
        (b - a) / allSteps, 100.0 * (b - a) / b);
    System.exit(0);
  }

  /** One controller pipeline against a fresh emulator; returns its calls by "verb resource". */
  static Map<String, Long> run(boolean echo, int flows, int steps, String stepDuration, Duration statusInterval)
      throws Exception {
    Path dir = Files.createTempDirectory("status-echo");
    Config config = InMemoryJournal.config().withFallback(PersistenceTestKitSnapshotPlugin.config())
        .withFallback(ConfigFactory.parseString("akka.loglevel = WARNING"))
        .withFallback(dev.jobflow.cluster.ClusterSettings.clusterOfOne().akkaConfig()).withFallback(ConfigFactory.load());
    Counter counter = new Counter();
    ExecutorService io = Executors.newFixedThreadPool(8);
    ScheduledExecutorService timers = Executors.newScheduledThreadPool(2);
    try (Emulator emulator = Emulator.start(EmulatorOptions.defaults()
        .withExecutor(EmulatorOptions.ExecutorKind.SIMULATE).withDataDir(dir.resolve("emulator")))) {
      KubernetesClient client = new KubernetesClientBuilder().withConfig(emulator.config())
          .withHttpClientBuilderConsumer(h -> h.addOrReplaceInterceptor("count", counter)).build();
      ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "echo", config);
      dev.jobflow.cluster.ClusterNode.join(system, dev.jobflow.cluster.ClusterSettings.clusterOfOne());
      Clock clock = Clock.systemUTC();
      long resync = Duration.ofMinutes(5).toMillis();
      StatusWriter statusWriter = new StatusWriter(client, timers, statusInterval, StatusWriter.Observer.NONE);
      // The overall Event limit would make the count depend on how long a run takes: lifted, so each run writes
      // every Event (the per-flow limit is the production one).
      EventRecorder events = new EventRecorder(client, io, clock, new EventRecorder.Limits(
          EventRecorder.Limits.DEFAULT.perFlow(), new EventRecorder.Rate(1e6, 1e6)));
      JobInformerHub jobs = JobInformerHub.start(client, List.of(), resync, () -> {});
      FlowReporter reporter = new FlowReporter(statusWriter, events, 500, clock);
      var deps = new FlowEntity.Dependencies(EngineSettings.from(config),
          new KubeJobRuntime(client, jobs, io, clock), reporter, EngineHealth.NONE, clock);
      ActorRef<FlowRouter.Command> router = system.systemActorOf(FlowRouter.create(deps), "flows", Props.empty());
      FlowReconciler reconciler = new FlowReconciler(router, system.scheduler(), client, new JobFlowValidator(),
          reporter, io, new dev.jobflow.template.TemplateResolver(new dev.jobflow.template.ClusterTemplates(client)));
      jobs.synced().get(60, TimeUnit.SECONDS);
      AutoCloseable informer = echo ? everyUpdate(client, reconciler, resync)
          : FlowInformer.start(client, List.of(), resync, reconciler, () -> {});
      for (int f = 0; f < flows; f++) {
        emulator.client().resources(JobFlow.class).inNamespace("default").resource(flow("f" + f, steps, stepDuration))
            .create();
      }
      for (int f = 0; f < flows; f++) {
        emulator.client().resources(JobFlow.class).inNamespace("default").withName("f" + f).waitUntilCondition(
            j -> j != null && j.getStatus() != null && j.getStatus().getPhase() == FlowPhase.Succeeded,
            5, TimeUnit.MINUTES);
      }
      // Writes still coming (the last statuses and their echoes) count too: wait until a second passes without one.
      long seen = -1;
      while (seen != counter.total()) {
        seen = counter.total();
        Thread.sleep(Math.max(1000, 4 * statusInterval.toMillis()));
      }
      informer.close();
      jobs.close();
      system.terminate();
      system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
      client.close();
    } finally {
      io.shutdownNow();
      timers.shutdownNow();
    }
    Map<String, Long> out = new TreeMap<>();
    counter.calls.forEach((k, v) -> out.put(k, v.get()));
    return out;
  }

  /** The JobFlow informer as it was before issue 13: every add and update goes to the reconciler. */
  static AutoCloseable everyUpdate(KubernetesClient client, FlowInformer.Listener listener, long resyncMillis) {
    SharedIndexInformer<JobFlow> informer =
        client.resources(JobFlow.class).inAnyNamespace().runnableInformer(resyncMillis);
    informer.addEventHandler(new ResourceEventHandler<>() {
      @Override
      public void onAdd(JobFlow flow) {
        listener.onFlow(flow);
      }

      @Override
      public void onUpdate(JobFlow oldFlow, JobFlow newFlow) {
        listener.onFlow(newFlow);
      }

      @Override
      public void onDelete(JobFlow flow, boolean finalStateUnknown) {
        listener.onFlowGone(flow);
      }
    });
    informer.start().toCompletableFuture().join();
    return informer::close;
  }

  static JobFlow flow(String name, int steps, String duration) {
    StringBuilder yaml = new StringBuilder("apiVersion: jobflow.dev/v1alpha1\nkind: JobFlow\nmetadata: {name: " + name
        + ", namespace: default}\nspec:\n  steps:\n");
    for (int i = 0; i < steps; i++) {
      yaml.append("    - name: s").append(i).append('\n')
          .append("      dependsOn: [").append(i == 0 ? "" : "s" + (i - 1)).append("]\n")
          .append("      template:\n        template:\n          metadata:\n")
          .append("            annotations: {sim.jobflow.dev/duration: \"").append(duration)
          .append("\", sim.jobflow.dev/outcome: Succeeded}\n")
          .append("          spec:\n            restartPolicy: Never\n")
          .append("            containers: [{name: main, image: busybox}]\n");
    }
    try {
      return JobFlowYaml.read(yaml.toString());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
