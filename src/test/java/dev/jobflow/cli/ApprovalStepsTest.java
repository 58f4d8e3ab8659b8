package dev.jobflow.cli;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jobflow.api.ApprovalAnnotations;
import dev.jobflow.api.ApprovalDecision;
import dev.jobflow.api.FlowPhase;
import dev.jobflow.api.JobFlow;
import dev.jobflow.api.StepPhase;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Approval steps end to end: the emulator calls the controller's admission webhooks with the requester's identity
 * (kubectl impersonating with --as, or the CLI's token), the webhook stamps who decided and refuses anyone else, the
 * engine journals StepApproved/StepRejected once, and timeouts end the wait.
 */
class ApprovalStepsTest {
  @TempDir
  static Path dir;
  static ApprovalCluster cluster;

  @BeforeAll
  static void start() throws Exception {
    cluster = new ApprovalCluster(dir);
  }

  @AfterAll
  static void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  static String flow(String name, String approval, String deployDuration) {
    return """
        apiVersion: jobflow.dev/v1alpha1
        kind: JobFlow
        metadata:
          name: %s
        spec:
          steps:
          - name: build
            template:
              template:
                metadata:
                  annotations: {sim.jobflow.dev/duration: 100ms}
                spec:
                  containers: [{name: c, image: busybox}]
          - name: gate
            dependsOn: [build]
            approval:
        %s
          - name: deploy
            dependsOn: [gate]
            template:
              template:
                metadata:
                  annotations: {sim.jobflow.dev/duration: %s}
                spec:
                  containers: [{name: c, image: busybox}]
        """.formatted(name, approval.indent(6).stripTrailing(), deployDuration);
  }

  static final String APPROVERS = """
      message: Ship build to production?
      approvers:
        users: [alice]
        groups: [release-managers]""";

  static JobFlow awaitFlow(String name, java.util.function.Predicate<JobFlow> condition) {
    return cluster.client().resources(JobFlow.class).inNamespace("default").withName(name)
        .waitUntilCondition(f -> f != null && f.getStatus() != null && condition.test(f), 60, TimeUnit.SECONDS);
  }

  static JobFlow awaitWaiting(String name) {
    return awaitFlow(name, f -> "gate".equals(f.getStatus().getWaitingForApproval()));
  }

  static JobFlow awaitPhase(String name, FlowPhase phase) {
    return awaitFlow(name, f -> f.getStatus().getPhase() == phase);
  }

  static CliRun jobflow(String token, String... args) throws Exception {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--kubeconfig", cluster.kubeconfig(token).toString()));
    return CliRun.run(all.toArray(String[]::new));
  }

  record Kubectl(int exit, String out) {}

  /** The real kubectl as the emulator's admin (who may impersonate). */
  static Kubectl kubectl(String... args) throws Exception {
    String binary = RequiredTool.require("kubectl", "kubectl");
    List<String> cmd = new ArrayList<>(List.of(binary));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().put("KUBECONFIG", cluster.kubeconfig("emulator").toString());
    pb.environment().put("KUBECACHEDIR", Files.createDirectories(dir.resolve("kube-cache")).toString());
    Process p = pb.start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "kubectl did not finish");
    return new Kubectl(p.exitValue(), out);
  }

  static int count(String text, String regex) {
    Matcher m = Pattern.compile(regex).matcher(text);
    int n = 0;
    while (m.find()) {
      n++;
    }
    return n;
  }

  static ApprovalDecision decision(JobFlow flow, String step) {
    return ApprovalDecision.parse(flow.getMetadata().getAnnotations().get(ApprovalAnnotations.decisionKey(step)));
  }

  @Test
  void kubectlAnnotationApprovesAndTheWebhookRecordsWhoFromTheRequest() throws Exception {
    cluster.submit(flow("by-kubectl", APPROVERS, "100ms"));
    JobFlow waiting = awaitWaiting("by-kubectl");
    assertEquals(StepPhase.Running, waiting.getStatus().getSteps().get("gate").getPhase());
    assertEquals("ApprovalRequested", waiting.getStatus().getSteps().get("gate").getReason());
    assertNull(waiting.getStatus().getSteps().get("gate").getJob(), "an approval step runs no Job");
    var condition = waiting.getStatus().getConditions().stream().filter(c -> c.getType().equals("WaitingForApproval"))
        .findFirst().orElseThrow();
    assertEquals("True", condition.getStatus());
    assertTrue(condition.getMessage().contains("Ship build to production?"), condition.getMessage());
    Kubectl table = kubectl("get", "jf", "by-kubectl");
    assertTrue(table.out().lines().findFirst().orElse("").matches("NAME\\s+PHASE\\s+PROGRESS\\s+APPROVAL\\s+AGE\\s*"),
        table.out());
    assertTrue(table.out().lines().skip(1).findFirst().orElse("").matches("by-kubectl\\s+Running\\s+1/3\\s+gate\\s+.*"),
        table.out());
    await().atMost(Duration.ofSeconds(30)).until(() -> cluster.client().v1().events().inNamespace("default").list()
        .getItems().stream().anyMatch(e -> "ApprovalRequested".equals(e.getReason())
            && "by-kubectl".equals(e.getInvolvedObject().getName()) && e.getMessage().contains("alice")));

    // A decision written as if stamped is stripped by the webhook: it names no one the API server authenticated.
    Kubectl forged = kubectl("annotate", "jf", "by-kubectl", ApprovalAnnotations.decisionKey("gate") + "="
        + new ApprovalDecision(true, "alice", List.of(), null, "2026-01-01T00:00:00Z").toJson());
    assertEquals(0, forged.exit(), forged.out());
    assertNull(cluster.get("by-kubectl").getMetadata().getAnnotations().get(ApprovalAnnotations.decisionKey("gate")));
    assertEquals("gate", cluster.get("by-kubectl").getStatus().getWaitingForApproval());

    Kubectl approve = kubectl("annotate", "jf", "by-kubectl", "--as", "rita", "--as-group", "release-managers",
        ApprovalAnnotations.requestKey("gate") + "=approve", ApprovalAnnotations.commentKey("gate") + "=CHG-7 is fine");
    assertEquals(0, approve.exit(), approve.out());
    JobFlow done = awaitPhase("by-kubectl", FlowPhase.Succeeded);
    ApprovalDecision stamped = decision(done, "gate");
    assertEquals("rita", stamped.user());
    assertTrue(stamped.groups().contains("release-managers"), stamped.groups().toString());
    assertEquals("CHG-7 is fine", stamped.comment());
    assertFalse(done.getMetadata().getAnnotations().containsKey(ApprovalAnnotations.requestKey("gate")),
        "the request annotation is replaced by the stamped decision");
    assertEquals("Approved", done.getStatus().getSteps().get("gate").getReason());
    assertNull(done.getStatus().getWaitingForApproval());
    String history = cluster.history("by-kubectl");
    assertEquals(1, count(history, "\"type\"\\s*:\\s*\"StepApproved\""), history);
    assertTrue(history.contains("user=rita"), history);
    assertTrue(history.contains("comment=CHG-7 is fine"), history);
  }

  @Test
  void theCliApprovesAsTheUserItsTokenAuthenticates() throws Exception {
    cluster.submit(flow("by-cli", APPROVERS, "100ms"));
    awaitWaiting("by-cli");
    CliRun approve = jobflow("alice-token", "approve", "default/by-cli", "gate", "--comment", "ship it");
    assertEquals(0, approve.exit(), approve.err());
    assertEquals("approved step gate of default/by-cli as alice (ship it)", approve.out().strip());
    JobFlow done = awaitPhase("by-cli", FlowPhase.Succeeded);
    assertEquals("alice", decision(done, "gate").user());
    assertTrue(cluster.history("by-cli").contains("user=alice"));
    // Decided once: a second decision is refused, naming who decided.
    CliRun again = jobflow("alice-token", "reject", "default/by-cli", "gate");
    assertEquals(1, again.exit(), again.out());
    assertTrue(again.err().contains("already approved by alice"), again.err());
  }

  @Test
  void someoneNotAmongTheApproversIsRefusedAndARejectionFailsTheFlow() throws Exception {
    cluster.submit(flow("refused", APPROVERS, "100ms"));
    awaitWaiting("refused");
    CliRun mallory = jobflow("mallory-token", "approve", "refused", "gate", "-n", "default");
    assertEquals(1, mallory.exit(), mallory.out());
    assertTrue(mallory.err().contains("forbidden"), mallory.err());
    assertTrue(mallory.err().contains("user \"mallory\" may not approve step 'gate': its approvers are alice, "
        + "group:release-managers"), mallory.err());
    Kubectl impersonated = kubectl("annotate", "jf", "refused", "--as", "mallory", "--as-group", "developers",
        ApprovalAnnotations.requestKey("gate") + "=approve");
    assertNotEquals(0, impersonated.exit());
    assertTrue(impersonated.out().contains("Forbidden") && impersonated.out().contains("mallory"), impersonated.out());
    Kubectl nonsense = kubectl("annotate", "jf", "refused", ApprovalAnnotations.requestKey("gate") + "=yes");
    assertNotEquals(0, nonsense.exit());
    assertTrue(nonsense.out().contains("must be approve or reject, got 'yes'"), nonsense.out());
    JobFlow still = cluster.get("refused");
    assertEquals("gate", still.getStatus().getWaitingForApproval());
    assertNull(still.getMetadata().getAnnotations().get(ApprovalAnnotations.decisionKey("gate")));

    CliRun reject = jobflow("alice-token", "reject", "default/refused", "gate", "--comment", "canary is red");
    assertEquals(0, reject.exit(), reject.err());
    JobFlow failed = awaitPhase("refused", FlowPhase.Failed);
    assertEquals(StepPhase.Failed, failed.getStatus().getSteps().get("gate").getPhase());
    assertEquals("Rejected", failed.getStatus().getSteps().get("gate").getReason());
    assertEquals(StepPhase.Skipped, failed.getStatus().getSteps().get("deploy").getPhase());
    String history = cluster.history("refused");
    assertEquals(1, count(history, "\"type\"\\s*:\\s*\"StepRejected\""), history);
    assertEquals(0, count(history, "\"type\"\\s*:\\s*\"StepApproved\""), history);
    assertTrue(history.contains("user=alice") && history.contains("comment=canary is red"), history);
  }

  @Test
  void aTimeoutFailsTheStepOrApprovesItAsOnTimeoutSays() throws Exception {
    cluster.submit(flow("times-out", APPROVERS + "\ntimeout: 1s", "100ms"));
    cluster.submit(flow("auto-approves", APPROVERS + "\ntimeout: 1s\nonTimeout: approve", "100ms"));
    JobFlow failed = awaitPhase("times-out", FlowPhase.Failed);
    assertEquals("ApprovalTimedOut", failed.getStatus().getSteps().get("gate").getReason());
    assertEquals(StepPhase.Skipped, failed.getStatus().getSteps().get("deploy").getPhase());
    JobFlow approved = awaitPhase("auto-approves", FlowPhase.Succeeded);
    assertEquals("ApprovalTimedOut", approved.getStatus().getSteps().get("gate").getReason());
    assertEquals(StepPhase.Succeeded, approved.getStatus().getSteps().get("deploy").getPhase());
    String history = cluster.history("auto-approves");
    assertEquals(1, count(history, "\"type\"\\s*:\\s*\"StepApproved\""), history);
  }

  @Test
  void anApprovalAfterAControllerRestartCountsExactlyOnce() throws Exception {
    cluster.submit(flow("restarted", APPROVERS, "3s"));
    awaitWaiting("restarted");
    cluster.restartController();
    // Still waiting after recovery: the wait is the journal's (a running attempt of an approval step), not memory's.
    awaitWaiting("restarted");
    CliRun approve = jobflow("alice-token", "approve", "default/restarted", "gate");
    assertEquals(0, approve.exit(), approve.err());
    awaitFlow("restarted", f -> f.getStatus().getSteps().get("deploy") != null
        && f.getStatus().getSteps().get("deploy").getPhase() == StepPhase.Running);
    // The new controller hears the decision again (its informer lists the flow, the annotation is still there).
    cluster.restartController();
    JobFlow done = awaitPhase("restarted", FlowPhase.Succeeded);
    assertNotNull(decision(done, "gate"));
    String history = cluster.history("restarted");
    assertEquals(1, count(history, "\"type\"\\s*:\\s*\"StepApproved\""), history);
    assertEquals(1, count(history, "\"type\"\\s*:\\s*\"StepApprovalRequested\""), history);
  }
}
