package dev.jobflow.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.persistence.jdbc.query.javadsl.JdbcReadJournal;
import akka.persistence.query.PersistenceQuery;
import akka.stream.javadsl.Sink;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.jobflow.api.CronJobFlow;
import dev.jobflow.api.FlowPhase;
import dev.jobflow.api.JobFlow;
import dev.jobflow.api.JobFlowTemplate;
import dev.jobflow.schedule.ScheduleEntity;
import dev.jobflow.schedule.ScheduleEvent;
import dev.jobflow.schedule.ScheduledFlows;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * CronJobFlows through the real controller and the API-server emulator, on a schedule clock 600 times faster than
 * the wall clock (a schedule minute every 100 ms): runs from a template, history limits, status, and a controller
 * restart in the middle of firing with no run twice.
 */
class ControllerSchedulesTest {
  static final double SPEED = 600;
  @TempDir
  Path dir;
  ControllerHarness harness;

  @AfterEach
  void stop() {
    if (harness != null) {
      harness.close();
    }
  }

  void start() throws Exception {
    harness = new ControllerHarness(dir, SPEED);
    harness.client().resources(JobFlowTemplate.class).inNamespace("default").resource(new YAMLMapper().readValue(
        "apiVersion: jobflow.dev/v1alpha1\nkind: JobFlowTemplate\nmetadata: {name: report, namespace: default}\n"
            + "spec:\n  parameters: [{name: greeting, default: hello}]\n  steps:\n"
            + ControllerHarness.step("build", List.of(), "50ms", "Succeeded"), JobFlowTemplate.class)).create();
  }

  CronJobFlow schedule(String name, String policy, int keepSucceeded) throws Exception {
    return harness.client().resources(CronJobFlow.class).inNamespace("default").resource(new YAMLMapper().readValue(
        "apiVersion: jobflow.dev/v1alpha1\nkind: CronJobFlow\nmetadata: {name: " + name + ", namespace: default}\n"
            + "spec:\n  schedule: '* * * * *'\n  concurrencyPolicy: " + policy + "\n"
            + "  successfulFlowsHistoryLimit: " + keepSucceeded + "\n  failedFlowsHistoryLimit: 1\n"
            + "  flowMetadata: {labels: {team: reports}}\n"
            + "  flowSpec: {templateRef: {name: report}, parameters: [{name: greeting, value: hi}]}\n",
        CronJobFlow.class)).create();
  }

  List<JobFlow> runs(String schedule) {
    return harness.client().resources(JobFlow.class).inNamespace("default")
        .withLabel(ScheduledFlows.SCHEDULE_LABEL, schedule).list().getItems();
  }

