package dev.jobflow.controller;

import static akka.http.javadsl.server.Directives.concat;

import akka.Done;
import akka.actor.CoordinatedShutdown;
import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.Props;
import akka.actor.typed.javadsl.AskPattern;
import akka.actor.typed.javadsl.Behaviors;
import akka.http.javadsl.server.Route;
import dev.jobflow.admission.AdmissionMetrics;
import dev.jobflow.admission.AdmissionServer;
import dev.jobflow.api.FlowPhase;
import dev.jobflow.api.JobFlow;
import dev.jobflow.cluster.ClusterNode;
import dev.jobflow.cluster.ClusterSettings;
import dev.jobflow.flow.EngineSettings;
import dev.jobflow.flow.FlowEntity;
import dev.jobflow.flow.FlowListener;
import dev.jobflow.kube.SemaphoreInformer;
import dev.jobflow.lock.LockEntity;
import dev.jobflow.metrics.LockMetrics;
import dev.jobflow.lock.LockRouter;
import dev.jobflow.flow.FlowRouter;
import dev.jobflow.audit.FlowHistory;
import dev.jobflow.http.ApiAuthorizer;
import dev.jobflow.http.AuditRoutes;
import dev.jobflow.http.HealthRoutes;
import dev.jobflow.http.HttpFront;
import dev.jobflow.journal.JournalDialect;
import dev.jobflow.journal.EmbeddedJournalCompaction;
import dev.jobflow.journal.JournalHealth;
import dev.jobflow.journal.JournalServer;
import dev.jobflow.journal.JournalSettings;
import dev.jobflow.kube.JobInformerHub;
import dev.jobflow.notify.Notifier;
import dev.jobflow.notify.NotifyOffsets;
import dev.jobflow.notify.SinkClient;
import dev.jobflow.kube.KubeJobRuntime;
import dev.jobflow.metrics.FlowCensus;
import dev.jobflow.metrics.FlowMetrics;
import dev.jobflow.metrics.JobflowMetrics;
import dev.jobflow.metrics.KubeApiMetrics;
import dev.jobflow.metrics.MetricsServer;
import dev.jobflow.status.EventRecorder;
import dev.jobflow.status.FlowReporter;
import dev.jobflow.status.StatusWriter;
import dev.jobflow.kube.KubeScheduleRuntime;
import dev.jobflow.kube.ScheduleInformer;
import dev.jobflow.schedule.ScheduleClock;
import dev.jobflow.schedule.ScheduleEntity;
import dev.jobflow.schedule.ScheduleRouter;
import dev.jobflow.kube.KubeTriggerRuntime;
import dev.jobflow.kube.SecretTokenSource;
import dev.jobflow.kube.TriggerInformer;
import dev.jobflow.trigger.TriggerEntity;
import dev.jobflow.trigger.TriggerRouter;
import dev.jobflow.trigger.TriggerRoutes;
import dev.jobflow.trigger.TriggerServer;
import dev.jobflow.template.ClusterTemplates;
import dev.jobflow.template.TemplateResolver;
import dev.jobflow.ui.LiveFlows;
import dev.jobflow.ui.UiRoutes;
import dev.jobflow.validation.JobFlowValidator;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Deque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The controller process: the JobFlow and Job informers, one event-sourced entity per flow (and per CronJobFlow and
 * JobFlowTrigger), the status
 * writer and Event recorder, the HTTP front (health, readiness, the audit API, the web view under {@code /ui/}), the embedded admission webhooks and
 * {@code /metrics}, and the JobFlowTrigger endpoint on its own HTTPS port when configured. Shut down through CoordinatedShutdown (SIGTERM): stop taking work, flush statuses,
 * then the actor system closes the journal. On the cluster's leader, the notifier sends the flows' CloudEvents from
 * the journal.
 */
