package dev.jobflow.status;

import dev.jobflow.api.JobFlow;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes Kubernetes Events on JobFlows ({@code kubectl describe jf} shows them). Rate-limited per flow and
 * overall, so a 10,000-step flow cannot flood etcd: what is over the limit is dropped and counted; the
 * journal, not Events, is the record of what happened.
 */
public final class EventRecorder {
  private static final Logger log = LoggerFactory.getLogger(EventRecorder.class);
  public static final String COMPONENT = "jobflow-controller";

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
   * How many Events may be written, per flow and over all flows.
   */
  public record Limits(Rate perFlow, Rate overall) {
    /** A flow tells its first 25 transitions, then one every 2 s; the controller at most 20/s after a burst of 100. */
    public static final Limits DEFAULT = new Limits(new Rate(25, 0.5), new Rate(100, 20));
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

  public EventRecorder(KubernetesClient client, ExecutorService io, Clock clock, Limits limits) {
    this.client = client;
    this.io = io;
    this.clock = clock;
    this.perFlowRate = limits.perFlow();
    this.overall = new TokenBucket(limits.overall().burst(), limits.overall().perSecond(), clock);
    this.host = hostName();
  }

  /** Records an event unless a rate limit says no; never blocks the caller. */
  public void record(FlowRef flow, Type type, String reason, String message) {
    if (!admit(flow.uid())) {
      dropped.incrementAndGet();
      return;
    }
    Event event = build(flow, type, reason, message, Instant.now(clock));
    io.execute(() -> write(event));
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

  private Event build(FlowRef flow, Type type, String reason, String message, Instant now) {
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
        .withMessage(message.length() > 1024 ? message.substring(0, 1021) + "..." : message)
        .withNewSource().withComponent(COMPONENT).withHost(host).endSource()
        .withReportingComponent("jobflow.dev/controller")
        .withReportingInstance(host)
        .withFirstTimestamp(ts).withLastTimestamp(ts).withCount(1)
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
