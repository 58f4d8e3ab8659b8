package dev.jobflow.flow;

import static dev.jobflow.flow.Flows.flow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import akka.japi.Pair;
import akka.persistence.testkit.SnapshotMeta;
import akka.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import dev.jobflow.api.FlowPhase;
import dev.jobflow.flow.FlowCommand.GetStatus;
import dev.jobflow.flow.FlowCommand.SpecSeen;
import dev.jobflow.flow.FlowEvent.FlowAccepted;
import dev.jobflow.flow.FlowEvent.FlowSucceeded;
import dev.jobflow.flow.FlowEvent.StepAttemptStarted;
import dev.jobflow.step.AttemptSpec;
import dev.jobflow.step.InMemoryJobRuntime;
import dev.jobflow.step.JobKey;
import dev.jobflow.step.JobResults;
import dev.jobflow.step.JobState;
import io.fabric8.kubernetes.api.model.batch.v1.JobSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** Restarts and crashes: the journal plus the cluster give the same decisions, and no attempt gets two Jobs. */
class FlowRecoveryTest extends EntityHarness {

  @Test
  void aRestartInTheMiddleReadoptsTheRunningJobs() {
    EventSourcedBehaviorTestKit<FlowCommand, FlowEvent, FlowState> kit = EventSourcedBehaviorTestKit.create(
        testKit.system(), FlowEntity.create("u-restart", deps()),
        EventSourcedBehaviorTestKit.enabledSerializationSettings().withVerifyState(false));
    var result = kit.runCommand(new SpecSeen(flow("rs", "u-restart").step("a").step("b").step("c", "a", "b").build()));
    assertTrue(result.events().get(0) instanceof FlowAccepted);
    await("a and b running", () -> runtime.job("rs-a-1") != null && runtime.job("rs-b-1") != null);
    awaitEvents("u-restart", 5);
    assertEquals(2, kit.getState().dag().runningCount());
    assertEquals(List.of(), observer.resumed, "started by its spec: nothing to deliver again");

    FlowState recovered = kit.restart().state();
    assertEquals(2, recovered.dag().runningCount());
    assertEquals(List.of("u-restart"), observer.resumed.stream().map(FlowId::uid).toList(),
        "recovered in flight without its spec: the controller is asked for the current one");
    await("re-adopted", () -> runtime.createCalls("rs-a-1") == 2 && runtime.createCalls("rs-b-1") == 2);
    runtime.set("data", "rs-a-1", JobState.Succeeded, null, null);
    runtime.set("data", "rs-b-1", JobState.Succeeded, null, null);
    await("c started", () -> runtime.job("rs-c-1") != null);
    runtime.set("data", "rs-c-1", JobState.Succeeded, null, null);
    awaitEvent("u-restart", FlowSucceeded.class);
    runtime.allCreations().forEach((job, n) -> assertEquals(1, n, "Jobs created for " + job));
    assertEquals(List.of("StepAttemptStarted a#1", "StepAttemptStarted b#1", "StepAttemptStarted c#1"),
        decisions(events("u-restart")).stream().filter(d -> d.startsWith("StepAttemptStarted")).toList());
  }

  /** b fails its first attempt (and is retried), everything else succeeds at once. */
  static final Function<AttemptSpec, JobState> OUTCOMES =
      a -> a.step().equals("b") && a.attempt() == 1 ? JobState.Failed : JobState.Succeeded;

  static FlowDefinition crashFlow(String uid) {
    return flow("crash", uid).step("a").retried("b", 2, Duration.ZERO, "a").step("c", "a").step("d", "b", "c")
        .finallyStep("f").build();
  }

  @Test
  void aCrashBetweenAnyEventAndItsSideEffectLeadsToTheSameDecisionsWithoutDuplicateJobs() {
    assertEveryCrashDecidesTheSame("crash", FlowRecoveryTest::crashFlow, OUTCOMES, cluster -> { });
  }

