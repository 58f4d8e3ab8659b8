package dev.jobflow.notify;

import akka.Done;
import akka.actor.typed.ActorSystem;
import akka.japi.Pair;
import akka.persistence.jdbc.query.javadsl.JdbcReadJournal;
import akka.persistence.query.EventEnvelope;
import akka.persistence.query.Offset;
import akka.persistence.query.PersistenceQuery;
import akka.persistence.query.Sequence;
import akka.stream.KillSwitches;
import akka.stream.UniqueKillSwitch;
import akka.stream.javadsl.Keep;
import dev.jobflow.flow.FlowDefinition;
import dev.jobflow.flow.FlowEvent;
import dev.jobflow.flow.FlowTags;
import dev.jobflow.flow.SinkDefinition;
import dev.jobflow.trigger.TokenSource;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends the flows' notifications from the journal: an {@code eventsByTag} stream over {@link FlowTags#NOTIFY}
 * resumed from the offset in {@link NotifyOffsets}, one event at a time, each to every sink that wants it (the flow's,
 * as its {@code FlowAccepted} recorded them, and the controller's defaults). The offset passes an event only once
 * all its deliveries succeeded, so a crash at any point sends again what may not have arrived, with the same id:
 * at least once. A delivery that fails is retried with capped exponential backoff and holds back the events behind
 * it (they keep their order); see {@link NotifySettings#giveUpAfter()}.
 *
 * <p>Runs on one replica only: {@link #tick} starts the stream where it is told it leads and stops it elsewhere.
 * Two replicas overlapping for a moment at a change of leader send some notifications twice, with the same ids.
 */
public final class Notifier {
  private static final Logger log = LoggerFactory.getLogger(Notifier.class);
  private static final int MAX_CACHED_FLOWS = 10_000;
  /** Events that notify nobody move the offset at most this often. */
  private static final Duration IDLE_STORE_INTERVAL = Duration.ofSeconds(1);
  private static final Duration RESTART_AFTER_FAILURE = Duration.ofSeconds(5);

  /** What the notifier reports to metrics. */
  public interface Observer {
    /** A notification of that event name was accepted (2xx) by a sink. */
    void delivered(String event);

    /** An attempt failed and will be retried: {@code connection}, {@code status} (5xx, 404, 408, 409, 429) or {@code token}. */
    void attemptFailed(String reason);

    /** A notification was given up: {@code rejected} (another 4xx) or {@code expired} ({@code give-up-after}). */
    void dropped(String reason);

    /** Deliveries now waiting to be retried. */
    void retrying(int deliveries);

    /** Age of the oldest event whose notifications are not all delivered; zero when caught up. */
    void lag(Duration lag);
  }

  private final ActorSystem<?> system;
  private final NotifySettings settings;
  private final NotifyOffsets offsets;
  private final TokenSource secrets;
  private final SinkClient client;
  private final Observer observer;
  private final Clock clock;
  private final Executor db;
  private final AtomicInteger retrying = new AtomicInteger();
  private final Map<String, FlowDefinition> flows = new LinkedHashMap<>(256, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, FlowDefinition> eldest) {
      return size() > MAX_CACHED_FLOWS;
    }
  };
  private volatile JdbcReadJournal journal;
  private Run run;
  private Instant lastFailure = Instant.EPOCH;
  private boolean closed;

  /** One running stream; {@code stopped} ends its retries so the offset stays before what it did not deliver. */
  private static final class Run {
    final UniqueKillSwitch killSwitch;
    final CompletionStage<Done> done;
    volatile boolean stopped;
    volatile Instant head;
    volatile long stored;
    volatile Instant storedAt;

    Run(UniqueKillSwitch killSwitch, CompletionStage<Done> done) {
      this.killSwitch = killSwitch;
      this.done = done;
    }
  }

  public Notifier(ActorSystem<?> system, NotifySettings settings, NotifyOffsets offsets, TokenSource secrets,
                  SinkClient client, Observer observer, Clock clock, Executor db) {
    this.system = system;
    this.settings = settings;
    this.offsets = offsets;
    this.secrets = secrets;
    this.client = client;
    this.observer = observer;
    this.clock = clock;
    this.db = db;
  }

  /** Starts the stream when this replica leads and none runs, stops it when it no longer leads; reports the lag. */
  public synchronized void tick(boolean leader) {
    if (closed) {
      return;
    }
    if (run != null && run.done.toCompletableFuture().isDone()) {
      run = null;
    }
    if (leader && run == null && clock.instant().isAfter(lastFailure.plus(RESTART_AFTER_FAILURE))) {
      run = start();
    } else if (!leader && run != null) {
      stopRun();
    }
    Run current = run;
    Instant head = current == null ? null : current.head;
    observer.lag(head == null ? Duration.ZERO : Duration.between(head, clock.instant()));
  }

  /** Stops the stream for good (shutdown); what was not delivered is sent by the next leader or start. */
  public synchronized CompletionStage<Done> stop() {
    closed = true;
    return run == null ? CompletableFuture.completedFuture(Done.getInstance()) : stopRun();
  }

  /** True while a stream runs here. */
  public synchronized boolean isRunning() {
    return run != null && !run.done.toCompletableFuture().isDone();
  }

  private CompletionStage<Done> stopRun() {
    Run stopping = run;
    run = null;
    stopping.stopped = true;
    stopping.killSwitch.shutdown();
    return stopping.done.exceptionally(e -> Done.getInstance());
  }

  private Run start() {
    long from;
    try {
      from = startOffset();
    } catch (Exception e) {
      lastFailure = clock.instant();
      log.warn("notifications paused: cannot read their offset in the journal database: {}", e.getMessage());
      return null;
    }
    log.info("notifications: sending from journal ordering {}", from);
    Run[] self = new Run[1];
    Pair<UniqueKillSwitch, CompletionStage<Done>> started = journal()
        .eventsByTag(FlowTags.NOTIFY, Offset.sequence(from))
        .viaMat(KillSwitches.single(), Keep.right())
        .mapAsync(1, env -> process(self[0], env))
        .toMat(akka.stream.javadsl.Sink.ignore(), Keep.both())
        .run(system);
    Run r = new Run(started.first(), started.second());
    r.stored = from;
    r.storedAt = clock.instant();
    self[0] = r;
    r.done.whenComplete((done, failure) -> {
      if (failure != null && !r.stopped) {
        synchronized (this) {
          lastFailure = clock.instant();
        }
        log.warn("notification stream failed, restarting from the stored offset: {}", failure.toString());
      }
    });
    return r;
  }

  /**
   * The stored offset; without one, the start of the tag: it is as old as notifications, so a first start sends what
   * was written since this version ran (also flows accepted before the notifier's first tick), not the years before.
   */
  private long startOffset() throws java.sql.SQLException {
    return offsets.load().orElse(0L);
  }

  private JdbcReadJournal journal() {
    if (journal == null) {
      journal = PersistenceQuery.get(system).getReadJournalFor(JdbcReadJournal.class, JdbcReadJournal.Identifier());
    }
    return journal;
  }

  private CompletionStage<Done> process(Run r, EventEnvelope env) {
    FlowEvent event = (FlowEvent) env.event();
    long ordering = ((Sequence) env.offset()).value();
    r.head = event.meta().at();
    return definition(env, event).thenCompose(flow -> {
      List<CompletionStage<Void>> deliveries = new ArrayList<>();
      Optional<CloudEvent> note = flow.flatMap(f -> CloudEvents.of(env.persistenceId(), env.sequenceNr(), f, event));
      if (note.isPresent()) {
        for (Sink sink : sinks(flow.get(), note.get().event())) {
          deliveries.add(deliver(r, sink, note.get(), clock.instant(), 1));
        }
      }
      return CompletableFuture.allOf(deliveries.stream().map(CompletionStage::toCompletableFuture)
          .toArray(CompletableFuture[]::new)).thenCompose(v -> advance(r, ordering, !deliveries.isEmpty()));
    });
  }

  /** The flow's definition as its first event recorded it; empty for a flow whose first event is not that. */
  private CompletionStage<Optional<FlowDefinition>> definition(EventEnvelope env, FlowEvent event) {
    if (event instanceof FlowEvent.FlowAccepted accepted) {
      synchronized (flows) {
        flows.put(env.persistenceId(), accepted.definition());
      }
      return CompletableFuture.completedFuture(Optional.of(accepted.definition()));
    }
    FlowDefinition cached;
    synchronized (flows) {
      cached = flows.get(env.persistenceId());
    }
    if (cached != null) {
      return CompletableFuture.completedFuture(Optional.of(cached));
    }
    return journal().currentEventsByPersistenceId(env.persistenceId(), 1, 1)
        .runWith(akka.stream.javadsl.Sink.headOption(), system)
        .thenApply(first -> first.filter(e -> e.event() instanceof FlowEvent.FlowAccepted)
            .map(e -> ((FlowEvent.FlowAccepted) e.event()).definition()))
        .thenApply(found -> {
          found.ifPresent(d -> {
            synchronized (flows) {
              flows.put(env.persistenceId(), d);
            }
          });
          return found;
        });
  }

  private List<Sink> sinks(FlowDefinition flow, String event) {
    List<Sink> sinks = new ArrayList<>();
    for (SinkDefinition s : flow.sinksOrNone()) {
      Sink sink = Sink.of(s, flow.namespace());
      if (sink.wants(event)) {
        sinks.add(sink);
      }
    }
    for (Sink sink : settings.defaults()) {
      if (sink.wants(event)) {
        sinks.add(sink);
      }
    }
    return sinks;
  }

  private CompletionStage<Done> advance(Run r, long ordering, boolean delivered) {
    Instant now = clock.instant();
    if (!delivered && now.isBefore(r.storedAt.plus(IDLE_STORE_INTERVAL))) {
      r.head = null;
      return CompletableFuture.completedFuture(Done.getInstance());
    }
    return CompletableFuture.supplyAsync(() -> {
      try {
        offsets.store(ordering);
      } catch (java.sql.SQLException e) {
        throw new IllegalStateException("cannot store the notification offset " + ordering + ": " + e.getMessage(), e);
      }
      r.stored = ordering;
      r.storedAt = now;
      r.head = null;
      return Done.getInstance();
    }, db);
  }

  /** One notification to one sink, retried until delivered, rejected, given up, or the stream stops. */
  private CompletionStage<Void> deliver(Run r, Sink sink, CloudEvent note, Instant firstTry, int attempt) {
    return bearerToken(sink)
        .thenCompose(token -> token.problem != null
            ? CompletableFuture.completedFuture(new SinkClient.Outcome(SinkClient.Result.RETRYABLE, 0, token.problem))
            : client.post(sink, note, token.value))
        .thenCompose(outcome -> switch (outcome.result()) {
          case DELIVERED -> {
            observer.delivered(note.event());
            yield CompletableFuture.completedFuture(null);
          }
          case REJECTED -> {
            log.warn("notification {} ({}) dropped: {} {} and would answer so again", note.id(), note.type(), sink,
                outcome.problem());
            observer.dropped("rejected");
            yield CompletableFuture.completedFuture(null);
          }
          case RETRYABLE -> retry(r, sink, note, firstTry, attempt, outcome);
        });
  }

  private CompletionStage<Void> retry(Run r, Sink sink, CloudEvent note, Instant firstTry, int attempt,
                                      SinkClient.Outcome outcome) {
    observer.attemptFailed(outcome.status() > 0 ? "status" : outcome.problem().startsWith("token") ? "token"
        : "connection");
    Duration failingFor = Duration.between(firstTry, clock.instant());
    if (!settings.giveUpAfter().isZero() && failingFor.compareTo(settings.giveUpAfter()) >= 0) {
      log.error("notification {} ({}) to {} given up after {} attempts over {}s (jobflow.notify.give-up-after): {}",
          note.id(), note.type(), sink, attempt, failingFor.toSeconds(), outcome.problem());
      observer.dropped("expired");
      return CompletableFuture.completedFuture(null);
    }
    if (r.stopped) {
      return CompletableFuture.failedFuture(new IllegalStateException("notifier stopped"));
    }
    Duration wait = settings.backoff(attempt);
    if (Integer.bitCount(attempt) == 1) { // 1, 2, 4, 8…: enough to see it without a line per retry
      log.warn("notification {} ({}) to {} failed (attempt {}): {}; retrying in {} ms", note.id(), note.type(), sink,
          attempt, outcome.problem(), wait.toMillis());
    }
    observer.retrying(retrying.incrementAndGet());
    return CompletableFuture.supplyAsync(() -> null,
            CompletableFuture.delayedExecutor(wait.toMillis(), TimeUnit.MILLISECONDS))
        .thenCompose(x -> {
          observer.retrying(retrying.decrementAndGet());
          if (r.stopped) {
            return CompletableFuture.failedFuture(new IllegalStateException("notifier stopped"));
          }
          return deliver(r, sink, note, firstTry, attempt + 1);
        });
  }

  /** The token to send, or why there is none to send yet. */
  private record Token(String value, String problem) {}

  private CompletionStage<Token> bearerToken(Sink sink) {
    if (sink.tokenFile() != null) {
      try {
        return CompletableFuture.completedFuture(new Token(Files.readString(sink.tokenFile()).strip(), null));
      } catch (Exception e) {
        return CompletableFuture.completedFuture(new Token(null, "token file " + sink.tokenFile() + " unreadable: "
            + e.getMessage()));
      }
    }
    Sink.SecretRef ref = sink.tokenSecret();
    if (ref == null) {
      return CompletableFuture.completedFuture(new Token(null, null));
    }
    String where = "token Secret " + ref.namespace() + "/" + ref.name() + " key " + ref.key();
    return secrets.token(ref.namespace(), ref.name(), ref.key())
        .thenApply(t -> t.map(bytes -> new Token(new String(bytes, StandardCharsets.UTF_8).strip(), null))
            .orElseGet(() -> new Token(null, where + " not found")))
        .exceptionally(e -> new Token(null, where + " unreadable: " + e.getMessage()));
  }
}
