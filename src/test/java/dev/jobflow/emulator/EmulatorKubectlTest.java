package dev.jobflow.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jobflow.api.FlowPhase;
import dev.jobflow.api.JobFlow;
import dev.jobflow.api.JobFlowStatus;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** kubectl round trips for each verb a Jobflow user types. */
class EmulatorKubectlTest {
  @TempDir
  static Path dir;
  static Emulator emulator;
  static KubernetesClient client;
  static Kubectl kubectl;

  @BeforeAll
  static void start() throws Exception {
    Kubectl.requireKubectl();
    emulator = Emulator.start(EmulatorOptions.defaults().withExecutor(EmulatorOptions.ExecutorKind.NONE));
    client = emulator.client();
    kubectl = new Kubectl(emulator, dir);
  }

  @AfterAll
  static void stop() {
    if (emulator != null) {
      emulator.close();
    }
  }

  static Path flowFile(String name, String command) throws Exception {
    Path f = dir.resolve(name + "-" + System.nanoTime() + ".yaml");
    Files.writeString(f, """
        apiVersion: jobflow.dev/v1alpha1
        kind: JobFlow
        metadata:
          name: %s
        spec:
          steps:
            - name: extract
              template:
                template:
                  spec:
                    restartPolicy: Never
                    containers: [{name: main, image: busybox, command: [sh, -c, "%s"]}]
        """.formatted(name, command));
    return f;
  }

  @Test
  void createGetAndGetYaml() throws Exception {
    assertEquals("jobflow.jobflow.dev/k-create created", kubectl.run("create", "-f", flowFile("k-create", "echo 1").toString())
        .ok().out().trim());
    Kubectl.Result again = kubectl.run("create", "-f", flowFile("k-create", "echo 1").toString());
    assertNotEquals(0, again.exit());
    assertTrue(again.err().contains("already exists"), again.err());

    JobFlow flow = client.resources(JobFlow.class).withName("k-create").get();
    JobFlowStatus status = new JobFlowStatus();
    status.setPhase(FlowPhase.Running);
    status.setProgress("1/3");
    flow.setStatus(status);
    client.resources(JobFlow.class).resource(flow).updateStatus();

    String table = kubectl.run("get", "jf").ok().out();
    assertTrue(table.lines().findFirst().orElse("").matches("NAME\\s+PHASE\\s+PROGRESS\\s+APPROVAL\\s+AGE\\s*"), table);
    assertTrue(table.lines().anyMatch(l -> l.matches("k-create\\s+Running\\s+1/3\\s+\\d+s\\s*")), table);

    String yaml = kubectl.run("get", "jf", "k-create", "-o", "yaml").ok().out();
    assertTrue(yaml.contains("kind: JobFlow"), yaml);
    assertTrue(yaml.contains("echo 1"), yaml);
    assertTrue(yaml.contains("progress: 1/3"), yaml);

    Kubectl.Result missing = kubectl.run("get", "jf", "nope");
    assertNotEquals(0, missing.exit());
    assertTrue(missing.err().contains("jobflows.jobflow.dev \"nope\" not found"), missing.err());
  }

  @Test
  void templatesAndSchedulesHaveShortNamesAndColumns() throws Exception {
    Path examples = Path.of(System.getProperty("jobflow.project.dir", "."), "examples");
    assertEquals("jobflowtemplate.jobflow.dev/nightly-etl created", kubectl.run("apply", "-f",
        examples.resolve("nightly-etl-template.yaml").toString()).ok().out().trim());
    assertEquals("cronjobflow.jobflow.dev/nightly-eu created", kubectl.run("apply", "-f",
        examples.resolve("nightly-etl-schedule.yaml").toString()).ok().out().trim());
    String templates = kubectl.run("get", "jft").ok().out();
    assertTrue(templates.lines().findFirst().orElse("").matches("NAME\\s+DESCRIPTION\\s+AGE\\s*"), templates);
    assertTrue(templates.lines().anyMatch(l -> l.matches("nightly-etl\\s+Extract, transform and load one region's rows\\s+\\d+s\\s*")),
        templates);
    String schedules = kubectl.run("get", "cjf").ok().out();
    assertTrue(schedules.lines().findFirst().orElse("")
        .matches("NAME\\s+SCHEDULE\\s+SUSPEND\\s+TIMEZONE\\s+LAST SCHEDULE\\s+AGE\\s*"), schedules);
    assertTrue(schedules.lines().anyMatch(l -> l.matches("nightly-eu\\s+30 2 \\* \\* \\*\\s+(false\\s+)?Europe/Berlin\\s+.*")),
        schedules);
  }