  /**
   * extract writes rows=1200; train runs when rows > 1000 and reads extract's table; tiny is skipped (rows < 10);
   * report-failure (depends train.Failed) is skipped. A crash between extract's success and the verdicts, or between
   * any other event and its side effect, takes the same branch: verdicts are journaled, outputs too.
   */
  static FlowDefinition conditionalFlow(String uid) {
    String template = Flows.TEMPLATE.replace("echo {{params.date}}", "train --table={{steps.extract.outputs.table}}");
    return flow("crash", uid).step("extract")
        .step(new StepDefinition("train", List.of("extract"), 0, null, null, null, null, template, null,
            "int(steps.extract.outputs.rows) > 1000", null))
        .step(new StepDefinition("tiny", List.of("extract"), 0, null, null, null, null, Flows.TEMPLATE, null,
            "int(steps.extract.outputs.rows) < 10", null))
        .step(new StepDefinition("report-failure", List.of(), 0, null, null, null, null, Flows.TEMPLATE,
            "train.Failed || extract.Failed", null, null))
        .build();
  }

  static void conditionalOutputs(InMemoryJobRuntime cluster) {
    cluster.results("crash-extract-1", new JobResults(Map.of("rows", "1200", "table", "t_2026"), 0, null));
  }

  @Test
  void aCrashBetweenAStepsSuccessAndItsDependentsVerdictsTakesTheSameBranch() {
    List<FlowEvent> reference = assertEveryCrashDecidesTheSame("branch", FlowRecoveryTest::conditionalFlow,
        a -> JobState.Succeeded, FlowRecoveryTest::conditionalOutputs);
    List<String> decided = decisions(reference);
    assertTrue(decided.containsAll(List.of("StepConditionEvaluated train", "StepSkipped tiny",
        "StepSkipped report-failure", "StepSucceeded train#1")), decided.toString());
    FlowEvent.StepSucceeded extract = (FlowEvent.StepSucceeded) reference.stream()
        .filter(e -> e instanceof FlowEvent.StepSucceeded s && s.step().equals("extract")).findFirst().orElseThrow();
    assertEquals(Map.of("rows", "1200", "table", "t_2026"), extract.outputs(), "the outputs are in the journal");
  }

  /**
   * list writes files=[a, b, c, d]; per-file fans out over them (withParam, at most 2 at once, per-file-1 fails its
   * first attempt and is retried), its template reads {{item}} and {{index}}; merge waits for all instances. A crash
   * at any point, between the list's success and its expansion, or between the expansion and the instances' starts
   * included, expands once, starts each instance attempt once, loses none.
   */
  static FlowDefinition fanOutFlow(String uid) {
    String template = Flows.TEMPLATE.replace("echo {{params.date}}", "process --file={{item}} --n={{index}}");
    return flow("crash", uid).step("list")
        .step(new StepDefinition("per-file", List.of("list"), 1, Duration.ZERO, 1.0, null, null, template, null, null,
            null, new FanOutDefinition(null, "steps.list.outputs.files", null, null, null, null, null, null, 2)))
        .step("merge", "per-file")
        .build();
  }

  static final Function<AttemptSpec, JobState> FAN_OUT_OUTCOMES =
      a -> a.step().equals("per-file-1") && a.attempt() == 1 ? JobState.Failed : JobState.Succeeded;

  @Test
  void aCrashAnywhereInAFanOutExpandsOnceAndStartsEachInstanceOnce() {
    List<FlowEvent> reference = assertEveryCrashDecidesTheSame("fan", FlowRecoveryTest::fanOutFlow, FAN_OUT_OUTCOMES,
        cluster -> cluster.results("crash-list-1", new JobResults(Map.of("files", "[\"a\",\"b\",\"c\",\"d\"]"), 0,
            null)));
    List<String> decided = decisions(reference);
    assertEquals(1, decided.stream().filter(d -> d.startsWith("StepExpanded")).count(), decided.toString());
    assertTrue(decided.containsAll(List.of("StepAttemptStarted per-file-0#1", "StepAttemptStarted per-file-1#2",
        "StepAttemptStarted per-file-3#1", "StepSucceeded merge#1")), decided.toString());
    FlowEvent.StepExpanded expanded = (FlowEvent.StepExpanded) reference.stream()
        .filter(e -> e instanceof FlowEvent.StepExpanded).findFirst().orElseThrow();
    assertEquals(List.of("\"a\"", "\"b\"", "\"c\"", "\"d\""), expanded.items());
    assertEquals("withParam", expanded.source());
    assertEquals(Map.of("item", "c", "index", "2"), runtime.spec("crash-per-file-2-1").stepValues());
  }

