package dev.jobflow.cli;

import static dev.jobflow.cli.CliCluster.flow;
import static dev.jobflow.cli.CliCluster.unique;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jobflow.api.FlowPhase;
import dev.jobflow.api.JobFlow;
import dev.jobflow.api.RetryRequest;
import dev.jobflow.api.StepPhase;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code jobflow retry} and {@code jobflow resubmit} against {@code jobflow dev} (emulator, webhooks, controller): a
 * failed flow retried runs its failed step as a new Job and keeps the step that succeeded; the webhook stamps the
 * user; the audit trail shows both rounds; a retry asked with kubectl's means (an annotation bump) works the same;
 * a running flow is refused; resubmit makes a new linked flow with overridden parameters.
 */
@ExtendWith(CliCluster.Resolver.class)
class RetryCommandTest {
  static CliCluster cluster;

  @BeforeAll
  static void start(CliCluster shared) {
    cluster = shared;
  }

  /** A command that fails until {@code marker} exists. */
  static String failsUntil(Path marker) {
    return "test -f " + marker + " || exit 3";
  }

  @Test
  void aFailedFlowRetriedRunsTheFailedStepAgainAndKeepsTheSucceededOne() throws Exception {
    String name = unique("retried");
    Path marker = cluster.dir.resolve(name + ".ok");
    assertEquals(1, cluster.cli("submit", "--wait", cluster.write(name + ".yaml",
        flow(name, "first: echo first", "second<first: " + failsUntil(marker))).toString()).exit());
    java.nio.file.Files.writeString(marker, "");

    CliRun retry = cluster.cli("retry", "default/" + name);
    assertEquals(0, retry.exit(), retry.toString());
    assertTrue(retry.out().startsWith("default/" + name + " retried: its failed, skipped and cancelled steps"),
        retry.out());
    JobFlow done = cluster.awaitPhase(name, FlowPhase.Succeeded);
    assertEquals(1, done.getStatus().getSteps().get("first").getAttempts(), "first kept its result");
    assertEquals(2, done.getStatus().getSteps().get("second").getAttempts());
    assertEquals(name + "-second-2", done.getStatus().getSteps().get("second").getJob());
    assertEquals(1, done.getStatus().getRetries());
    assertEquals("emulator-admin", done.getStatus().getLastRetry().getRequestedBy(), "the emulator's admin user");
    assertEquals("1", done.getMetadata().getAnnotations().get(RetryRequest.ANNOTATION));
    assertNotEquals(null, cluster.client().batch().v1().jobs().inNamespace("default").withName(name + "-second-1").get(),
        "the failed attempt's Job stays for inspection");

    CliRun refused = cluster.cli("retry", name);
    assertEquals(1, refused.exit(), refused.toString());
    assertEquals("jobflow: cannot retry default/" + name + ": it is Succeeded; only a Failed or Cancelled flow is"
        + " retried (jobflow resubmit runs it anew)\n", refused.err());
  }

  @Test
  void anAnnotationBumpAloneRetriesTooAndAStepNamesWhereToRestart() {
    String name = unique("bumped");
    assertEquals(1, cluster.cli("submit", "--wait", cluster.write(name + ".yaml",
        flow(name, "first: echo first", "second<first: exit 1")).toString()).exit());
    cluster.client().resources(JobFlow.class).inNamespace("default").withName(name).edit(f -> {
      f.getMetadata().getAnnotations().put(RetryRequest.ANNOTATION, "again");
      f.getMetadata().getAnnotations().put(RetryRequest.STEP_ANNOTATION, "first");
      return f;
    });
    JobFlow again = cluster.await(name, f -> f.getStatus().getRetries() != null && f.getStatus().getPhase() == FlowPhase.Failed);
    assertEquals(2, again.getStatus().getSteps().get("first").getAttempts(), "restarted from first");
    assertEquals(2, again.getStatus().getSteps().get("second").getAttempts());
    assertEquals("first", again.getStatus().getLastRetry().getStep());
    assertEquals("emulator-admin", again.getMetadata().getAnnotations().get(RetryRequest.BY_ANNOTATION));
  }