  @Test
  void applyCreatesThenUpdates() throws Exception {
    assertEquals("jobflow.jobflow.dev/k-apply created",
        kubectl.run("apply", "-f", flowFile("k-apply", "echo 1").toString()).ok().out().trim());
    assertEquals(1L, client.resources(JobFlow.class).withName("k-apply").get().getMetadata().getGeneration());
    assertEquals("jobflow.jobflow.dev/k-apply configured",
        kubectl.run("apply", "-f", flowFile("k-apply", "echo 2").toString()).ok().out().trim());
    JobFlow updated = client.resources(JobFlow.class).withName("k-apply").get();
    assertEquals(2L, updated.getMetadata().getGeneration());
    assertEquals("echo 2", updated.getSpec().getSteps().get(0).getTemplate().getTemplate().getSpec().getContainers()
        .get(0).getCommand().get(2));
    assertEquals("jobflow.jobflow.dev/k-apply unchanged",
        kubectl.run("apply", "-f", flowFile("k-apply", "echo 2").toString()).ok().out().trim());
  }

  @Test
  void describeShowsTheFlowAndItsEvents() throws Exception {
    kubectl.run("create", "-f", flowFile("k-describe", "echo 1").toString()).ok();
    JobFlow flow = client.resources(JobFlow.class).withName("k-describe").get();
    client.v1().events().resource(new EventBuilder().withNewMetadata().withName("k-describe.1").endMetadata()
        .withInvolvedObject(new ObjectReferenceBuilder().withApiVersion(JobFlow.API_VERSION).withKind(JobFlow.KIND)
            .withName("k-describe").withNamespace("default").withUid(flow.getMetadata().getUid()).build())
        .withReason("StepStarted").withMessage("step extract started (Job k-describe-extract-1)").withType("Normal")
        .withCount(1).withFirstTimestamp(flow.getMetadata().getCreationTimestamp())
        .withLastTimestamp(flow.getMetadata().getCreationTimestamp())
        .withNewSource().withComponent("jobflow").endSource().build()).create();
    // An event of another object must not show.
    client.v1().events().resource(new EventBuilder().withNewMetadata().withName("other.1").endMetadata()
        .withInvolvedObject(new ObjectReferenceBuilder().withKind("Pod").withName("other").withNamespace("default")
            .build()).withReason("Unrelated").withMessage("not this flow").withType("Normal").build()).create();

    String out = kubectl.run("describe", "jf", "k-describe").ok().out();
    assertTrue(out.contains("Name:         k-describe"), out);
    assertTrue(out.contains("echo 1"), out);
    assertTrue(out.lines().anyMatch(l -> l.matches("\\s*Normal\\s+StepStarted\\s+.*jobflow\\s+step extract started.*")), out);
    assertTrue(!out.contains("Unrelated"), out);
  }