  /**
   * Runs the flow once to the end, then for every prefix of its journal recovers a new entity from it, with the Jobs
   * of every event but the last already in the cluster, and checks it records the same decisions, one Job per
   * attempt, no attempt twice. Returns the reference run's events.
   */
  private List<FlowEvent> assertEveryCrashDecidesTheSame(String uids, Function<String, FlowDefinition> flow,
                                                         Function<AttemptSpec, JobState> outcomes,
                                                         java.util.function.Consumer<InMemoryJobRuntime> setup) {
    runtime.finishWith(outcomes);
    setup.accept(runtime);
    ActorRef<FlowCommand> ref = spawn(uids + "-ref");
    ref.tell(new SpecSeen(flow.apply(uids + "-ref")));
    TestProbe<Object> probe = testKit.createTestProbe();
    probe.expectTerminated(ref, Duration.ofSeconds(10));
    List<FlowEvent> reference = events(uids + "-ref");
    List<String> expected = sorted(decisions(reference));
    assertTrue(reference.get(reference.size() - 1) instanceof FlowSucceeded, decisions(reference).toString());

    for (int k = 1; k < reference.size(); k++) {
      String uid = uids + "-" + k;
      List<FlowEvent> prefix = new ArrayList<>(reference.subList(0, k));
      FlowAccepted accepted = (FlowAccepted) prefix.get(0);
      prefix.set(0, new FlowAccepted(accepted.meta(), flow.apply(uid)));
      // Side effects of every event but the last one were done before the crash: their Jobs exist.
      InMemoryJobRuntime cluster = new InMemoryJobRuntime(clock).finishWith(outcomes);
      setup.accept(cluster);
      for (FlowEvent e : prefix.subList(0, k - 1)) {
        if (e instanceof StepAttemptStarted s) {
          cluster.createIfAbsent(new AttemptSpec(new JobKey("data", s.job()), "crash", uid, s.step(), s.attempt(),
              new JobSpec(), Map.of()));
        }
      }
      journal.persistForRecovery(pid(uid), new ArrayList<>(prefix));
      ActorRef<FlowCommand> entity = testKit.spawn(FlowEntity.create(uid,
          new FlowEntity.Dependencies(settings, cluster, FlowListener.NONE, EngineHealth.NONE, clock)));
      probe.expectTerminated(entity, Duration.ofSeconds(10));

      List<FlowEvent> after = events(uid);
      String context = "crash after event " + k + " (" + describe(reference.get(k - 1)) + ")";
      assertEquals(expected, sorted(decisions(after)), context);
      cluster.allCreations().forEach((job, n) -> assertEquals(1, n, context + ": Jobs created for " + job));
      Set<String> starts = new HashSet<>();
      for (FlowEvent e : after) {
        if (e instanceof StepAttemptStarted s) {
          assertTrue(starts.add(s.step() + "#" + s.attempt()), context + ": started twice: " + s);
        }
      }
    }
    return reference;
  }