  List<ScheduleEvent> journal(String uid) throws Exception {
    JdbcReadJournal rj = PersistenceQuery.get(harness.controller.system())
        .getReadJournalFor(JdbcReadJournal.class, JdbcReadJournal.Identifier());
    return rj.currentEventsByPersistenceId(ScheduleEntity.persistenceId(uid).id(), 0L, Long.MAX_VALUE)
        .map(env -> (ScheduleEvent) env.event()).runWith(Sink.seq(), harness.controller.system())
        .toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  @Test
  void aScheduleRunsItsTemplateEveryMinuteKeepsItsHistoryAndReportsItsStatus() throws Exception {
    start();
    CronJobFlow cron = schedule("reports", "Forbid", 2);
    String uid = cron.getMetadata().getUid();
    // Fires about every 100 ms; each run takes ~50 ms: wait for several, then for the history limit to apply.
    awaitJournal(uid, ScheduleEvent.ScheduledFlowFinished.class, 5);
    suspend("reports");
    CronJobFlow suspended = harness.client().resources(CronJobFlow.class).inNamespace("default").withName("reports")
        .waitUntilCondition(c -> c.getStatus() != null && c.getStatus().getConditions().stream().anyMatch(
            k -> k.getReason().equals("Suspended")) && c.getStatus().getActive().isEmpty(), 60, TimeUnit.SECONDS);
    assertTrue(suspended.getStatus().getLastScheduleTime() != null, "lastScheduleTime");
    assertTrue(suspended.getStatus().getLastSuccessfulTime() != null, "lastSuccessfulTime");
    assertEquals(null, suspended.getStatus().getNextScheduleTime(), "no next run while suspended");

    // History: at most 2 succeeded runs remain once the limit applied; every run is still in the journal.
    harness.client().resources(JobFlow.class).inNamespace("default").withLabel(ScheduledFlows.SCHEDULE_LABEL, "reports")
        .informOnCondition(l -> l.stream().filter(f -> f.getStatus() != null
            && f.getStatus().getPhase() == FlowPhase.Succeeded).count() <= 2).get(30, TimeUnit.SECONDS);
    long fired = journalCount(uid, ScheduleEvent.ScheduleFired.class);
    assertTrue(fired >= 5, "fired " + fired);
    JobFlow run = runs("reports").get(0);
    assertEquals("reports", run.getMetadata().getLabels().get("team"));
    assertEquals(uid, run.getMetadata().getOwnerReferences().get(0).getUid());
    Job job = harness.jobs(run.getMetadata().getName()).values().iterator().next();
    assertEquals("echo hi", job.getSpec().getTemplate().getSpec().getContainers().get(0).getCommand().get(2));
  }

  @Test
  void aControllerRestartWhileFiringRunsNoTimeTwiceAndLosesNone() throws Exception {
    start();
    CronJobFlow cron = schedule("nightly", "Allow", 1000);
    String uid = cron.getMetadata().getUid();
    awaitJournal(uid, ScheduleEvent.ScheduleFired.class, 3);
    harness.restartController();
    awaitJournal(uid, ScheduleEvent.ScheduleFired.class, 8);
    suspend("nightly");
    harness.client().resources(CronJobFlow.class).inNamespace("default").withName("nightly").waitUntilCondition(
        c -> c.getStatus() != null && c.getStatus().getActive().isEmpty()
            && c.getStatus().getConditions().stream().anyMatch(k -> k.getReason().equals("Suspended")),
        60, TimeUnit.SECONDS);

    List<ScheduleEvent> events = journal(uid);
    List<Instant> firedTimes = events.stream().filter(e -> e instanceof ScheduleEvent.ScheduleFired)
        .map(e -> ((ScheduleEvent.ScheduleFired) e).scheduledTime()).toList();
    assertEquals(firedTimes.size(), new TreeSet<>(firedTimes).size(), "no scheduled time fired twice: " + firedTimes);
    Set<String> flowNames = runs("nightly").stream().map(f -> f.getMetadata().getName()).collect(Collectors.toSet());
    assertEquals(firedTimes.stream().map(t -> ScheduledFlows.name("nightly", t)).collect(Collectors.toSet()), flowNames,
        "one flow per firing, none lost");
    List<String> jobs = harness.client().batch().v1().jobs().inNamespace("default").list().getItems().stream()
        .map(j -> j.getMetadata().getName()).filter(n -> n.startsWith("nightly-")).sorted().toList();
    assertEquals(flowNames.stream().map(n -> n + "-build-1").sorted().toList(), jobs, "one Job per run");
  }

  void suspend(String name) {
    harness.client().resources(CronJobFlow.class).inNamespace("default").withName(name).patch(
        io.fabric8.kubernetes.client.dsl.base.PatchContext.of(io.fabric8.kubernetes.client.dsl.base.PatchType.JSON_MERGE),
        "{\"spec\":{\"suspend\":true}}");
  }

  /** Reads the schedule's journal every 250 ms until it holds {@code count} events of {@code type} (60 s at most). */
  void awaitJournal(String uid, Class<?> type, int count) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    long seen = 0;
    while (System.nanoTime() < deadline) {
      seen = journal(uid).stream().filter(type::isInstance).count();
      if (seen >= count) {
        return;
      }
      Thread.sleep(250);
    }
    throw new AssertionError("the journal of schedule " + uid + " has " + seen + " " + type.getSimpleName()
        + ", expected " + count);
  }

  long journalCount(String uid, Class<?> type) throws Exception {
    return journal(uid).stream().filter(type::isInstance).count();
  }
}