public final class Controller implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Controller.class);

  private final ActorSystem<Void> system;
  private final KubernetesClient client;
  private final HttpFront http;
  private final AdmissionServer webhook;
  private final TriggerServer triggers;
  private final MetricsServer metricsServer;
  /** Completes once the actor system has terminated and everything it used is closed, the journal's file last. */
  private final CompletableFuture<Done> released;

  private Controller(ActorSystem<Void> system, KubernetesClient client, HttpFront http, AdmissionServer webhook,
      TriggerServer triggers, MetricsServer metricsServer, CompletableFuture<Done> released) {
    this.system = system;
    this.released = released;
    this.client = client;
    this.http = http;
    this.webhook = webhook;
    this.triggers = triggers;
    this.metricsServer = metricsServer;
  }

  /** Starts everything and returns once the HTTP front listens; readiness follows when informers sync. */
  public static Controller start(ControllerSettings settings, com.typesafe.config.Config baseConfig) throws Exception {
    ClusterSettings clusterSettings = ClusterSettings.fromConfig(baseConfig);
    refuseEmbeddedJournalForSeveral(clusterSettings, settings.journal());
    com.typesafe.config.Config config = clusterSettings.akkaConfig()
        .withFallback(settings.journal().prepare()).withFallback(baseConfig);
    JobflowMetrics metrics = JobflowMetrics.fromConfig(config);
    MetricsServer metricsServer = settings.metricsEnabled() ? MetricsServer.start(config) : null;
    metrics.registerKnownSeries();

    KubernetesClientBuilder builder = new KubernetesClientBuilder();
    if (settings.cluster().kube() != null) {
      builder.withConfig(settings.cluster().kube());
    }
    KubernetesClient client = KubeApiMetrics.install(builder, metrics).build();
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), ClusterSettings.SYSTEM_NAME, config);
    ClusterNode.join(system, clusterSettings);
    // Closed in the reverse order of registration once the actor system (and with it the journal's pool) is down. A
    // caller of close() or whenTerminated() waits for them all: the compaction's connection holds the H2 file open,
    // and a test that deletes or restores the file right after close() must not race it.
    Deque<Runnable> afterTermination = new ConcurrentLinkedDeque<>();
    CompletableFuture<Done> released = system.getWhenTerminated().toCompletableFuture().thenApply(done -> {
      afterTermination.forEach(release -> safely("releasing after termination", release));
      return done;
    });
    long openingNanos = System.nanoTime();
    JournalServer journalServer = JournalServer.start(settings.journal());
    if (journalServer != null) {
      afterTermination.push(journalServer::close);
    }
    EmbeddedJournalCompaction compaction = EmbeddedJournalCompaction.start(settings.journal());
    if (compaction != null) {
      afterTermination.push(compaction::close);
      // Start-up's phases are logged with their times: what a slow restart spent its time on.
      log.info("embedded journal file opened in {} ms", millisSince(openingNanos));
    }
    Clock clock = Clock.systemUTC();
    ExecutorService io = Executors.newFixedThreadPool(8, daemon("jobflow-kube-io"));
    ScheduledExecutorService timers = Executors.newScheduledThreadPool(2, daemon("jobflow-controller"));

    StatusWriter statusWriter = new StatusWriter(client, timers, settings.status().interval(), new StatusWriter.Observer() {
      public void written() { metrics.statusWritten(); }
      public void conflicted() { metrics.statusWriteConflicted(); }
      public void failed(int code) { metrics.kubeApiError("patch", "jobflows/status", code); }
    });
    EventRecorder events = new EventRecorder(client, io, clock, EventRecorder.Limits.DEFAULT);
    long listingNanos = System.nanoTime();
    JobInformerHub jobHub = JobInformerHub.start(client, settings.cluster().namespaces(),
        settings.periods().resync().toMillis(), () -> metrics.informerRelisted("jobs"), settings.periods().quietWatch());
    KubeJobRuntime runtime = new KubeJobRuntime(client, jobHub, io, clock);

    FlowReporter reporter = new FlowReporter(statusWriter, events, settings.status().fullListLimit(), clock);
    FlowMetrics flowMetrics = new FlowMetrics(metrics);
    // The web view's live state hears what the status writer hears, after it.
    LiveFlows live = new LiveFlows();
    Redelivery redelivery = new Redelivery(io);
    EngineSettings engine = EngineSettings.from(config);
    // One validator for the reconciler, schedules and the embedded webhook: the cap the engine records is the one
    // admission applies.
    JobFlowValidator validator = new JobFlowValidator(engine.fanOut());
    // Flows and locks tell each other through the bridge, connected to each router once that exists.
    LockBridge locks = new LockBridge(QueueLimits.fromConfig(config));
    var lockDeps = new LockEntity.Dependencies(engine.instanceId(), locks, new LockMetrics(metrics), clock,
        config.hasPath("jobflow.locks.confirm-holders-every") ? config.getDuration("jobflow.locks.confirm-holders-every")
            : Duration.ofSeconds(30));
    locks.connectLocks(system.systemActorOf(LockRouter.create(lockDeps), "locks", Props.empty()));
    var deps = new FlowEntity.Dependencies(engine, runtime,
        FlowListener.all(reporter, flowMetrics, live, redelivery), flowMetrics, clock, locks);
    ActorRef<FlowRouter.Command> router = system.systemActorOf(FlowRouter.create(deps), "flows", Props.empty());
    locks.connectFlows(router);
    FlowReconciler reconciler = new FlowReconciler(router, system.scheduler(), client, validator,
        reporter, io, new TemplateResolver(new ClusterTemplates(client)));

    ScheduleClock scheduleClock = settings.scheduleClockSpeed() == 1.0 ? ScheduleClock.of(clock)
        : ScheduleClock.scaled(clock, settings.scheduleClockSpeed());
    var scheduleDeps = new ScheduleEntity.Dependencies(deps.settings().instanceId(), new KubeScheduleRuntime(client, io),
        redelivery.schedulesAround(new SchedulePublisher(client, io, events, metrics, clock)), scheduleClock,
        Duration.ofSeconds(5));
    ActorRef<ScheduleRouter.Command> scheduleRouter = system.systemActorOf(ScheduleRouter.create(scheduleDeps),
        "schedules", Props.empty());
    ScheduleReconciler schedules = new ScheduleReconciler(scheduleRouter, validator, events);

    TriggerPublisher triggerPublisher = new TriggerPublisher(client, io, events, metrics, clock);
    var triggerDeps = new TriggerEntity.Dependencies(deps.settings().instanceId(), new KubeTriggerRuntime(client, io),
        redelivery.triggersAround(triggerPublisher), clock, Duration.ofSeconds(5));
    ActorRef<TriggerRouter.Command> triggerRouter = system.systemActorOf(TriggerRouter.create(triggerDeps),
        "triggers", Props.empty());
    TriggerReconciler triggers = new TriggerReconciler(triggerRouter, events);

    // The semaphore sizes must be known first, so that the first lock requests carry them. The Job informer need not:
    // flows recover from the journal while it lists (a large flow's replay takes as long as a large cluster's list),
    // and the runtime answers their creates and listings once it has (KubeJobRuntime), which is how a flow in flight
    // finds and adopts its Jobs.
    SemaphoreInformer semaphoreInformer = SemaphoreInformer.start(client, settings.cluster().namespaces(),
        settings.periods().resync().toMillis(), locks, () -> metrics.informerRelisted("configmaps"));
    awaitSynced(semaphoreInformer::hasSynced, Duration.ofSeconds(60), "the jobflow-semaphores ConfigMap informer");
    FlowInformer flowInformer = FlowInformer.start(client, settings.cluster().namespaces(), settings.periods().resync().toMillis(),
        reconciler, () -> metrics.informerRelisted("jobflows"));
    ScheduleInformer scheduleInformer = ScheduleInformer.start(client, settings.cluster().namespaces(),
        settings.periods().resync().toMillis(), schedules, () -> metrics.informerRelisted("cronjobflows"));
    redelivery.connect(flowInformer, reconciler, scheduleInformer);
    TriggerInformer triggerInformer = TriggerInformer.start(client, settings.cluster().namespaces(),
        settings.periods().resync().toMillis(), triggers, () -> metrics.informerRelisted("jobflowtriggers"));
    redelivery.connect(triggerInformer);
    jobHub.synced().get(60, TimeUnit.SECONDS);
    log.info("Job informer synced: {} Jobs listed in {} ms", jobHub.cachedCount(), millisSince(listingNanos));

    JournalHealth journalHealth = new JournalHealth(system);
    AtomicBoolean journalUp = new AtomicBoolean(false);
    AtomicBoolean stopping = new AtomicBoolean(false);
    timers.scheduleWithFixedDelay(() -> journalHealth.check().thenAccept(journalUp::set), 0, 5, TimeUnit.SECONDS);
    FlowHistory history = new FlowHistory(system);
    ApiAuthorizer authorizer = settings.http().authorization() ? ApiAuthorizer.kubernetes(client, io) : ApiAuthorizer.disabled();
    Route routes = concat(
        HealthRoutes.withReason(() -> {
          if (stopping.get()) {
            return "shutting down";
          }
          String membership = ClusterNode.notReadyReason(system);
          if (membership != null) {
            return membership;
          }
          if (!flowInformer.hasSynced() || !jobHub.hasSynced() || !scheduleInformer.hasSynced()
              || !triggerInformer.hasSynced()) {
            return "informers not synced with the API server yet";
          }
          return journalUp.get() ? null : "journal " + settings.journal().displayUrl() + " unreachable";
        }),
        AuditRoutes.create(system, history, authorizer),
        UiRoutes.create(system, live, flowInformer::list, history, authorizer, client, io));
    HttpFront http = HttpFront.http(system, settings.http().host(), settings.http().port(), routes)
        .toCompletableFuture().get(30, TimeUnit.SECONDS);
    http.stopOnShutdown(system, Duration.ofSeconds(5));

    AdmissionServer webhook = null;
    if (settings.webhook() != null) {
      webhook = AdmissionServer.start(system, settings.webhook(), validator, new ClusterTemplates(client),
              new AdmissionMetrics(metrics))
          .toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    TriggerServer triggerServer = null;
    if (settings.triggers() != null) {
      TriggerRoutes triggerRoutes = new TriggerRoutes(triggers, new SecretTokenSource(client, io, clock,
          Duration.ofSeconds(5)), triggerRouter, system.scheduler(), triggerPublisher, settings.triggers());
      triggerServer = TriggerServer.start(system, settings.triggers(), triggerRoutes)
          .toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    // Sweeps over the informer caches run on the cluster's leader only: one replica's deletes, not N.
    TtlReaper reaper = new TtlReaper(client, flowInformer::list, clock);
    timers.scheduleWithFixedDelay(() -> safely("ttl sweep", () -> {
      if (ClusterNode.isLeader(system)) {
        reaper.sweep();
      }
    }), 1, settings.periods().ttlSweep().toMillis(), TimeUnit.MILLISECONDS);
    FlowLagSweep lagSweep = new FlowLagSweep(flowInformer::list, reconciler, () -> ClusterNode.isLeader(system), clock);
    timers.scheduleWithFixedDelay(() -> safely("lag sweep", lagSweep::sweep), 10, 10, TimeUnit.SECONDS);
    timers.scheduleWithFixedDelay(() -> safely("flow census", () -> census(flowInformer, metrics)), 1, 15,
        TimeUnit.SECONDS);

    if (settings.notifications().enabled()) {
      startNotifications(system, settings, metrics, new SecretTokenSource(client, io, clock, Duration.ofSeconds(5)),
          timers, clock);
    }

    Duration unreadyDelay = config.hasPath("jobflow.controller.shutdown-unready-delay")
        ? config.getDuration("jobflow.controller.shutdown-unready-delay") : Duration.ZERO;
    registerShutdown(system, router, stopping, unreadyDelay, () -> {
      flowInformer.close();
      semaphoreInformer.close();
      scheduleInformer.close();
      triggerInformer.close();
    }, jobHub, statusWriter, client, io, timers, metricsServer, afterTermination);
    Controller controller = new Controller(system, client, http, webhook, triggerServer, metricsServer, released);
    log.info("jobflow controller started: http {} webhook {} triggers {} metrics {} {}, {}", http.port(),
        webhook == null ? "off" : webhook.port(), triggerServer == null ? "off" : triggerServer.port(),
        metricsServer == null ? "off" : metricsServer.port(), settings.journal(), clusterSettings);
    return controller;
  }

  private static void awaitSynced(java.util.function.BooleanSupplier synced, Duration limit, String what)
      throws InterruptedException, java.util.concurrent.TimeoutException {
    long deadline = System.nanoTime() + limit.toNanos();
    while (!synced.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new java.util.concurrent.TimeoutException(what + " did not sync within " + limit.toSeconds() + "s");
      }
      Thread.sleep(20); // start-up only: fabric8 informers offer no future for their first list
    }
  }

  /**
   * The notifier runs on the cluster's leader only, as the sweeps do: one replica sends each notification. It is
   * stopped before the journal closes; what it had not delivered is sent by the next leader (or the next start).
   */
  private static void startNotifications(ActorSystem<Void> system, ControllerSettings settings,
      JobflowMetrics metrics, SecretTokenSource secrets, ScheduledExecutorService timers, Clock clock) {
    ExecutorService db = Executors.newSingleThreadExecutor(daemon("jobflow-notify-offsets"));
    NotifyOffsets offsets = new NotifyOffsets(settings.journal(), clock);
    Notifier notifier = new Notifier(system, settings.notifications(), offsets, secrets,
        new SinkClient(settings.notifications().requestTimeout()), new Notifier.Observer() {
          public void delivered(String event) { metrics.notificationDelivered(event); }
          public void attemptFailed(String reason) { metrics.notificationAttemptFailed(reason); }
          public void dropped(String reason) { metrics.notificationDropped(reason); }
          public void retrying(int deliveries) { metrics.notificationsRetrying(deliveries); }
          public void lag(Duration lag) { metrics.notificationLag(lag); }
        }, clock, db);
    timers.scheduleWithFixedDelay(() -> safely("notifications", () -> notifier.tick(ClusterNode.isLeader(system))),
        0, 1, TimeUnit.SECONDS);
    CoordinatedShutdown.get(system).addTask(CoordinatedShutdown.PhaseServiceRequestsDone(), "stop-notifications",
        () -> notifier.stop().thenApply(done -> {
          offsets.close();
          db.shutdown();
          return done;
        }));
  }

  /** One H2 file serves one process: several replicas need a journal they can share. */
  static void refuseEmbeddedJournalForSeveral(ClusterSettings cluster, JournalSettings journal) {
    if (cluster.expectsOtherMembers() && journal.dialect() == JournalDialect.H2) {
      throw new IllegalArgumentException("jobflow.cluster: more than one controller replica is configured ("
          + cluster + ") but jobflow.journal.url is H2 (" + journal.displayUrl() + "), which only one process can "
          + "open; set jobflow.journal.url (JOBFLOW_JOURNAL_URL, --journal-url) to a jdbc:postgresql: URL, or run a "
          + "single replica without jobflow.cluster.seed-nodes and bootstrap");
    }
  }

  /** How long the flows' writes in flight may take to be stored on SIGTERM (the pod's grace period is 30 s). */
  private static final Duration HALT_DEADLINE = Duration.ofSeconds(15);

  private static void registerShutdown(ActorSystem<Void> system, ActorRef<FlowRouter.Command> router,
      AtomicBoolean stopping, Duration unreadyDelay, Runnable stopInformers,
      JobInformerHub jobHub, StatusWriter statusWriter, KubernetesClient client, ExecutorService io,
      ScheduledExecutorService timers, MetricsServer metricsServer, Deque<Runnable> afterTermination) {
    CoordinatedShutdown cs = CoordinatedShutdown.get(system);
    cs.addTask(CoordinatedShutdown.PhaseBeforeServiceUnbind(), "stop-taking-work", () -> {
      stopping.set(true);
      stopInformers.run();
      return CompletableFuture.supplyAsync(Done::getInstance,
          CompletableFuture.delayedExecutor(unreadyDelay.toMillis(), TimeUnit.MILLISECONDS));
    });
    // Readiness is false from the first phase on; the entities then stop once their writes in flight are stored.
    cs.addTask(CoordinatedShutdown.PhaseServiceRequestsDone(), "halt-flows", () ->
        AskPattern.<FlowRouter.Command, Done>ask(router, FlowRouter.HaltAll::new, HALT_DEADLINE, system.scheduler())
            .exceptionally(e -> {
              log.warn("flows not halted within {}s: {}", HALT_DEADLINE.toSeconds(), e.getMessage());
              return Done.getInstance();
            }));
    cs.addTask(CoordinatedShutdown.PhaseServiceStop(), "flush-status", () ->
        statusWriter.flush().thenApply(v -> Done.getInstance()).exceptionally(e -> Done.getInstance()));
    // Entities and step actors use the client until the actor system is down: close it only then.
    afterTermination.push(() -> {
      jobHub.close();
      client.close();
      io.shutdownNow();
      timers.shutdownNow();
      if (metricsServer != null) {
        metricsServer.close();
      }
    });
  }

  private static void census(FlowInformer informer, JobflowMetrics metrics) {
    FlowCensus census = new FlowCensus();
    for (JobFlow flow : informer.list()) {
      FlowPhase phase = flow.getStatus() == null || flow.getStatus().getPhase() == null
          ? FlowPhase.Pending : flow.getStatus().getPhase();
      Instant started = null;
      if (flow.getStatus() != null && flow.getStatus().getStartedAt() != null) {
        started = Instant.parse(flow.getStatus().getStartedAt());
      }
      census.add(flow.getMetadata().getNamespace(), phase, started);
      String waiting = flow.getStatus() == null ? null : flow.getStatus().getWaitingForApproval();
      census.addPendingApprovals(flow.getMetadata().getNamespace(),
          waiting == null || waiting.isBlank() ? 0 : waiting.split(",").length);
    }
    metrics.recordFlowCensus(census);
  }

  private static long millisSince(long nanos) {
    return (System.nanoTime() - nanos) / 1_000_000;
  }

  private static void safely(String what, Runnable task) {
    try {
      task.run();
    } catch (RuntimeException e) {
      log.warn("{} failed: {}", what, e.getMessage());
    }
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }

  public ActorSystem<Void> system() {
    return system;
  }

  public KubernetesClient client() {
    return client;
  }

  public int httpPort() {
    return http.port();
  }

  public int webhookPort() {
    return webhook == null ? -1 : webhook.port();
  }

  /** The JobFlowTrigger endpoint's HTTPS port; -1 when triggers are not served. */
  public int triggerPort() {
    return triggers == null ? -1 : triggers.port();
  }

  public int metricsPort() {
    return metricsServer == null ? -1 : metricsServer.port();
  }

  /** Completes when the actor system has terminated (after SIGTERM or {@link #close()}). */
  public CompletableFuture<Done> whenTerminated() {
    return released;
  }

  /** Graceful stop, as on SIGTERM. */
  @Override
  public void close() {
    try {
      CoordinatedShutdown.get(system).runAll(CoordinatedShutdown.unknownReason()).toCompletableFuture()
          .get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      system.terminate();
    }
    try {
      released.get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      log.warn("the controller's clients and journal were not all closed within 30s: {}", e.toString());
    }
  }
}
