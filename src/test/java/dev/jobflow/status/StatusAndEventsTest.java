package dev.jobflow.status;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jobflow.api.FlowPhase;
import dev.jobflow.api.JobFlow;
import dev.jobflow.api.JobFlowStatus;
import dev.jobflow.api.JobFlowYaml;
import dev.jobflow.api.StepPhase;
import dev.jobflow.emulator.Emulator;
import dev.jobflow.emulator.EmulatorOptions;
import dev.jobflow.flow.FlowId;
import dev.jobflow.flow.FlowStatusUpdate;
import dev.jobflow.flow.FlowSummary;
import dev.jobflow.flow.StepView;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The status subresource stays small and is written coalesced; Events cannot flood the API server. */
class StatusAndEventsTest {
  @TempDir
  static Path dir;
  static Emulator emulator;
  static ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2);

  @BeforeAll
  static void start() {
    emulator = Emulator.start(EmulatorOptions.defaults().withExecutor(EmulatorOptions.ExecutorKind.NONE)
        .withDataDir(dir));
  }

  @AfterAll
  static void stop() {
    scheduler.shutdownNow();
    emulator.close();
  }

  static JobFlow create(String name) throws Exception {
    JobFlow flow = JobFlowYaml.read("""
        apiVersion: jobflow.dev/v1alpha1
        kind: JobFlow
        metadata: {name: %s, namespace: default}
        spec:
          steps: [{name: a, template: {template: {spec: {containers: [{name: main, image: busybox}]}}}}]
        """.formatted(name));
    return emulator.client().resources(JobFlow.class).inNamespace("default").resource(flow).create();
  }

  static FlowStatusUpdate update(FlowId id, int total, int succeeded, List<StepView> steps, boolean complete) {
    Map<StepPhase, Integer> counts = new EnumMap<>(StepPhase.class);
    counts.put(StepPhase.Succeeded, succeeded);
    counts.put(StepPhase.Running, total - succeeded);
    return new FlowStatusUpdate(id, new FlowSummary(FlowPhase.Running, 1, total, succeeded, counts,
        Instant.parse("2026-11-23T00:00:00Z"), null, null, null), steps, complete);
  }

  static StepView step(String name, StepPhase phase) {
    return new StepView(name, false, phase, 1, "flow-" + name + "-1", null, null, null, null, null, null);
  }

  @Test
  void largeFlowsKeepCountsAndOnlyTheStepsNotSucceeded() {
    FlowStatusProjection projection = new FlowStatusProjection(500);
    FlowId id = new FlowId("default", "big", "uid-big");
    List<StepView> all = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      all.add(step("s" + i, i < 990 ? StepPhase.Succeeded : StepPhase.Running));
    }
    JobFlowStatus status = projection.apply(update(id, 1000, 990, all, true));
    assertEquals("990/1000", status.getProgress());
    assertEquals(10, status.getSteps().size(), "only the 10 running steps are listed");
    assertEquals(990, status.getStepCounts().get("Succeeded"));
    // A later delta keeps the earlier steps known.
    JobFlowStatus next = projection.apply(update(id, 1000, 991, List.of(step("s990", StepPhase.Succeeded)), false));
    assertEquals(9, next.getSteps().size());
    assertNull(next.getSteps().get("s990"));

    FlowStatusProjection small = new FlowStatusProjection(500);
    JobFlowStatus full = small.apply(update(new FlowId("default", "small", "uid-small"), 3, 2,
        List.of(step("a", StepPhase.Succeeded), step("b", StepPhase.Succeeded), step("c", StepPhase.Running)), true));
    assertEquals(3, full.getSteps().size(), "small flows list every step");
  }

  static StepView failed(String name, StepPhase phase, String reason, String message) {
    Instant t = Instant.parse("2026-11-23T00:00:00Z");
    return new StepView(name, false, phase, 3, "flow-with-a-long-name-" + name + "-3", "0b6e2d4a-5c1f-4e8b-a9d3-7f2c6e1b8a90",
        t, t.plusSeconds(60), null, reason, message, null, 1);
  }

  @Test
  void aHundredThousandFailedStepsKeepTheObjectWithin64KiB() {
    FlowStatusProjection projection = new FlowStatusProjection(500);
    List<StepView> all = new ArrayList<>();
    for (int i = 0; i < 100_000; i++) {
      all.add(failed("shard-" + i, StepPhase.Failed, "BackoffLimitExceeded",
          "Job has reached the specified backoff limit after 3 attempts; see the pod's log for why"));
    }
    JobFlowStatus status = projection.apply(update(new FlowId("default", "big", "uid-all-failed"), 100_000, 0, all,
        true));
    assertEquals(FlowStatusProjection.LISTED_LIMIT, status.getSteps().size());
    assertEquals(100_000 - FlowStatusProjection.LISTED_LIMIT, status.getStepsOmitted());
    JobFlow flow = new JobFlow();
    flow.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withName("big").withNamespace("default")
        .build());
    flow.setStatus(status);
    int bytes = io.fabric8.kubernetes.client.utils.Serialization.asJson(flow).getBytes(
        java.nio.charset.StandardCharsets.UTF_8).length;
    assertTrue(bytes <= 64 * 1024, "the JobFlow's status is " + bytes + " bytes");
  }

  @Test
  void aLargeFlowFailingEarlyListsItsFailureFirstNotEverySkippedStep() {
    FlowStatusProjection projection = new FlowStatusProjection(500);
    List<StepView> all = new ArrayList<>();
    for (int i = 0; i < 10_000; i++) {
      all.add(i == 7_000 ? failed("s" + i, StepPhase.Failed, "BackoffLimitExceeded", "failed")
          : failed("s" + i, StepPhase.Skipped, "FailFast", "not run: step 's7000' failed and the flow fails fast"));
    }
    JobFlowStatus status = projection.apply(update(new FlowId("default", "wide", "uid-wide"), 10_000, 0, all, true));
    assertEquals("s7000", status.getSteps().keySet().iterator().next(), "the failure comes first");
    assertEquals(FlowStatusProjection.LISTED_LIMIT, status.getSteps().size());
    assertEquals(10_000 - FlowStatusProjection.LISTED_LIMIT, status.getStepsOmitted());
    JobFlowStatus few = new FlowStatusProjection(500).apply(update(new FlowId("default", "few", "uid-few"), 1000, 990,
        all.subList(0, 10), true));
    assertNull(few.getStepsOmitted(), "nothing left out");
  }

  @Test
  void deltasMoveStepsInAndOutOfTheListAsTheirPhaseChanges() {
    FlowStatusProjection projection = new FlowStatusProjection(500);
    FlowId id = new FlowId("default", "moves", "uid-moves");
    List<StepView> all = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      all.add(step("s" + i, StepPhase.Pending));
    }
    JobFlowStatus start = projection.apply(update(id, 1000, 0, all, true));
    assertEquals(1000 - FlowStatusProjection.LISTED_LIMIT, start.getStepsOmitted());

    projection.apply(update(id, 1000, 0, List.of(step("s900", StepPhase.Running)), false));
    JobFlowStatus failed = projection.apply(update(id, 1000, 0, List.of(step("s901", StepPhase.Failed)), false));
    assertEquals(List.of("s901", "s900", "s0"), failed.getSteps().keySet().stream().limit(3).toList(),
        "failed, then running, then pending");
    assertEquals(1000 - FlowStatusProjection.LISTED_LIMIT, failed.getStepsOmitted());

    JobFlowStatus retried = projection.apply(update(id, 1000, 1,
        List.of(step("s901", StepPhase.Retrying), step("s900", StepPhase.Succeeded)), false));
    assertEquals(List.of("s901", "s0"), retried.getSteps().keySet().stream().limit(2).toList());
    assertNull(retried.getSteps().get("s900"), "a succeeded step leaves the list");
    assertEquals(999 - FlowStatusProjection.LISTED_LIMIT, retried.getStepsOmitted());

    List<StepView> done = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      done.add(step("s" + i, StepPhase.Succeeded));
    }
    JobFlowStatus end = projection.apply(update(id, 1000, 1000, done, false));
    assertTrue(end.getSteps().isEmpty(), end.getSteps().keySet().toString());
    assertNull(end.getStepsOmitted());
  }

  @Test
  void statusWritesAreCoalescedAndTheLatestWins() throws Exception {
    JobFlow flow = create("coalesced");
    AtomicInteger writes = new AtomicInteger();
    StatusWriter writer = new StatusWriter(emulator.client(), scheduler, Duration.ofMillis(250), new StatusWriter.Observer() {
      public void written() { writes.incrementAndGet(); }
      public void conflicted() {}
      public void failed(int code) {}
    });
    var target = new StatusWriter.Target("default", "coalesced", flow.getMetadata().getUid());
    FlowStatusProjection projection = new FlowStatusProjection(500);
    FlowId id = new FlowId("default", "coalesced", flow.getMetadata().getUid());
    AtomicInteger renders = new AtomicInteger();
    long start = System.nanoTime();
    for (int i = 0; i <= 100; i++) {
      projection.fold(update(id, 100, i, List.of(), false)); // as FlowReporter offers: rendered when written
      writer.offer(target, () -> {
        renders.incrementAndGet();
        return projection.render();
      });
      Thread.sleep(5);
    }
    long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    JobFlow written = emulator.client().resources(JobFlow.class).inNamespace("default").withName("coalesced")
        .waitUntilCondition(f -> f.getStatus() != null && "100/100".equals(f.getStatus().getProgress()), 10, TimeUnit.SECONDS);
    assertEquals("100/100", written.getStatus().getProgress());
    // 101 offers over elapsedMs: at most one write per 250 ms, plus the first and the last.
    assertTrue(writes.get() <= elapsedMs / 250 + 2, writes.get() + " writes in " + elapsedMs + " ms");
    assertTrue(writes.get() < 101);
    // One rendering per write, none per offer (the last write may be rendered and not yet acknowledged).
    int rendered = renders.get();
    assertTrue(rendered <= writes.get() + 1 && rendered < 101, rendered + " renderings for " + writes.get() + " writes");
  }

  @Test
  void eventsAreRateLimitedPerFlow() throws Exception {
    JobFlow flow = create("noisy");
    var recorder = new EventRecorder(emulator.client(), Executors.newSingleThreadExecutor(), Clock.systemUTC(),
        new EventRecorder.Limits(new EventRecorder.Rate(10, 0.01), new EventRecorder.Rate(1000, 1000)));
    var ref = EventRecorder.FlowRef.of(flow);
    for (int i = 0; i < 200; i++) {
      recorder.record(ref, EventRecorder.Type.Normal, "StepStarted", "step s" + i);
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (recorder.written() < 10 && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertEquals(10, recorder.written());
    assertEquals(190, recorder.dropped());
    var events = emulator.client().v1().events().inNamespace("default").list().getItems().stream()
        .filter(e -> "noisy".equals(e.getInvolvedObject().getName())).toList();
    assertEquals(10, events.size());
    assertEquals("StepStarted", events.get(0).getReason());
    assertEquals(flow.getMetadata().getUid(), events.get(0).getInvolvedObject().getUid());
  }

  @Test
  void eventsOfOneReasonInTheFoldWindowBecomeOneEventWithTheirCount() throws Exception {
    JobFlow flow = create("fanout");
    var recorder = new EventRecorder(emulator.client(), Executors.newSingleThreadExecutor(), Clock.systemUTC(),
        new EventRecorder.Limits(new EventRecorder.Rate(25, 0.5), new EventRecorder.Rate(1000, 1000),
            Duration.ofMillis(500)));
    var ref = EventRecorder.FlowRef.of(flow);
    for (int i = 0; i < 8; i++) {
      recorder.record(ref, EventRecorder.Type.Normal, "StepStarted", "step middle-" + i + " attempt 1");
    }
    recorder.record(ref, EventRecorder.Type.Warning, "StepFailed", "step other failed");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (recorder.written() < 2 && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertEquals(2, recorder.written(), "one Event per reason");
    var events = emulator.client().v1().events().inNamespace("default").list().getItems().stream()
        .filter(e -> "fanout".equals(e.getInvolvedObject().getName())).toList();
    assertEquals(2, events.size());
    var started = events.stream().filter(e -> e.getReason().equals("StepStarted")).findFirst().orElseThrow();
    assertEquals(8, started.getCount());
    for (int i = 0; i < 8; i++) {
      assertTrue(started.getMessage().contains("step middle-" + i + " attempt 1"), started.getMessage());
    }
    var failed = events.stream().filter(e -> e.getReason().equals("StepFailed")).findFirst().orElseThrow();
    assertEquals(1, failed.getCount());
    assertEquals("Warning", failed.getType());
    assertEquals(0, recorder.dropped());
  }
}
