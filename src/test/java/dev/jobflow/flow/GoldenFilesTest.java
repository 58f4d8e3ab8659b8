package dev.jobflow.flow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.typed.ActorSystem;
import akka.actor.typed.javadsl.Behaviors;
import akka.serialization.Serialization;
import akka.serialization.SerializationExtension;
import akka.serialization.Serializer;
import akka.serialization.Serializers;
import akka.serialization.jackson.JacksonObjectMapperProvider;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.typesafe.config.ConfigFactory;
import dev.jobflow.api.ShutdownPolicy;
import dev.jobflow.dag.Reasons;
import dev.jobflow.flow.FlowEvent.EventMeta;
import dev.jobflow.schedule.ScheduleEvent;
import dev.jobflow.schedule.ScheduleState;
import dev.jobflow.lock.LockEvent;
import dev.jobflow.lock.LockQueue;
import dev.jobflow.lock.LockState;
import dev.jobflow.trigger.TriggerEvent;
import dev.jobflow.trigger.TriggerState;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The audit trail must stay readable forever: one instance of every event type and of the snapshot, written by
 * an earlier version of this code into {@code src/test/resources/golden/events} (CBOR, as stored, with a readable
 * JSON twin), must still deserialize to equal values. Regenerate only for a new type, never to paper over a
 * change: {@code mvn test -Dtest=GoldenFilesTest -Djobflow.golden.regenerate=true}.
 */
class GoldenFilesTest {
  static final String DIR = "golden/events/";
  static final Instant T = Instant.parse("2026-11-23T08:00:00Z");
  static final EventMeta META = new EventMeta(T, "jobflow-controller-7d9f/1", null);
  static ActorSystem<Void> system;

  @BeforeAll
  static void start() {
    system = ActorSystem.create(Behaviors.empty(), "golden", ConfigFactory.load());
  }

  @AfterAll
  static void stop() {
    system.terminate();
  }

  static FlowDefinition definition() {
    return Flows.flow("nightly-etl", "6f1c2b9e-0d7a-4c38-9d55-2f0a8c1e7b42")
        .step("extract")
        .retried("transform", 3, Duration.ofSeconds(10), "extract")
        .timed("load", Duration.ofMinutes(30), "transform")
        .finallyStep("notify")
        .parallelism(4)
        .timeout(Duration.ofHours(2))
        .build();
  }

  /** A flow with depends, when, continueOn and labels. */
  static FlowDefinition conditionalDefinition() {
    FlowDefinition d = definition();
    List<StepDefinition> steps = List.of(
        d.steps().get(0),
        new StepDefinition("train", List.of(), 0, null, null, null, null, d.steps().get(0).template(), null,
            "int(steps.extract.outputs.rows) > 1000", null),
        new StepDefinition("report", List.of(), 0, null, null, null, null, d.steps().get(0).template(),
            "train.Failed || extract.Failed", null, true));
    return new FlowDefinition(d.namespace(), d.name(), d.uid(), d.generation(), d.parallelism(), d.failurePolicy(),
        d.timeout(), d.suspend(), d.shutdown(), Map.of("env", "prod"), steps, d.finallySteps(), null,
        Map.of("team", "data"));
  }

  /** A flow with each kind of fan-out source. */
  static FlowDefinition fanOutDefinition() {
    FlowDefinition d = definition();
    String t = d.steps().get(0).template();
    Map<String, List<String>> grid = new LinkedHashMap<>();
    grid.put("lr", List.of("0.1", "0.01"));
    grid.put("depth", List.of("4", "8"));
    List<StepDefinition> steps = List.of(
        d.steps().get(0),
        new StepDefinition("shard", List.of(), 2, null, null, null, null, t, null, null, null,
            new FanOutDefinition(null, null, 100_000L, null, null, "%05d", null, 100_000, 500)),
        new StepDefinition("per-file", List.of("extract"), 0, null, null, null, null, t, null, "item.size != '0'", null,
            new FanOutDefinition(null, "steps.extract.outputs.files", null, null, null, null, null, null, null)),
        new StepDefinition("grid", List.of(), 0, null, null, null, null, t, null, null, null,
            new FanOutDefinition(null, null, null, null, null, null, grid, null, 2)),
        new StepDefinition("each", List.of(), 0, null, null, null, null, t, null, null, null,
            new FanOutDefinition(List.of("\"a\"", "{\"k\":1}"), null, null, null, null, null, null, 10, null)),
        new StepDefinition("merge", List.of(), 0, null, null, null, null, t, "per-file.AnySucceeded", null, null));
    return new FlowDefinition(d.namespace(), d.name(), d.uid(), d.generation(), d.parallelism(), d.failurePolicy(),
        d.timeout(), d.suspend(), d.shutdown(), Map.of(), steps, d.finallySteps(), null, null);
  }

