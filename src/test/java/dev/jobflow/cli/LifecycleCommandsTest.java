package dev.jobflow.cli;

import static dev.jobflow.cli.CliCluster.flow;
import static dev.jobflow.cli.CliCluster.unique;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jobflow.api.FlowPhase;
import dev.jobflow.api.JobFlow;
import dev.jobflow.api.ShutdownPolicy;
import dev.jobflow.api.StepPhase;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** suspend, resume, stop, terminate and delete: what each changed, and a clear refusal when the state does not allow it. */
@ExtendWith(CliCluster.Resolver.class)
class LifecycleCommandsTest {
  static CliCluster cluster;

  @BeforeAll
  static void start(CliCluster shared) {
    cluster = shared;
  }

  static String running(String base, String... steps) {
    String name = unique(base);
    assertEquals(0, cluster.cli("submit", cluster.write(name + ".yaml", flow(name, steps)).toString()).exit());
    cluster.await(name, f -> f.getStatus() != null && f.getStatus().getPhase() == FlowPhase.Running);
    return name;
  }

  static StepPhase step(JobFlow flow, String step) {
    var s = flow.getStatus().getSteps().get(step);
    return s == null ? StepPhase.Pending : s.getPhase();
  }

  @Test
  void suspendHoldsTheNextStepAndResumeRunsItToTheEnd() {
    String name = running("paused", "first: sleep 1", "second<first: true");
    CliRun suspend = cluster.cli("suspend", name);
    assertEquals(0, suspend.exit(), suspend.toString());
    assertEquals("default/" + name + " suspended: no new step starts; running steps finish (spec.suspend: true)\n", suspend.out());
    // The running step finishes; the next one does not start while suspended.
    JobFlow held = cluster.await(name, f -> f.getStatus().getPhase() == FlowPhase.Suspended && step(f, "first") == StepPhase.Succeeded);
    assertEquals(StepPhase.Pending, step(held, "second"));
    assertTrue(cluster.client().batch().v1().jobs().inNamespace("default").withName(name + "-second-1").get() == null);

    CliRun again = cluster.cli("suspend", name);
    assertEquals(0, again.exit(), again.toString());
    assertEquals("default/" + name + " is already suspended: nothing changed\n", again.out());

    CliRun resume = cluster.cli("resume", name, "-o", "json");
    assertEquals(0, resume.exit(), resume.toString());
    assertEquals(false, readTree(resume.out()).path("spec").path("suspend").asBoolean(true));
    cluster.awaitPhase(name, FlowPhase.Succeeded);
  }

  @ParameterizedTest
  @ValueSource(strings = {"suspend", "resume", "stop", "terminate"})
  void aFinishedFlowRefusesEveryLifecycleChangeAndIsLeftAsItWas(String verb) {
    String name = unique("over-" + verb);
    assertEquals(0, cluster.cli("submit", "--wait", cluster.write(name + ".yaml", flow(name, "ok: true")).toString()).exit());
    String version = cluster.flow(name).getMetadata().getResourceVersion();
    CliRun run = cluster.cli(verb, name);
    assertEquals(1, run.exit(), run.toString());
    assertEquals("jobflow: cannot " + verb + " default/" + name + ": it already Succeeded\n", run.err());
    assertEquals("", run.out());
    assertEquals(version, cluster.flow(name).getMetadata().getResourceVersion());
  }

  @ParameterizedTest
  @ValueSource(strings = {"suspend", "resume", "stop", "terminate", "delete"})
  void anUnknownFlowExitsOneNamingIt(String verb) {
    CliRun run = cluster.cli(verb, "no-such-flow");
    assertEquals(1, run.exit(), run.toString());
    assertEquals("jobflow: JobFlow default/no-such-flow not found\n", run.err());
  }