  @Test
  void getJobsByLabelAndDeleteWithItsJobs() throws Exception {
    kubectl.run("create", "-f", flowFile("k-delete", "echo 1").toString()).ok();
    JobFlow owner = client.resources(JobFlow.class).withName("k-delete").get();
    var job = EmulatorApiTest.job("k-delete-extract-1", owner);
    job.getMetadata().getLabels().put("jobflow.dev/flow", "k-delete");
    client.batch().v1().jobs().resource(job).create();
    client.batch().v1().jobs().resource(EmulatorApiTest.job("k-other-extract-1", null)).create();

    String jobs = kubectl.run("get", "jobs", "-l", "jobflow.dev/flow=k-delete", "-o", "name").ok().out();
    assertEquals("job.batch/k-delete-extract-1", jobs.trim());
    String chunked = kubectl.run("get", "jobs", "--chunk-size=1", "-o", "name").ok().out();
    assertEquals(List.of("job.batch/k-delete-extract-1", "job.batch/k-other-extract-1"),
        chunked.lines().filter(l -> l.contains("k-delete-extract-1") || l.contains("k-other-extract-1")).toList(),
        "kubectl follows the pages of a list: " + chunked);
    String table = kubectl.run("get", "jobs", "--chunk-size=1").ok().out();
    assertTrue(table.lines().anyMatch(l -> l.startsWith("k-other-extract-1 ")), table);
    assertEquals(1, table.lines().filter(l -> l.startsWith("NAME")).count(), "one header over all pages: " + table);
    String wide = kubectl.run("get", "jobs", "-l", "jobflow.dev/flow in (k-delete, k-none)").ok().out();
    assertTrue(wide.lines().anyMatch(l -> l.startsWith("k-delete-extract-1 ")), wide);
    assertTrue(wide.lines().noneMatch(l -> l.startsWith("k-other")), wide);

    assertEquals("jobflow.jobflow.dev \"k-delete\" deleted", kubectl.run("delete", "jf", "k-delete").ok().out().trim());
    assertNull(client.resources(JobFlow.class).withName("k-delete").get());
    assertNull(client.batch().v1().jobs().withName("k-delete-extract-1").get(), "its Job went by ownerReference");
    assertTrue(kubectl.run("get", "jobs", "-l", "jobflow.dev/flow=k-delete").ok().err().contains("No resources found"));
  }

  @Test
  void getWatchFollowsChanges() throws Exception {
    kubectl.run("create", "-f", flowFile("k-watch", "echo 1").toString()).ok();
    Process watch = kubectl.builder("get", "jf", "k-watch", "-w").redirectErrorStream(true).start();
    BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    Thread reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(watch.getInputStream(), StandardCharsets.UTF_8))) {
        r.lines().forEach(lines::add);
      } catch (Exception ignored) {
        // the process was stopped
      }
    });
    reader.setDaemon(true);
    reader.start();
    try {
      assertTrue(lines.poll(20, TimeUnit.SECONDS).startsWith("NAME"));
      assertTrue(lines.poll(20, TimeUnit.SECONDS).startsWith("k-watch"));
      JobFlow flow = client.resources(JobFlow.class).withName("k-watch").get();
      JobFlowStatus status = new JobFlowStatus();
      status.setPhase(FlowPhase.Succeeded);
      status.setProgress("1/1");
      flow.setStatus(status);
      client.resources(JobFlow.class).resource(flow).updateStatus();
      String next = lines.poll(20, TimeUnit.SECONDS);
      assertTrue(next != null && next.matches("k-watch\\s+Succeeded\\s+1/1\\s+.*"), String.valueOf(next));
    } finally {
      watch.destroy();
      watch.waitFor(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void namespacesAreCreatedByNameAndDeletedWithTheirContents() throws Exception {
    assertEquals("namespace/team-a created", kubectl.run("create", "namespace", "team-a").ok().out().trim());
    kubectl.run("apply", "-n", "team-a", "-f", flowFile("k-ns", "echo 1").toString()).ok();
    assertTrue(kubectl.run("get", "jf", "-A").ok().out().lines().anyMatch(l -> l.matches("team-a\\s+k-ns\\s+.*")));
    Kubectl.Result cm = kubectl.run("create", "configmap", "proto", "--from-literal=a=b");
    assertNotEquals(0, cm.exit());
    assertTrue(cm.err().contains("send it as YAML or JSON"), cm.err());

    kubectl.run("delete", "namespace", "team-a").ok();
    assertNull(client.resources(JobFlow.class).inNamespace("team-a").withName("k-ns").get());
  }
}