  /** A fan-out flow mid-run: one instance succeeded, one running, the rest pending. */
  static FlowSnapshot fanOutSnapshot() {
    FlowDefinition d = definition();
    StepDefinition each = new StepDefinition("each", List.of(), 0, null, null, null, null, d.steps().get(0).template(),
        null, null, null, new FanOutDefinition(List.of("\"a\"", "\"b\"", "\"c\""), null, null, null, null, null,
        null, null, 2));
    FlowDefinition fan = new FlowDefinition(d.namespace(), d.name(), d.uid(), d.generation(), null, d.failurePolicy(),
        null, false, null, Map.of(), List.of(each), List.of(), null, null);
    FlowState state = FlowState.empty();
    state.apply(new FlowEvent.FlowAccepted(META, fan));
    state.apply(new FlowEvent.StepExpanded(META, "each", "withItems", List.of("\"a\"", "\"b\"", "\"c\"")));
    state.apply(new FlowEvent.StepAttemptStarted(META, "each-0", 1, "nightly-etl-each-0-1"));
    state.apply(new FlowEvent.StepAttemptStarted(META, "each-1", 1, "nightly-etl-each-1-1"));
    state.apply(new FlowEvent.StepSucceeded(META, "each-0", 1, "nightly-etl-each-0-1", "uid-0", null, null));
    return state.toSnapshot();
  }

  /** A flow with an approval step between two Job steps. */
  static FlowDefinition approvalDefinition() {
    FlowDefinition d = definition();
    String template = d.steps().get(0).template();
    List<StepDefinition> steps = List.of(d.steps().get(0),
        new StepDefinition("gate", List.of("extract"), 0, null, null, null, null, null, null, null, null,
            new ApprovalDefinition("Ship build 42?", Duration.ofHours(4), true, List.of("alice"),
                List.of("release-managers"))),
        new StepDefinition("deploy", List.of("gate"), 0, null, null, null, null, template));
    return new FlowDefinition(d.namespace(), d.name(), d.uid(), d.generation(), d.parallelism(), d.failurePolicy(),
        d.timeout(), d.suspend(), d.shutdown(), Map.of(), steps, d.finallySteps(), null, Map.of());
  }

  /** A flow with two notification sinks: one with a filter, headers and a token Secret, one bare. */
  static FlowDefinition notifyingDefinition() {
    FlowDefinition d = definition();
    return new FlowDefinition(d.namespace(), d.name(), d.uid(), d.generation(), d.parallelism(), d.failurePolicy(),
        d.timeout(), d.suspend(), d.shutdown(), d.parameters(), d.steps(), d.finallySteps(), null, null, null, null, null, null, List.of(
            new SinkDefinition("https://hooks.example.com/jobflow", List.of("flow.failed", "step.failed"),
                Map.of("X-Team", "data"), "hook-token", "token"),
            new SinkDefinition("http://receiver.ops.svc:8080/", null, null, null, null)));
  }