  @Test
  void stopLetsTheRunningStepFinishRunsFinallyAndEndsCancelled() {
    String name = unique("stopped");
    String yaml = CliCluster.flowWith(name, "  finally:\n" + CliCluster.step("tidy: echo tidy"), "first: sleep 1", "second<first: true");
    assertEquals(0, cluster.cli("submit", cluster.write(name + ".yaml", yaml).toString()).exit());
    cluster.await(name, f -> f.getStatus() != null && f.getStatus().getPhase() == FlowPhase.Running);
    CliRun stop = cluster.cli("stop", name);
    assertEquals(0, stop.exit(), stop.toString());
    assertTrue(stop.out().startsWith("default/" + name + " stopping: no new step starts, running steps finish, then finally runs"),
        stop.out());
    JobFlow ended = cluster.awaitPhase(name, FlowPhase.Cancelled);
    assertEquals(StepPhase.Succeeded, step(ended, "first"));
    assertEquals(StepPhase.Skipped, step(ended, "second"));
    assertEquals(StepPhase.Succeeded, step(ended, "tidy"));
  }

  @Test
  void terminateFollowsStopButStopNeverSoftensTerminate() {
    String name = running("ended", "long: sleep 60");
    assertEquals(0, cluster.cli("stop", name).exit());
    CliRun terminate = cluster.cli("terminate", name);
    assertEquals(0, terminate.exit(), terminate.toString());
    assertTrue(terminate.out().startsWith("default/" + name + " terminating: running steps are stopped now"), terminate.out());
    assertEquals(ShutdownPolicy.Terminate, cluster.flow(name).getSpec().getShutdown());
    CliRun stop = cluster.cli("stop", name);
    JobFlow flow = cluster.flow(name);
    if (!flow.getStatus().getPhase().isFinished()) {
      assertEquals(1, stop.exit(), stop.toString());
      assertEquals("jobflow: cannot stop default/" + name + ": it is already being terminated (spec.shutdown: Terminate)\n", stop.err());
    }
    JobFlow ended = cluster.awaitPhase(name, FlowPhase.Cancelled);
    assertEquals(StepPhase.Cancelled, step(ended, "long"));
    assertEquals(ShutdownPolicy.Terminate, ended.getSpec().getShutdown());
  }

  @Test
  void deleteWithOutputYamlPrintsTheFlowAsItWasWhenDeleted() throws Exception {
    String name = unique("deleted-yaml");
    assertEquals(0, cluster.cli("submit", "--wait", cluster.write(name + ".yaml", flow(name, "ok: true")).toString()).exit());
    CliRun run = cluster.cli("delete", name, "-o", "yaml");
    assertEquals(0, run.exit(), run.toString());
    var yaml = new com.fasterxml.jackson.dataformat.yaml.YAMLMapper().readTree(run.out());
    assertEquals(name, yaml.path("metadata").path("name").asText(), run.out());
    assertEquals("Succeeded", yaml.path("status").path("phase").asText(), run.out());
  }

  @Test
  void severalNamesAreEachChangedOrReported() {
    String name = running("many", "long: sleep 60");
    CliRun run = cluster.cli("terminate", name, "no-such-flow");
    assertEquals(1, run.exit(), run.toString());
    assertTrue(run.out().startsWith("default/" + name + " terminating"), run.out());
    assertEquals("jobflow: JobFlow default/no-such-flow not found\n", run.err());
    cluster.awaitPhase(name, FlowPhase.Cancelled);
  }

  @Test
  void deleteCancelsARunningFlowWaitsUntilItIsGoneAndPointsToItsHistory() {
    String name = running("deleted", "long: sleep 60");
    CliRun run = cluster.cli("delete", name, "--wait");
    assertEquals(0, run.exit(), run.toString());
    assertEquals("default/" + name + " deleted (it was Running: its running steps are cancelled); its Jobs go with it, "
        + "its history stays: jobflow audit default/" + name + "\n", run.out());
    assertNull(cluster.flow(name));
    CliRun gone = cluster.cli("delete", name, "-o", "json");
    assertEquals(1, gone.exit(), gone.toString());
    assertEquals("", gone.out());
    cluster.client().batch().v1().jobs().inNamespace("default").withLabel("jobflow.dev/flow", name)
        .informOnCondition(jobs -> jobs.isEmpty()).orTimeout(60, TimeUnit.SECONDS).join();
  }

  static com.fasterxml.jackson.databind.JsonNode readTree(String json) {
    try {
      return new ObjectMapper().readTree(json);
    } catch (Exception e) {
      throw new AssertionError(json, e);
    }
  }
}