  @Test
  void snapshotsAreTakenEveryNEventsAndRecoveryFromThemResumes() {
    settings = settings.withSnapshotEvery(4);
    ActorRef<FlowCommand> entity = spawn("u-snap");
    entity.tell(new SpecSeen(flow("snap", "u-snap").step("a").step("b", "a").step("c", "b").step("d", "c").build()));
    for (String step : List.of("a", "b", "c")) {
      await(step + " started", () -> runtime.job("snap-" + step + "-1") != null);
      runtime.set("data", "snap-" + step + "-1", JobState.Succeeded, null, null);
    }
    await("d started", () -> runtime.job("snap-d-1") != null);
    awaitEvents("u-snap", 12);
    await("3 snapshots taken, the oldest deleted", () -> snapshots.persistedInStorage(pid("u-snap")).size() == 2
        && snapshots.persistedInStorage(pid("u-snap")).get(1).first().sequenceNr() == 12);
    List<Pair<SnapshotMeta, Object>> stored = snapshots.persistedInStorage(pid("u-snap"));
    assertFalse(stored.isEmpty(), "snapshots taken");
    assertTrue(stored.get(stored.size() - 1).second() instanceof FlowSnapshot);

    TestProbe<FlowStatusUpdate> status = testKit.createTestProbe();
    entity.tell(new GetStatus(status.getRef()));
    FlowStatusUpdate before = status.receiveMessage();
    testKit.stop(entity);
    ActorRef<FlowCommand> again = spawn("u-snap");
    again.tell(new GetStatus(status.getRef()));
    assertEquals(before, status.receiveMessage());
    await("d re-adopted", () -> runtime.createCalls("snap-d-1") == 2);
    runtime.set("data", "snap-d-1", JobState.Succeeded, null, null);
    awaitEvent("u-snap", FlowSucceeded.class);
    assertEquals(1, runtime.creations("snap-d-1"));
  }

  @Test
  void aStepTimeoutWhoseJobDeletionWasCutShortDeletesItAfterRecovery() {
    ActorRef<FlowCommand> entity = spawn("u-redelete");
    entity.tell(new SpecSeen(flow("rd", "u-redelete").timed("a", Duration.ofMinutes(1)).build()));
    await("a started", () -> runtime.job("rd-a-1") != null);
    awaitEvents("u-redelete", 3);
    testKit.stop(entity);
    // The timeout was recorded, then the controller died before deleting the Job.
    clock.advance(Duration.ofMinutes(1));
    FlowEvent.StepFailed timedOut = new FlowEvent.StepFailed(new FlowEvent.EventMeta(clock.instant(), WRITER, null),
        "a", 1, "rd-a-1", null, "StepTimedOut", "attempt 1 ran longer than the step's timeout of 1m0s");
    journal.persistForRecovery(pid("u-redelete"), List.of(timedOut));
    spawn("u-redelete");
    await("Job deleted after recovery", () -> runtime.job("rd-a-1") == null);
    awaitEvent("u-redelete", FlowEvent.FlowFailed.class);
    await("observer told", () -> observer.last().summary().phase() == FlowPhase.Failed);
    assertEquals(1, runtime.creations("rd-a-1"), "the ended attempt was not started again");
  }

  @Test
  void aJournalFailureRestartsTheSameEntityWhichStaysCountedOnceAndFinishesTheFlow() {
    ActorRef<FlowCommand> entity = spawn("u-jfail");
    entity.tell(new SpecSeen(flow("jf", "u-jfail").step("a").step("b", "a").build()));
    await("a started", () -> runtime.job("jf-a-1") != null);
    awaitEvents("u-jfail", 3);
    assertEquals(1, observer.flowActorsAlive.get());
    // The write of a's success fails, and so does the replay after the first restart: two restarts with backoff.
    // (One policy at a time: failNextPersisted then failNextRead would keep only the read failure.)
    journal.failNextNOpsCond((pid, op) -> pid.equals(pid("u-jfail"))
        && (op instanceof akka.persistence.testkit.WriteEvents || op instanceof akka.persistence.testkit.ReadEvents), 2);
    runtime.set("data", "jf-a-1", JobState.Succeeded, null, null);
    await("persist failure seen", () -> observer.persistFailures.get() == 1);
    await("b started after the restarts", () -> runtime.job("jf-b-1") != null);
    assertEquals(1, observer.flowActorsAlive.get(), "a restarting entity is the same live actor");
    // At least once: with the testkit journal Akka 2.8.6 signals RecoveryFailed twice for the one failed replay.
    assertTrue(observer.recoveryFailures.get() >= 1, "the replay that failed");
    runtime.set("data", "jf-b-1", JobState.Succeeded, null, null);
    TestProbe<Object> probe = testKit.createTestProbe();
    probe.expectTerminated(entity, Duration.ofSeconds(10));
    awaitEvent("u-jfail", FlowSucceeded.class);
    assertEquals(0, observer.flowActorsAlive.get(), "flow entities alive after it stopped");
    assertEquals(0, observer.stepActorsAlive.get(), "step actors alive after the entity stopped");
    assertEquals(1, runtime.creations("jf-a-1"));
    assertEquals(1, runtime.creations("jf-b-1"));
  }