  /** One of each, with every field set. */
  static Map<String, Object> samples() {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("FlowAccepted", new FlowEvent.FlowAccepted(META, definition()));
    s.put("FlowSuspended", new FlowEvent.FlowSuspended(META, 2));
    s.put("FlowResumed", new FlowEvent.FlowResumed(META, 3));
    s.put("FlowParallelismChanged", new FlowEvent.FlowParallelismChanged(META, 4, 8));
    s.put("FlowShutdownRequested", new FlowEvent.FlowShutdownRequested(META, 5, ShutdownPolicy.Stop));
    s.put("FlowGenerationObserved", new FlowEvent.FlowGenerationObserved(META, 6, "ignored changes to spec.steps"));
    s.put("FlowTimedOut", new FlowEvent.FlowTimedOut(META, T.plus(Duration.ofHours(2))));
    s.put("FlowSucceeded", new FlowEvent.FlowSucceeded(META, Reasons.SUCCEEDED, "all 4 steps succeeded"));
    s.put("FlowFailed", new FlowEvent.FlowFailed(META, Reasons.STEP_FAILED, "step 'load' failed: BackoffLimitExceeded"));
    s.put("FlowCancelled", new FlowEvent.FlowCancelled(META, Reasons.STOPPED, "the flow was shut down (Stop)"));
    s.put("FlowDeleted", new FlowEvent.FlowDeleted(META));
    s.put("StepAttemptStarted", new FlowEvent.StepAttemptStarted(META, "extract", 1, "nightly-etl-extract-1"));
    s.put("StepJobCreated", new FlowEvent.StepJobCreated(META, "extract", 1, "nightly-etl-extract-1",
        "0b6e2d4a-5c1f-4e8b-a9d3-7f2c6e1b8a90", true));
    s.put("StepSucceeded", new FlowEvent.StepSucceeded(META, "extract", 1, "nightly-etl-extract-1",
        "0b6e2d4a-5c1f-4e8b-a9d3-7f2c6e1b8a90", "Completed", "Job completed"));
    s.put("StepRetryScheduled", new FlowEvent.StepRetryScheduled(META, "transform", 1, "nightly-etl-transform-1",
        "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d", "BackoffLimitExceeded", "Job has reached the specified backoff limit",
        2, T.plusSeconds(10)));
    s.put("StepFailed", new FlowEvent.StepFailed(META, "load", 1, "nightly-etl-load-1", null, Reasons.STEP_TIMED_OUT,
        "attempt 1 ran longer than the step's timeout of 30m0s"));
    s.put("StepSkipped", new FlowEvent.StepSkipped(META, "load", Reasons.UPSTREAM_FAILED,
        "not run: it depends on 'transform', which did not succeed"));
    s.put("StepCancelled", new FlowEvent.StepCancelled(META, "load", 2, "nightly-etl-load-2",
        "1f2e3d4c-5b6a-4978-8695-a4b3c2d1e0f9", Reasons.TERMINATED, "the flow was shut down (Terminate)"));
    s.put("FlowSnapshot", snapshot());
    // Added with templates: a definition whose steps came from a JobFlowTemplate (an optional field of FlowAccepted).
    s.put("FlowAcceptedFromTemplate", new FlowEvent.FlowAccepted(META, definition().withTemplate(
        new TemplateSource("nightly-etl", "3c9e7a10-4b2d-4f8e-9a61-5d0c2b7e8f13", "48213"))));
    // The schedule entity's events and state (dev.jobflow.schedule), each type once.
    ScheduleEvent.EventMeta at = new ScheduleEvent.EventMeta(T, "jobflow-controller-7d9f/1");
    Instant due = Instant.parse("2026-11-23T02:00:00Z");
    s.put("ScheduleFired", new ScheduleEvent.ScheduleFired(at, due, "nightly-29923320", 2,
        List.of("nightly-29923260")));
    s.put("ScheduledFlowCreated", new ScheduleEvent.ScheduledFlowCreated(at, due, "nightly-29923320",
        "7a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d", true));
    s.put("ScheduledFlowFailed", new ScheduleEvent.ScheduledFlowFailed(at, due, "nightly-29923320", "FlowRefused",
        "JobFlow nightly-29923320 was refused: spec.templateRef.name: no JobFlowTemplate 'etl' in namespace 'data'"));
    s.put("ScheduledFlowFinished", new ScheduleEvent.ScheduledFlowFinished(at, "nightly-29923320",
        "7a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d", dev.jobflow.api.FlowPhase.Succeeded, T.plusSeconds(600)));
    s.put("FiringSkipped", new ScheduleEvent.FiringSkipped(at, due, "ConcurrencyForbidden",
        "run of 2026-11-23T02:00:00Z skipped: concurrencyPolicy Forbid and nightly-29923260 is still running"));
    s.put("FiringsMissed", new ScheduleEvent.FiringsMissed(at, due, 3, "missed 3 runs up to 2026-11-23T02:00:00Z"));
    s.put("ScheduleDeleted", new ScheduleEvent.ScheduleDeleted(at));
    s.put("ScheduleState", new ScheduleState(due, due, T, Map.of("nightly-29923320",
        new ScheduleState.Run(due, "7a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d", false)), false));
    // Optional fields added since, each pinned by a sample of its own (the samples above stay as first written).
    s.put("StepConditionEvaluated", new FlowEvent.StepConditionEvaluated(META, "train",
        "int(steps.extract.outputs.rows) > 1000 && params.env == 'prod'", true));
    s.put("StepSucceeded.outputs", new FlowEvent.StepSucceeded(META, "extract", 1, "nightly-etl-extract-1",
        "0b6e2d4a-5c1f-4e8b-a9d3-7f2c6e1b8a90", "Completed", "Job completed", Map.of("rows", "1200", "table", "t_2026")));
    s.put("StepFailed.exitCode", new FlowEvent.StepFailed(META, "load", 2, "nightly-etl-load-2",
        "1f2e3d4c-5b6a-4978-8695-a4b3c2d1e0f9", "BackoffLimitExceeded", "Job has reached the specified backoff limit", 3));
    s.put("FlowAccepted.conditions", new FlowEvent.FlowAccepted(META, conditionalDefinition()));
    s.put("StepExpanded", new FlowEvent.StepExpanded(META, "per-file", "withParam",
        List.of("{\"path\":\"a.csv\"}", "{\"path\":\"b.csv\"}", "\"c.csv\"", "7")));
    s.put("FlowAccepted.fanOut", new FlowEvent.FlowAccepted(META, fanOutDefinition()));
    s.put("FlowSnapshot.fanOut", fanOutSnapshot());
    s.put("FlowAccepted.maxItemsCap", new FlowEvent.FlowAccepted(META,
        fanOutDefinition().withLimits(new dev.jobflow.api.FanOutLimits(50_000))));
    // Approval steps: the definition's optional approval, and the three events of a decision.
    s.put("FlowAccepted.approval", new FlowEvent.FlowAccepted(META, approvalDefinition()));
    s.put("StepApprovalRequested", new FlowEvent.StepApprovalRequested(META, "gate", 1, "Ship build 42?",
        List.of("alice"), List.of("release-managers"), T.plus(Duration.ofHours(4))));
    s.put("StepApproved", new FlowEvent.StepApproved(META, "gate", 1, "alice", List.of("developers",
        "system:authenticated"), "CHG-7 is fine", T.minusSeconds(2), Reasons.APPROVED, "approved by alice: CHG-7 is fine"));
    s.put("StepRejected", new FlowEvent.StepRejected(META, "gate", 1, "rita", List.of("release-managers"),
        "canary is red", T.minusSeconds(3), Reasons.REJECTED, "rejected by rita: canary is red"));
    s.put("FlowRetried", new FlowEvent.FlowRetried(META, "2", "transform", "alice@example.com",
        T.minusSeconds(2), List.of("transform", "load", "notify")));
    s.put("FlowSnapshot.retried", retriedSnapshot());
    s.put("FlowHistoryLost", new FlowEvent.FlowHistoryLost(META, Reasons.JOURNAL_BEHIND,
        "the journal does not know 2 Job(s) of this flow", List.of("nightly-etl-load-1", "nightly-etl-transform-2")));
    s.put("FlowSnapshot.historyLost", historyLostSnapshot());
    // Notifications: the definition's optional sinks (spec.notify), recorded when the flow is accepted.
    s.put("FlowAccepted.notify", new FlowEvent.FlowAccepted(META, notifyingDefinition()));
    TriggerEvent.EventMeta tat = new TriggerEvent.EventMeta(T, "jobflow-controller-7d9f/1");
    String fp = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
    s.put("AlertAccepted", new TriggerEvent.AlertAccepted(tat, fp, "disk-9f86d081-1", "DiskFull",
        Map.of("host", "db-1")));
    s.put("TriggeredFlowCreated", new TriggerEvent.TriggeredFlowCreated(tat, "disk-9f86d081-1",
        "2c3d4e5f-6a7b-4c8d-9e0f-1a2b3c4d5e6f", false));
    s.put("TriggeredFlowFailed", new TriggerEvent.TriggeredFlowFailed(tat, "disk-9f86d081-1", fp, "FlowRefused",
        "JobFlow disk-9f86d081-1 was refused: template clean-disk not found"));
    s.put("TriggerDeleted", new TriggerEvent.TriggerDeleted(tat));
    // Locks (spec.priority, spec.synchronization): the definition's optional fields, the flow's and the lock's events.
    FlowLock mutex = FlowLock.mutex("data", "warehouse-load");
    s.put("FlowAccepted.locks", new FlowEvent.FlowAccepted(META, definition().withLocking(10,
        FlowLock.semaphore("data", "gpu"), T.minusSeconds(30))));
    s.put("FlowLockRequested", new FlowEvent.FlowLockRequested(META, mutex, 10));
    s.put("FlowLockGranted", new FlowEvent.FlowLockGranted(META, FlowLock.namespaceQueue("data")));
    s.put("FlowLockReleased", new FlowEvent.FlowLockReleased(META, FlowLock.controllerQueue(), true));
    s.put("FlowSnapshot.locks", lockedSnapshot());
    LockEvent.EventMeta lat = new LockEvent.EventMeta(T, "jobflow-controller-7d9f/1");
    String holder = "6f1c2b9e-0d7a-4c38-9d55-2f0a8c1e7b42";
    s.put("LockRequested", new LockEvent.LockRequested(lat, holder, 10, T.minusSeconds(30), "nightly-etl"));
    s.put("LockGranted", new LockEvent.LockGranted(lat, holder));
    s.put("LockReleased", new LockEvent.LockReleased(lat, holder, true, "FlowDone"));
    s.put("LockResized", new LockEvent.LockResized(lat, 3));
    s.put("LockState", new LockState(new LockQueue(2,
        List.of(new LockQueue.Request(holder, 10, T.minusSeconds(30), "nightly-etl", T.minusSeconds(20))),
        List.of(new LockQueue.Request("7a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d", 0, T.minusSeconds(10), "hourly",
            T.minusSeconds(5)))), true, T.minusSeconds(20)));
    s.put("TriggerState", new TriggerState(1, Map.of(fp, new TriggerState.Recent("disk-9f86d081-1", T)),
        Map.of("disk-9f86d081-1", new TriggerState.Pending(fp, "DiskFull", Map.of("host", "db-1"), T)), List.of(T),
        0, "disk-9f86d081-1", T, false));
    return s;
  }

