package dev.jobflow.status;

import dev.jobflow.api.JobFlow;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes Kubernetes Events on JobFlows ({@code kubectl describe jf} shows them). Folded: the events of one flow
 * with one reason that come within a short window (eight steps of a fan-out starting together) become one Event
 * with their count and their messages, as Kubernetes' own event correlator folds a series. Rate-limited per
 * flow and overall, so a 10,000-step flow cannot flood etcd: what is over the limit is dropped and counted;
 * the journal, not Events, is the record of what happened.
 */
public final class EventRecorder {
  private static final Logger log = LoggerFactory.getLogger(EventRecorder.class);
  public static final String COMPONENT = "jobflow-controller";
  private static final int MAX_MESSAGE = 1024;

  /** Where an event is about: the object's identity as the API server knows it (a JobFlow unless said). */
  public record FlowRef(String namespace, String name, String uid, String kind) {
    public FlowRef(String namespace, String name, String uid) {
      this(namespace, name, uid, JobFlow.KIND);
    }

    public static FlowRef of(JobFlow flow) {
      return new FlowRef(flow.getMetadata().getNamespace(), flow.getMetadata().getName(), flow.getMetadata().getUid());
    }
  }

  public enum Type { Normal, Warning }

  /** A token bucket's size: {@code burst} Events at once, then {@code perSecond} on average. */
  public record Rate(double burst, double perSecond) {}

  /**
   * How many Events may be written, per flow and over all flows, and how long events of one flow and reason
   * wait to be folded into one ({@code Duration.ZERO}: every event is its own).
   */
  public record Limits(Rate perFlow, Rate overall, Duration fold) {
    /**
     * A flow tells its first 25 transitions (folded over 1 s), then one every 2 s; the controller at most 20/s
     * after a burst of 100.
     */
    public static final Limits DEFAULT = new Limits(new Rate(25, 0.5), new Rate(100, 20), Duration.ofSeconds(1));

    public Limits(Rate perFlow, Rate overall) {
      this(perFlow, overall, Duration.ZERO);
    }
  }

  /** Events of one flow, type and reason waiting for the fold window to end. */
  private static final class Fold {
    final FlowRef flow;
    final Type type;
    final String reason;
    final Instant first;
    final StringBuilder messages = new StringBuilder();
    int count;

    Fold(FlowRef flow, Type type, String reason, Instant first) {
      this.flow = flow;
      this.type = type;
      this.reason = reason;
      this.first = first;
    }

    void add(String message) {
      count++;
      if (messages.length() <= MAX_MESSAGE) {
        messages.append(messages.length() == 0 ? "" : "; ").append(message);
      }
    }
  }

  private final KubernetesClient client;
  private final ExecutorService io;
  private final Clock clock;
  private final Rate perFlowRate;
  private final TokenBucket overall;
  private final Map<String, TokenBucket> perFlow = new ConcurrentHashMap<>();
  private final AtomicLong dropped = new AtomicLong();
  private final AtomicLong written = new AtomicLong();
  private final String host;
  private final Duration foldWindow;
  private final Map<String, Fold> folds = new HashMap<>();

  public EventRecorder(KubernetesClient client, ExecutorService io, Clock clock, Limits limits) {
    this.client = client;
    this.io = io;
    this.clock = clock;
    this.perFlowRate = limits.perFlow();
    this.overall = new TokenBucket(limits.overall().burst(), limits.overall().perSecond(), clock);
    this.host = hostName();
    this.foldWindow = limits.fold();
  }

  /** Records an event unless a rate limit says no; never blocks the caller. */
  public void record(FlowRef flow, Type type, String reason, String message) {
    if (foldWindow.isZero()) {
      if (!admit(flow.uid())) {
        dropped.incrementAndGet();
        return;
      }
      Instant now = Instant.now(clock);
      Event event = build(flow, type, reason, message, now, now, 1);
      io.execute(() -> write(event));
      return;
    }
    String key = flow.uid() + "/" + type + "/" + reason;
    synchronized (folds) {
      Fold fold = folds.get(key);
      if (fold != null) {
        fold.add(message);
        return;
      }
      fold = new Fold(flow, type, reason, Instant.now(clock));
      fold.add(message);
      folds.put(key, fold);
    }
    CompletableFuture.delayedExecutor(foldWindow.toMillis(), TimeUnit.MILLISECONDS, io).execute(() -> writeFold(key));
  }

  /** The fold's events as one Event (one rate-limit token), counted by how many it holds. */
  private void writeFold(String key) {
    Fold fold;
    synchronized (folds) {
      fold = folds.remove(key);
    }
    if (fold == null) {
      return;
    }
    if (!admit(fold.flow.uid())) {
      dropped.addAndGet(fold.count);
      return;
    }
    write(build(fold.flow, fold.type, fold.reason, fold.messages.toString(), fold.first, Instant.now(clock), fold.count));
  }

  public long dropped() {
    return dropped.get();
  }

  public long written() {
    return written.get();
  }

  /** Forgets the rate state of a finished flow. */
  public void forget(String flowUid) {
    perFlow.remove(flowUid);
  }

  private synchronized boolean admit(String flowUid) {
    TokenBucket bucket = perFlow.computeIfAbsent(flowUid, k -> new TokenBucket(perFlowRate.burst(), perFlowRate.perSecond(), clock));
    if (!bucket.tryTake()) {
      return false;
    }
    return overall.tryTake();
  }

  private Event build(FlowRef flow, Type type, String reason, String message, Instant first, Instant now, int count) {
    String ts = now.toString();
    return new EventBuilder()
        .withNewMetadata()
          .withNamespace(flow.namespace())
          .withName(flow.name() + "." + Long.toHexString(now.toEpochMilli() * 1000 + (System.nanoTime() % 1000 + 1000) % 1000))
        .endMetadata()
        .withInvolvedObject(new ObjectReferenceBuilder()
            .withApiVersion(JobFlow.API_VERSION).withKind(flow.kind())
            .withNamespace(flow.namespace()).withName(flow.name()).withUid(flow.uid())
            .build())
        .withType(type.name())
        .withReason(reason)
        .withMessage(message.length() > MAX_MESSAGE ? message.substring(0, MAX_MESSAGE - 3) + "..." : message)
        .withNewSource().withComponent(COMPONENT).withHost(host).endSource()
        .withReportingComponent("jobflow.dev/controller")
        .withReportingInstance(host)
        .withFirstTimestamp(first.toString()).withLastTimestamp(ts).withCount(count)
        .build();
  }

  private void write(Event event) {
    try {
      client.v1().events().inNamespace(event.getMetadata().getNamespace()).resource(event).create();
      written.incrementAndGet();
    } catch (RuntimeException e) {
      // An Event is a courtesy to kubectl users; failing to write one must never affect a flow.
      log.debug("could not record event {} on {}/{}: {}", event.getReason(),
          event.getMetadata().getNamespace(), event.getInvolvedObject().getName(), e.getMessage());
    }
  }

  private static String hostName() {
    String h = System.getenv("HOSTNAME");
    return h == null || h.isBlank() ? "local" : h.toLowerCase(Locale.ROOT);
  }
}
