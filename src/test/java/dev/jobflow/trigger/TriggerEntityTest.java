package dev.jobflow.trigger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import akka.persistence.journal.Tagged;
import akka.persistence.testkit.PersistenceTestKitPlugin;
import akka.persistence.testkit.PersistenceTestKitSnapshotPlugin;
import akka.persistence.testkit.javadsl.PersistenceTestKit;
import com.typesafe.config.ConfigFactory;
import dev.jobflow.api.JobFlow;
import dev.jobflow.flow.MutableClock;
import dev.jobflow.trigger.TriggerCommand.FireReply;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The trigger entity with a controllable clock and an in-memory cluster: one flow per fingerprint per window, also
 * after a restart; the rate limit counted from the journal; a flow stored but not created before a crash created
 * (adopted) after recovery; a refused flow frees its fingerprint.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TriggerEntityTest {
  final ActorTestKit kit = ActorTestKit.create("TriggerEntityTest", PersistenceTestKitPlugin.config()
      .withFallback(PersistenceTestKitSnapshotPlugin.config()).withFallback(ConfigFactory.load()));
  final PersistenceTestKit journal = PersistenceTestKit.create(kit.system());

  MutableClock clock;
  Runtime runtime;
  String uid;

  /** The cluster in memory: flows by name, create calls recorded; refuses or swallows answers on demand. */
  static final class Runtime implements TriggerRuntime {
    final Map<String, JobFlow> flows = new ConcurrentHashMap<>();
    final List<String> createCalls = new CopyOnWriteArrayList<>();
    volatile boolean refuse;
    volatile boolean swallowAnswers;

    @Override
    public CompletionStage<Created> createIfAbsent(JobFlow flow) {
      String name = flow.getMetadata().getName();
      createCalls.add(name);
      if (refuse) {
        return CompletableFuture.failedFuture(new FlowRefusedException("FlowRefused", "template clean-disk not found"));
      }
      JobFlow existing = flows.putIfAbsent(name, flow);
      Created created = existing == null ? new Created("uid-" + name, false) : new Created("uid-" + name, true);
      return swallowAnswers ? new CompletableFuture<>() : CompletableFuture.completedFuture(created);
    }
  }

  @AfterAll
  void shutdown() {
    kit.shutdownTestKit();
  }

  @BeforeEach
  void fresh() {
    journal.clearAll();
    clock = new MutableClock(Instant.parse("2026-12-02T00:00:00Z"));
    runtime = new Runtime();
    uid = UUID.randomUUID().toString();
  }

  TriggerDefinition def(int rateFlows) {
    return new TriggerDefinition("ops", "disk", uid, 1, dev.jobflow.api.TriggerSource.alertmanager, "am-token",
        "token", "firing", Map.of(), Map.of(), null, Duration.ofMinutes(5), List.of(), null, rateFlows,
        Duration.ofMinutes(1), "clean-disk", Map.of("team", "ops"), Map.of(), List.of(), null);
  }

  ActorRef<TriggerCommand> spawn(TriggerDefinition def) {
    ActorRef<TriggerCommand> entity = kit.spawn(TriggerEntity.create(uid, new TriggerEntity.Dependencies("test-1",
        runtime, TriggerObserver.NONE, clock, Duration.ofHours(1))));
    entity.tell(new TriggerCommand.SpecSeen(def));
    return entity;
  }

  FireReply fire(ActorRef<TriggerCommand> entity, String fingerprint, String host) {
    TestProbe<FireReply> probe = kit.createTestProbe();
    entity.tell(new TriggerCommand.Fire(fingerprint, "DiskFull", Map.of("host", host), probe.getRef()));
    return probe.receiveMessage(Duration.ofSeconds(10));
  }

  void stop(ActorRef<TriggerCommand> entity) {
    TestProbe<Object> probe = kit.createTestProbe();
    kit.stop(entity);
    probe.expectTerminated(entity, Duration.ofSeconds(5));
  }

  List<String> types() {
    List<String> out = new ArrayList<>();
    for (Object o : journal.persistedInStorage(TriggerEntity.persistenceId(uid).id())) {
      out.add((o instanceof Tagged t ? t.payload() : o).getClass().getSimpleName());
    }
    return out;
  }

  static final String FP_A = Fingerprints.ofText("a");
  static final String FP_B = Fingerprints.ofText("b");

  @Test
  void aRepeatWithinTheWindowNamesTheFirstFlowAlsoAfterARestartAndCreatesNothing() {
    ActorRef<TriggerCommand> entity = spawn(def(0));
    String flow = assertInstanceOf(TriggerCommand.Created.class, fire(entity, FP_A, "db-1")).flowName();
    assertEquals("disk-" + FP_A.substring(0, 8) + "-1", flow);
    assertEquals("db-1", runtime.flows.get(flow).getSpec().getParameters().get(0).getValue());
    assertEquals("clean-disk", runtime.flows.get(flow).getSpec().getTemplateRef().getName());
    assertEquals(uid, runtime.flows.get(flow).getMetadata().getLabels().get(TriggeredFlows.TRIGGER_UID_LABEL));
    assertEquals(FP_A, runtime.flows.get(flow).getMetadata().getAnnotations().get(TriggeredFlows.FINGERPRINT_ANNOTATION));

    clock.advance(Duration.ofMinutes(4));
    assertEquals(new TriggerCommand.Duplicate(flow), fire(entity, FP_A, "db-1"));
    stop(entity);
    entity = spawn(def(0));
    assertEquals(new TriggerCommand.Duplicate(flow), fire(entity, FP_A, "db-1"), "the journal remembers");
    assertEquals(List.of(flow), runtime.createCalls);
    String other = assertInstanceOf(TriggerCommand.Created.class, fire(entity, FP_B, "db-2")).flowName();
    assertEquals("disk-" + FP_B.substring(0, 8) + "-2", other);

    clock.advance(Duration.ofMinutes(1)); // 5 minutes after the first: the window has passed
    String again = assertInstanceOf(TriggerCommand.Created.class, fire(entity, FP_A, "db-1")).flowName();
    assertEquals("disk-" + FP_A.substring(0, 8) + "-3", again);
    assertEquals(List.of("AlertAccepted", "TriggeredFlowCreated", "AlertAccepted", "TriggeredFlowCreated",
        "AlertAccepted", "TriggeredFlowCreated"), types());
  }

  @Test
  void theRateLimitCountsAcceptedFlowsFromTheJournalAndSaysWhenToComeBack() {
    ActorRef<TriggerCommand> entity = spawn(def(2));
    assertInstanceOf(TriggerCommand.Created.class, fire(entity, FP_A, "a"));
    clock.advance(Duration.ofSeconds(20));
    assertInstanceOf(TriggerCommand.Created.class, fire(entity, FP_B, "b"));
    clock.advance(Duration.ofSeconds(10));
    stop(entity);
    entity = spawn(def(2));
    var limited = assertInstanceOf(TriggerCommand.RateLimited.class, fire(entity, Fingerprints.ofText("c"), "c"));
    assertEquals(Duration.ofSeconds(30), limited.retryAfter(), "the first of the two leaves the minute in 30s");
    assertEquals(new TriggerCommand.Duplicate("disk-" + FP_A.substring(0, 8) + "-1"), fire(entity, FP_A, "a"),
        "a duplicate is still answered with its flow while limited");
    clock.advance(Duration.ofSeconds(30));
    assertInstanceOf(TriggerCommand.Created.class, fire(entity, Fingerprints.ofText("c"), "c"));
  }

  @Test
  void aFlowStoredButNotCreatedBeforeACrashIsCreatedOnceAfterRecovery() {
    runtime.swallowAnswers = true;
    ActorRef<TriggerCommand> entity = spawn(def(0));
    TestProbe<FireReply> probe = kit.createTestProbe();
    entity.tell(new TriggerCommand.Fire(FP_A, "DiskFull", Map.of("host", "db-1"), probe.getRef()));
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> runtime.createCalls.size() == 1);
    stop(entity);
    assertEquals(List.of("AlertAccepted"), types());

    runtime.swallowAnswers = false;
    entity = spawn(def(0));
    String flow = "disk-" + FP_A.substring(0, 8) + "-1";
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10))
        .until(() -> types().equals(List.of("AlertAccepted", "TriggeredFlowCreated")));
    assertEquals(List.of(flow, flow), runtime.createCalls, "the same name again: adopted, not doubled");
    assertEquals(1, runtime.flows.size());
    assertEquals(new TriggerCommand.Duplicate(flow), fire(entity, FP_A, "db-1"));
  }

  @Test
  void aRefusedFlowIsAnsweredAsFailedAndItsFingerprintIsFreeAgain() {
    runtime.refuse = true;
    ActorRef<TriggerCommand> entity = spawn(def(0));
    var failed = assertInstanceOf(TriggerCommand.Failed.class, fire(entity, FP_A, "db-1"));
    assertEquals("FlowRefused", failed.reason());
    runtime.refuse = false;
    assertInstanceOf(TriggerCommand.Created.class, fire(entity, FP_A, "db-1"), "fixed template: tried again");
    assertEquals(List.of("AlertAccepted", "TriggeredFlowFailed", "AlertAccepted", "TriggeredFlowCreated"), types());
  }

  @Test
  void anInvalidOrUnknownSpecTakesNoFiring() {
    ActorRef<TriggerCommand> entity = kit.spawn(TriggerEntity.create(uid, new TriggerEntity.Dependencies("test-1",
        runtime, TriggerObserver.NONE, clock, Duration.ofHours(1))));
    assertInstanceOf(TriggerCommand.Unavailable.class, fire(entity, FP_A, "x"));
    TriggerDefinition d = def(0);
    entity.tell(new TriggerCommand.SpecSeen(new TriggerDefinition(d.namespace(), d.name(), d.uid(), 2, d.source(),
        d.secretName(), d.secretKey(), d.statusFilter(), d.labelFilter(), d.labelRegexFilter(), null, d.window(),
        d.fingerprintLabels(), null, 0, d.rateLimitPeriod(), null, Map.of(), Map.of(), List.of(),
        "spec.flow.templateRef.name: is required")));
    var unavailable = assertInstanceOf(TriggerCommand.Unavailable.class, fire(entity, FP_A, "x"));
    assertTrue(unavailable.message().contains("spec.flow.templateRef.name"), unavailable.message());
    assertEquals(List.of(), types());
  }
}