  /** A flow in the middle of things: a success, a retry waiting, a timeout-terminated Job, a step pending. */
  static FlowSnapshot snapshot() {
    FlowState state = FlowState.empty();
    state.apply(new FlowEvent.FlowAccepted(META, definition()));
    state.apply(new FlowEvent.StepAttemptStarted(META, "extract", 1, "nightly-etl-extract-1"));
    state.apply(new FlowEvent.StepJobCreated(META, "extract", 1, "nightly-etl-extract-1", "uid-e1", false));
    state.apply(new FlowEvent.StepSucceeded(META, "extract", 1, "nightly-etl-extract-1", "uid-e1", null, null));
    state.apply(new FlowEvent.StepAttemptStarted(META, "transform", 1, "nightly-etl-transform-1"));
    state.apply(new FlowEvent.StepRetryScheduled(META, "transform", 1, "nightly-etl-transform-1", "uid-t1",
        Reasons.STEP_TIMED_OUT, "too slow", 2, T.plusSeconds(10)));
    state.apply(new FlowEvent.FlowParallelismChanged(META, 2, 8));
    FlowSnapshot s = state.toSnapshot();
    // As written before the audit hash chain existed: without lastHash (an optional field added since).
    return new FlowSnapshot(s.definition(), s.observedGeneration(), s.dag(), s.invalid(), s.terminatedJobs(),
        s.deleted());
  }