  private static List<String> sorted(List<String> in) {
    List<String> out = new ArrayList<>(in);
    out.sort(null);
    return out;
  }

  @Test
  void jobsTheRestoredJournalNeverRecordedAreReportedOnceAndAdopted() {
    ActorRef<FlowCommand> entity = spawn("u-behind");
    entity.tell(new SpecSeen(flow("behind", "u-behind").step("a").step("b", "a").build()));
    await("a started", () -> runtime.job("behind-a-1") != null);
    awaitEvents("u-behind", 3);
    testKit.stop(entity);
    // The journal is "restored" to here while the cluster ran on: a succeeded and b's Job started.
    runtime.set("data", "behind-a-1", JobState.Succeeded, null, null);
    runtime.plantJob(new JobKey("data", "behind-b-1"), "u-behind", "b", 1, JobState.Active);
    ActorRef<FlowCommand> again = spawn("u-behind");
    awaitEvent("u-behind", FlowEvent.FlowHistoryLost.class);
    FlowEvent.FlowHistoryLost lost = last("u-behind", FlowEvent.FlowHistoryLost.class);
    assertEquals(dev.jobflow.dag.Reasons.JOURNAL_BEHIND, lost.reason());
    assertEquals(List.of("behind-b-1"), lost.jobs());
    await("b adopted", () -> runtime.createCalls("behind-b-1") == 1);
    runtime.set("data", "behind-b-1", JobState.Succeeded, null, null);
    awaitEvent("u-behind", FlowSucceeded.class);
    testKit.stop(again);
    spawn("u-behind");
    await("recovered again", () -> observer.passivated.stream().filter(id -> id.uid().equals("u-behind")).count() >= 2);
    assertEquals(1, events("u-behind").stream().filter(e -> e instanceof FlowEvent.FlowHistoryLost).count(),
        "said once");
    assertEquals(0, runtime.creations("behind-b-1"), "the Job of the lost history was adopted, not created");
    assertEquals(1, runtime.creations("behind-a-1"));
  }

  @Test
  void anAttemptWhoseJobIsGoneWhileALaterAttemptsJobExistsEndsAndTheLaterOneIsAdopted() {
    // The journal was lost: attempt 1's Job was deleted long ago (its timeout), attempt 2's Job succeeded.
    runtime.plantJob(new JobKey("data", "sup-a-2"), "u-sup", "a", 2, JobState.Succeeded);
    ActorRef<FlowCommand> entity = spawn("u-sup");
    entity.tell(new SpecSeen(flow("sup", "u-sup").retried("a", 2, Duration.ofSeconds(30)).build()));
    awaitEvent("u-sup", FlowEvent.StepRetryScheduled.class);
    assertEquals(dev.jobflow.dag.Reasons.ATTEMPT_SUPERSEDED, last("u-sup", FlowEvent.StepRetryScheduled.class).reason());
    assertEquals(dev.jobflow.dag.Reasons.JOURNAL_LOST, last("u-sup", FlowEvent.FlowHistoryLost.class).reason());
    clock.advance(Duration.ofSeconds(30));
    entity.tell(new FlowCommand.Wake());
    awaitEvent("u-sup", FlowSucceeded.class);
    assertEquals(0, runtime.creations("sup-a-1"), "attempt 1 is not run again");
    assertEquals(0, runtime.creations("sup-a-2"), "attempt 2's Job adopted");
  }
}