  @Test
  void aRunningFlowIsRefusedByTheCliAndByTheWebhook() {
    String name = unique("busy");
    assertEquals(0, cluster.cli("submit", cluster.write(name + ".yaml", flow(name, "long: sleep 30")).toString()).exit());
    cluster.await(name, f -> f.getStatus() != null && f.getStatus().getPhase() == FlowPhase.Running);
    CliRun retry = cluster.cli("retry", name);
    assertEquals(1, retry.exit(), retry.toString());
    assertTrue(retry.err().contains("it is Running; only a Failed or Cancelled flow is retried"), retry.err());
    var e = org.junit.jupiter.api.Assertions.assertThrows(io.fabric8.kubernetes.client.KubernetesClientException.class,
        () -> cluster.client().resources(JobFlow.class).inNamespace("default").withName(name).edit(f -> {
          f.getMetadata().getAnnotations().put(RetryRequest.ANNOTATION, "1");
          return f;
        }));
    assertTrue(e.getMessage().contains("only a Failed or Cancelled flow can be retried; this one is Running"),
        e.getMessage());
    assertEquals(0, cluster.cli("terminate", name).exit());
    cluster.awaitPhase(name, FlowPhase.Cancelled);
    CliRun afterTerminate = cluster.cli("retry", name);
    assertEquals(0, afterTerminate.exit(), afterTerminate.toString());
    JobFlow rerun = cluster.await(name, f -> f.getStatus().getSteps().get("long").getAttempts() == 2
        && f.getStatus().getPhase() == FlowPhase.Running);
    assertNull(rerun.getSpec().getShutdown(), "retry removed spec.shutdown");
    assertEquals(0, cluster.cli("terminate", name).exit());
  }

  @Test
  void resubmitMakesANewLinkedFlowWithOverriddenParameters() throws Exception {
    String name = unique("origin");
    String yaml = CliCluster.flowWith(name, "  parameters: [{name: word, value: one}]\n",
        "say: echo {{params.word}}");
    assertEquals(0, cluster.cli("submit", "--wait", cluster.write(name + ".yaml", yaml).toString()).exit());
    JobFlow origin = cluster.flow(name);
    CliRun resubmit = cluster.cli("resubmit", name, "-p", "word=two", "--name", name + "-again", "--wait");
    assertEquals(0, resubmit.exit(), resubmit.toString());
    assertTrue(resubmit.out().startsWith("default/" + name + " resubmitted as default/" + name + "-again\n"),
        resubmit.out());
    JobFlow copy = cluster.flow(name + "-again");
    assertEquals(FlowPhase.Succeeded, copy.getStatus().getPhase());
    assertEquals(origin.getMetadata().getUid(), copy.getMetadata().getLabels().get(RetryRequest.RESUBMITTED_FROM_LABEL));
    assertEquals("default/" + name, copy.getMetadata().getAnnotations().get(RetryRequest.RESUBMITTED_FROM_ANNOTATION));
    assertEquals("two", copy.getSpec().getParameters().get(0).getValue());
    assertEquals(StepPhase.Succeeded, copy.getStatus().getSteps().get("say").getPhase());

    CliRun unknown = cluster.cli("resubmit", name, "-p", "nope=1");
    assertEquals(2, unknown.exit(), unknown.toString());
    assertTrue(unknown.err().contains("-p nope: default/" + name + " declares no parameter 'nope' (it declares: word)"),
        unknown.err());
    assertEquals(List.of(), cluster.client().resources(JobFlow.class).inNamespace("default")
        .withLabel(RetryRequest.RESUBMITTED_FROM_LABEL, origin.getMetadata().getUid()).list().getItems().stream()
        .map(f -> f.getMetadata().getName()).filter(n -> !n.equals(name + "-again")).toList());
  }
}