  /** A flow that holds one lock and waits for the next, before its first step. */
  static FlowSnapshot lockedSnapshot() {
    FlowState state = FlowState.empty();
    FlowDefinition d = definition().withLocking(10, FlowLock.mutex("data", "warehouse-load"), T.minusSeconds(30));
    state.apply(new FlowEvent.FlowAccepted(META, d));
    state.apply(new FlowEvent.FlowLockRequested(META, d.synchronization(), 10));
    state.apply(new FlowEvent.FlowLockGranted(META, d.synchronization()));
    state.apply(new FlowEvent.FlowLockRequested(META, FlowLock.namespaceQueue("data"), 10));
    return state.toSnapshot();
  }

  /** A flow retried once, running its second round: a step with attempts of the round before, the latest retry. */
  static FlowSnapshot retriedSnapshot() {
    FlowState state = FlowState.empty();
    state.apply(new FlowEvent.FlowAccepted(META, definition()));
    state.apply(new FlowEvent.StepAttemptStarted(META, "extract", 1, "nightly-etl-extract-1"));
    state.apply(new FlowEvent.StepFailed(META, "extract", 1, "nightly-etl-extract-1", "uid-e1",
        "BackoffLimitExceeded", "Job has reached the specified backoff limit"));
    state.apply(new FlowEvent.FlowFailed(META, Reasons.STEP_FAILED, "step 'extract' failed"));
    state.apply(new FlowEvent.FlowRetried(META, "1", null, "alice@example.com", T,
        List.of("extract", "transform", "load", "notify")));
    state.apply(new FlowEvent.StepAttemptStarted(META, "extract", 2, "nightly-etl-extract-2"));
    return state.toSnapshot();
  }

  /** A flow recovered from a journal restored from an older backup: the Jobs it did not know are recorded. */
  static FlowSnapshot historyLostSnapshot() {
    FlowState state = FlowState.empty();
    state.apply(new FlowEvent.FlowAccepted(META, definition()));
    state.apply(new FlowEvent.StepAttemptStarted(META, "extract", 1, "nightly-etl-extract-1"));
    state.apply(new FlowEvent.FlowHistoryLost(META, Reasons.JOURNAL_BEHIND, "the journal does not know 1 Job(s)",
        List.of("nightly-etl-transform-1")));
    return state.toSnapshot();
  }

  @Test
  void everyEventTypeHasAGoldenSample() {
    Set<String> types = java.util.stream.Stream.of(FlowEvent.class, ScheduleEvent.class, TriggerEvent.class,
            LockEvent.class)
        .flatMap(c -> Arrays.stream(c.getPermittedSubclasses())).map(Class::getSimpleName)
        .collect(Collectors.toSet());
    assertTrue(samples().keySet().containsAll(types), "missing samples for " + types.stream()
        .filter(t -> !samples().containsKey(t)).toList());
  }

  @Test
  void goldenFilesStillDeserializeToEqualValues() throws Exception {
    if (Boolean.getBoolean("jobflow.golden.regenerate")) {
      regenerate();
    }
    Serialization serialization = SerializationExtension.get(system);
    ObjectMapper json = new ObjectMapper();
    for (Map.Entry<String, Object> sample : samples().entrySet()) {
      byte[] cbor = read(sample.getKey() + ".cbor");
      JsonNode twin = json.readTree(read(sample.getKey() + ".json"));
      String manifest = twin.get("manifest").asText();
      int serializerId = twin.get("serializerId").asInt();
      Object back = serialization.deserialize(cbor, serializerId, manifest).get();
      assertEquals(sample.getValue(), back, sample.getKey() + " no longer reads as written");
    }
  }

  /**
   * The hash chain's canonical form must never change for a stored event, or {@code jobflow audit --verify} would
   * call intact history tampered. It is written from the event's tree with Jackson's sorted, null-skipping node
   * writer; this is the definition it replaced (copy every object into a TreeMap, drop null members, write), checked
   * against every golden event.
   */
  @Test
  void everyGoldenEventHasTheCanonicalFormOfTheChainsDefinition() throws Exception {
    ObjectMapper reference = JsonMapper.builder()
        .addModule(new JavaTimeModule())
        .addModule(new Jdk8Module())
        .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
        .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS)
        .build();
    int checked = 0;
    for (Map.Entry<String, Object> sample : samples().entrySet()) {
      if (sample.getValue() instanceof FlowEvent event) {
        ObjectNode doc = reference.createObjectNode();
        doc.set("event", reference.valueToTree(event));
        doc.put("type", event.getClass().getSimpleName());
        assertEquals(reference.writeValueAsString(sortedWithoutNulls(doc)), HashChain.canonical(event), sample.getKey());
        checked++;
      }
    }
    assertTrue(checked > 30, "only " + checked + " flow events among the samples");
  }

  private static JsonNode sortedWithoutNulls(JsonNode node) {
    if (node.isObject()) {
      TreeMap<String, JsonNode> fields = new TreeMap<>();
      node.fields().forEachRemaining(f -> {
        if (!f.getValue().isNull()) {
          fields.put(f.getKey(), sortedWithoutNulls(f.getValue()));
        }
      });
      ObjectNode out = JsonNodeFactory.instance.objectNode();
      fields.forEach(out::set);
      return out;
    }
    if (node.isArray()) {
      ArrayNode out = JsonNodeFactory.instance.arrayNode();
      node.forEach(element -> out.add(sortedWithoutNulls(element)));
      return out;
    }
    return node;
  }

  @Test
  void theSnapshotRestoresTheStateItWasTakenFrom() {
    FlowSnapshot snap = snapshot();
    assertEquals(snap, FlowState.fromSnapshot(snap).toSnapshot());
    FlowSnapshot fan = fanOutSnapshot();
    assertEquals(fan, FlowState.fromSnapshot(fan).toSnapshot());
    FlowSnapshot locked = lockedSnapshot();
    assertEquals(locked, FlowState.fromSnapshot(locked).toSnapshot());
    assertEquals(FlowLock.namespaceQueue("data"), FlowState.fromSnapshot(locked).waitingForLock());
    FlowSnapshot lost = historyLostSnapshot();
    assertEquals(lost, FlowState.fromSnapshot(lost).toSnapshot());
  }

  private static byte[] read(String name) throws Exception {
    if (Boolean.getBoolean("jobflow.golden.regenerate")) {
      return Files.readAllBytes(sourceDir().resolve(name));
    }
    try (InputStream in = GoldenFilesTest.class.getClassLoader().getResourceAsStream(DIR + name)) {
      assertNotNull(in, "golden file " + DIR + name + " is missing; generate it with -Djobflow.golden.regenerate=true");
      return in.readAllBytes();
    }
  }

  private static Path sourceDir() {
    return Path.of(System.getProperty("jobflow.project.dir", "."), "src/test/resources", DIR);
  }

  private static void regenerate() throws Exception {
    Path dir = sourceDir();
    Files.createDirectories(dir);
    Serialization serialization = SerializationExtension.get(system);
    ObjectMapper akkaJson = JacksonObjectMapperProvider.get(system).getOrCreate("jackson-json", Optional.empty());
    for (Map.Entry<String, Object> sample : samples().entrySet()) {
      if (Files.exists(dir.resolve(sample.getKey() + ".cbor"))) {
        continue; // written by an earlier version: it must keep reading as it was written
      }
      Serializer serializer = serialization.findSerializerFor(sample.getValue());
      assertEquals("akka.serialization.jackson.JacksonCborSerializer", serializer.getClass().getName(),
          sample.getKey() + " must be bound to jackson-cbor");
      Files.write(dir.resolve(sample.getKey() + ".cbor"), serializer.toBinary(sample.getValue()));
      ObjectNode twin = akkaJson.createObjectNode();
      twin.put("serializerId", serializer.identifier());
      twin.put("manifest", Serializers.manifestFor(serializer, sample.getValue()));
      twin.set("value", akkaJson.valueToTree(sample.getValue()));
      Files.writeString(dir.resolve(sample.getKey() + ".json"),
          akkaJson.writerWithDefaultPrettyPrinter().writeValueAsString(twin) + "\n");
    }
  }
}
