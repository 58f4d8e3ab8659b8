package dev.jobflow.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jobflow.api.JobFlow;
import dev.jobflow.api.JobFlowStatus;
import dev.jobflow.api.JobFlowYaml;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** What the controller relies on, through the real fabric8 client over HTTP. */
@org.junit.jupiter.api.Timeout(120) // a watch that never becomes ready once hung the build for good
class EmulatorApiTest {
  static Emulator emulator;
  static KubernetesClient client;

  @BeforeAll
  static void start() {
    emulator = Emulator.start(EmulatorOptions.defaults().withExecutor(EmulatorOptions.ExecutorKind.NONE));
    client = emulator.client();
  }

  @AfterAll
  static void stop() {
    emulator.close();
  }

  static JobFlow flow(String name) {
    try {
      return JobFlowYaml.read("""
        apiVersion: jobflow.dev/v1alpha1
        kind: JobFlow
        metadata: {name: %s}
        spec:
          steps:
            - name: a
              template:
                template:
                  spec:
                    restartPolicy: Never
                    containers: [{name: main, image: busybox, command: [sh, -c, "true"]}]
        """.formatted(name));
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  static Job job(String name, JobFlow owner) {
    JobBuilder b = new JobBuilder().withNewMetadata().withName(name).withLabels(Map.of("jobflow.dev/flow", "x"))
        .endMetadata()
        .withNewSpec().withNewTemplate().withNewSpec().withRestartPolicy("Never")
        .addNewContainer().withName("main").withImage("busybox").endContainer().endSpec().endTemplate().endSpec();
    if (owner != null) {
      b.editMetadata().withOwnerReferences(new OwnerReferenceBuilder().withApiVersion(JobFlow.API_VERSION)
          .withKind(JobFlow.KIND).withName(owner.getMetadata().getName()).withUid(owner.getMetadata().getUid())
          .withController(true).withBlockOwnerDeletion(true).build()).endMetadata();
    }
    return b.build();
  }

  @Test
  void statusSubresourceAndGeneration() {
    JobFlow created = client.resources(JobFlow.class).resource(flow("status-flow")).create();
    assertEquals(1L, created.getMetadata().getGeneration());
    assertNull(created.getStatus());

    JobFlowStatus status = new JobFlowStatus();
    status.setProgress("0/1");
    created.setStatus(status);
    JobFlow afterStatus = client.resources(JobFlow.class).resource(created).updateStatus();
    assertEquals("0/1", afterStatus.getStatus().getProgress());
    assertEquals(1L, afterStatus.getMetadata().getGeneration(), "a status write is no spec change");

    // A main-resource write carrying another status changes the spec only.
    afterStatus.getSpec().setParallelism(2);
    afterStatus.getStatus().setProgress("9/9");
    JobFlow afterSpec = client.resources(JobFlow.class).resource(afterStatus).update();
    assertEquals(2L, afterSpec.getMetadata().getGeneration());
    assertEquals("0/1", afterSpec.getStatus().getProgress());

    // A status patch with a spec change changes the status only.
    JobFlow patched = client.resources(JobFlow.class).withName("status-flow").subresource("status")
        .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"parallelism\":7},\"status\":{\"progress\":\"1/1\"}}");
    assertEquals("1/1", patched.getStatus().getProgress());
    assertEquals(2, patched.getSpec().getParallelism());
    assertEquals(2L, patched.getMetadata().getGeneration());
  }

  @Test
  void resourceVersionConflicts() {
    ConfigMap cm = client.configMaps().resource(new ConfigMapBuilder().withNewMetadata().withName("rv")
        .endMetadata().addToData("a", "1").build()).create();
    ConfigMap first = new ConfigMapBuilder(cm).addToData("a", "2").build();
    client.configMaps().resource(first).update();
    ConfigMap stale = new ConfigMapBuilder(cm).addToData("a", "3").build();
    KubernetesClientException e = assertThrows(KubernetesClientException.class,
        () -> client.configMaps().resource(stale).update());
    assertEquals(409, e.getCode());
  }

  @Test
  void mergePatchNullRemovesAField() {
    client.configMaps().resource(new ConfigMapBuilder().withNewMetadata().withName("merge")
        .addToLabels("keep", "yes").addToLabels("drop", "yes").endMetadata().build()).create();
    ConfigMap patched = client.configMaps().withName("merge").patch(PatchContext.of(PatchType.JSON_MERGE),
        "{\"metadata\":{\"labels\":{\"drop\":null,\"new\":\"1\"}}}");
    assertEquals(Map.of("keep", "yes", "new", "1"), patched.getMetadata().getLabels());
  }

  @Test
  void serverSideApplyCreatesThenMerges() {
    ConfigMap applied = client.configMaps().resource(new ConfigMapBuilder().withNewMetadata().withName("ssa")
        .addToLabels("a", "1").endMetadata().addToData("k", "v1").build()).serverSideApply();
    assertEquals("v1", applied.getData().get("k"));
    ConfigMap again = client.configMaps().resource(new ConfigMapBuilder().withNewMetadata().withName("ssa")
        .addToLabels("b", "2").endMetadata().addToData("k", "v2").build()).serverSideApply();
    assertEquals("v2", again.getData().get("k"));
    assertEquals(Map.of("a", "1", "b", "2"), again.getMetadata().getLabels());
  }

  @Test
  void finalizersHoldDeletionUntilTheLastIsRemoved() {
    JobFlow f = flow("final-flow");
    f.getMetadata().setFinalizers(List.of("jobflow.dev/journal", "other/one"));
    client.resources(JobFlow.class).resource(f).create();
    client.resources(JobFlow.class).withName("final-flow").delete();
    JobFlow marked = client.resources(JobFlow.class).withName("final-flow").get();
    assertNotNull(marked, "an object with finalizers stays");
    assertNotNull(marked.getMetadata().getDeletionTimestamp());

    marked.getMetadata().setFinalizers(List.of("other/one"));
    client.resources(JobFlow.class).resource(marked).update();
    assertNotNull(client.resources(JobFlow.class).withName("final-flow").get());

    client.resources(JobFlow.class).withName("final-flow").edit(x -> {
      x.getMetadata().setFinalizers(List.of());
      return x;
    });
    assertNull(client.resources(JobFlow.class).withName("final-flow").get(), "gone with its last finalizer");
  }

  @Test
  void writesToADeletedJobAnswerNotFoundAndNeverRecreateIt() {
    JobFlow owner = client.resources(JobFlow.class).resource(flow("gone-flow")).create();
    Job stale = client.batch().v1().jobs().resource(job("gone-flow-a-1", owner)).create();
    assertEquals(1, client.batch().v1().jobs().withName("gone-flow-a-1")
        .withPropagationPolicy(DeletionPropagation.BACKGROUND).delete().size(), "blockOwnerDeletion does not hold it");
    assertNull(client.batch().v1().jobs().withName("gone-flow-a-1").get());

    stale.setStatus(new io.fabric8.kubernetes.api.model.batch.v1.JobStatusBuilder().withActive(1).build());
    var jobs = client.batch().v1().jobs();
    List<Runnable> writes = List.of(
        () -> jobs.resource(stale).updateStatus(),
        () -> jobs.resource(stale).patchStatus(),
        () -> jobs.withName("gone-flow-a-1").subresource("status").patch(
            PatchContext.of(PatchType.JSON), "[{\"op\":\"add\",\"path\":\"/status\",\"value\":{\"active\":1}}]"),
        () -> jobs.withName("gone-flow-a-1").subresource("status").patch(
            PatchContext.of(PatchType.JSON_MERGE), "{\"status\":{\"active\":1}}"),
        () -> jobs.resource(stale).update(),
        () -> jobs.withName("gone-flow-a-1").patch(PatchContext.of(PatchType.JSON_MERGE), "{\"metadata\":{\"labels\":{\"x\":\"y\"}}}"));
    for (Runnable write : writes) {
      KubernetesClientException e = assertThrows(KubernetesClientException.class, write::run);
      assertEquals(404, e.getCode(), e.getMessage());
      assertNull(jobs.withName("gone-flow-a-1").get(), "a write to a deleted Job must not re-create it");
    }
    assertTrue(jobs.list().getItems().stream().noneMatch(j -> j.getMetadata().getName().equals("gone-flow-a-1")));
  }

  @Test
  void deletingAFlowDeletesItsJobsButOrphanKeepsThem() {
    JobFlow owner = client.resources(JobFlow.class).resource(flow("gc-flow")).create();
    client.batch().v1().jobs().resource(job("gc-flow-a-1", owner)).create();
    client.batch().v1().jobs().resource(job("gc-flow-b-1", owner)).create();
    client.batch().v1().jobs().resource(job("unrelated", null)).create();
    client.resources(JobFlow.class).withName("gc-flow").withPropagationPolicy(DeletionPropagation.BACKGROUND).delete();
    assertNull(client.batch().v1().jobs().withName("gc-flow-a-1").get());
    assertNull(client.batch().v1().jobs().withName("gc-flow-b-1").get());
    assertNotNull(client.batch().v1().jobs().withName("unrelated").get());

    JobFlow kept = client.resources(JobFlow.class).resource(flow("orphan-flow")).create();
    client.batch().v1().jobs().resource(job("orphan-flow-a-1", kept)).create();
    client.resources(JobFlow.class).withName("orphan-flow").withPropagationPolicy(DeletionPropagation.ORPHAN).delete();
    Job orphan = client.batch().v1().jobs().withName("orphan-flow-a-1").get();
    assertNotNull(orphan);
    assertTrue(orphan.getMetadata().getOwnerReferences().isEmpty());
  }

  @Test
  void setBasedLabelSelectors() {
    client.batch().v1().jobs().resource(new JobBuilder(job("sel-1", null)).editMetadata()
        .addToLabels("tier", "gold").endMetadata().build()).create();
    client.batch().v1().jobs().resource(new JobBuilder(job("sel-2", null)).editMetadata()
        .addToLabels("tier", "silver").endMetadata().build()).create();
    assertEquals(List.of("sel-1"), names(client.batch().v1().jobs().withLabelIn("tier", "gold", "bronze").list().getItems()));
    assertEquals(List.of("sel-2"), names(client.batch().v1().jobs().withLabelNotIn("tier", "gold").withLabel("tier")
        .list().getItems()));
  }

  @Test
  void watchResumesFromAResourceVersionAndSaysGoneWhenTooOld() throws Exception {
    String listed = client.configMaps().list().getMetadata().getResourceVersion();
    client.configMaps().resource(new ConfigMapBuilder().withNewMetadata().withName("w1").addToLabels("w", "y")
        .endMetadata().build()).create();
    BlockingQueue<String> seen = new LinkedBlockingQueue<>();
    Watch w = client.configMaps().withLabel("w").withResourceVersion(listed).watch(new Watcher<>() {
      @Override
      public void eventReceived(Action action, ConfigMap cm) {
        seen.add(action + " " + cm.getMetadata().getName());
      }

      @Override
      public void onClose(WatcherException cause) {
        seen.add("closed " + cause.getMessage());
      }
    });
    try {
      // Generous bounds: on CI's two loaded cores the first event once took longer than 10 s to arrive.
      assertEquals("ADDED w1", seen.poll(30, TimeUnit.SECONDS), "the change between list and watch is replayed ("
          + emulator.openWatches() + " watches open)");
      client.configMaps().withName("w1").edit(c -> new ConfigMapBuilder(c).addToData("k", "v").build());
      assertEquals("MODIFIED w1", seen.poll(30, TimeUnit.SECONDS));
      client.configMaps().withName("w1").delete();
      assertEquals("DELETED w1", seen.poll(30, TimeUnit.SECONDS));
    } finally {
      w.close();
    }

    try (Emulator small = Emulator.start(EmulatorOptions.defaults().withExecutor(EmulatorOptions.ExecutorKind.NONE)
        .withWatchHistory(3))) {
      for (int i = 0; i < 10; i++) {
        small.client().configMaps().resource(new ConfigMapBuilder().withNewMetadata().withName("c" + i).endMetadata()
            .build()).create();
      }
      BlockingQueue<String> closed = new LinkedBlockingQueue<>();
      small.client().configMaps().withResourceVersion("1").watch(new Watcher<>() {
        @Override
        public void eventReceived(Action action, ConfigMap resource) {}

        @Override
        public void onClose(WatcherException cause) {
          closed.add(cause.isHttpGone() ? "gone" : cause.getMessage());
        }
      });
      assertEquals("gone", closed.poll(10, TimeUnit.SECONDS));
    }
  }

  @Test
  void theWatchHistoryIsBoundedByTheSizeOfWhatItHoldsNotOnlyByItsCount() throws Exception {
    String big = "x".repeat(10_000);
    try (Emulator small = Emulator.start(EmulatorOptions.defaults().withExecutor(EmulatorOptions.ExecutorKind.NONE)
        .withWatchHistoryBytes(35_000))) {
      List<String> versions = new java.util.ArrayList<>();
      for (int i = 0; i < 10; i++) {
        versions.add(small.client().configMaps().resource(new ConfigMapBuilder().withNewMetadata().withName("b" + i)
            .endMetadata().addToData("k", big).build()).create().getMetadata().getResourceVersion());
      }
      assertEquals(3, small.resumableChanges(), "three creates of ~10,000 characters fit in 35,000");

      BlockingQueue<String> seen = new LinkedBlockingQueue<>();
      Watcher<ConfigMap> watcher = new Watcher<>() {
        @Override
        public void eventReceived(Action action, ConfigMap cm) {
          seen.add(action + " " + cm.getMetadata().getName());
        }

        @Override
        public void onClose(WatcherException cause) {
          seen.add(cause.isHttpGone() ? "gone" : "closed " + cause.getMessage());
        }
      };
      try (Watch tooOld = small.client().configMaps().withResourceVersion(versions.get(5)).watch(watcher)) {
        assertEquals("gone", seen.poll(10, TimeUnit.SECONDS), "b6 is no longer in the history");
      }
      try (Watch recent = small.client().configMaps().withResourceVersion(versions.get(8)).watch(watcher)) {
        assertEquals("ADDED b9", seen.poll(10, TimeUnit.SECONDS), "the last change is still replayed");
      }
    }
  }

  @Test
  void aListIsServedInPagesThatAllReportTheFirstPagesResourceVersion() throws Exception {
    var configMaps = client.configMaps().inNamespace("paged");
    for (String n : List.of("p3", "p1", "p5", "p2", "p4")) {
      configMaps.resource(new ConfigMapBuilder().withNewMetadata().withName(n).addToLabels("odd",
          String.valueOf(n.charAt(1) % 2 == 1)).endMetadata().build()).create();
    }
    var first = configMaps.list(new io.fabric8.kubernetes.api.model.ListOptionsBuilder().withLimit(2L).build());
    assertEquals(List.of("p1", "p2"), names(first.getItems()));
    String listed = first.getMetadata().getResourceVersion();
    assertNotNull(first.getMetadata().getContinue(), "more follow");

    configMaps.resource(new ConfigMapBuilder().withNewMetadata().withName("p6").endMetadata().build()).create();
    configMaps.withName("p4").delete();
    var second = configMaps.list(new io.fabric8.kubernetes.api.model.ListOptionsBuilder().withLimit(2L)
        .withContinue(first.getMetadata().getContinue()).build());
    assertEquals(List.of("p3", "p5"), names(second.getItems()), "it goes on after p2, from the objects as they are");
    assertEquals(listed, second.getMetadata().getResourceVersion());
    var last = configMaps.list(new io.fabric8.kubernetes.api.model.ListOptionsBuilder().withLimit(2L)
        .withContinue(second.getMetadata().getContinue()).build());
    assertEquals(List.of("p6"), names(last.getItems()));
    assertNull(last.getMetadata().getContinue(), "the last page says there is no more");

    var odd = client.configMaps().inNamespace("paged").withLabel("odd", "true")
        .list(new io.fabric8.kubernetes.api.model.ListOptionsBuilder().withLimit(2L).build());
    assertEquals(List.of("p1", "p3"), names(odd.getItems()), "a page holds objects the selector matches");
    assertEquals(List.of("p1", "p2", "p3", "p5", "p6"), names(configMaps.list().getItems()), "no limit: all");

    BlockingQueue<String> seen = new LinkedBlockingQueue<>();
    try (Watch w = configMaps.withResourceVersion(listed).watch(new Watcher<>() {
      @Override
      public void eventReceived(Action action, ConfigMap cm) {
        seen.add(action + " " + cm.getMetadata().getName());
      }

      @Override
      public void onClose(WatcherException cause) {}
    })) {
      assertEquals("ADDED p6", seen.poll(10, TimeUnit.SECONDS), "a watch from the pages' version sees what changed");
      assertEquals("DELETED p4", seen.poll(10, TimeUnit.SECONDS));
    }
  }

  @Test
  void anInformerWithALimitListsInPages() throws Exception {
    for (int i = 0; i < 7; i++) {
      client.batch().v1().jobs().inNamespace("inf-paged").resource(job("j" + i, null)).create();
    }
    SharedIndexInformer<Job> informer = client.batch().v1().jobs().inNamespace("inf-paged").withLimit(3L).inform();
    try {
      informer.start().toCompletableFuture().get(30, TimeUnit.SECONDS);
      assertEquals(7, informer.getStore().list().size(), "three pages of 3, 3 and 1");
      client.batch().v1().jobs().inNamespace("inf-paged").resource(job("j7", null)).create();
      org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
          .until(() -> informer.getStore().list().size() == 8);
    } finally {
      informer.close();
    }
  }

  @Test
  void anInformerFollowsEventsLargerThanAWebSocketFrame() throws Exception {
    var configMaps = client.configMaps().inNamespace("large");
    configMaps.resource(new ConfigMapBuilder().withNewMetadata().withName("big").endMetadata()
        .addToData("k", "0".repeat(100_000)).build()).create();
    SharedIndexInformer<ConfigMap> informer = configMaps.inform();
    try {
      for (int i = 1; i <= 3; i++) {
        String value = String.valueOf(i).repeat(100_000);
        configMaps.withName("big").edit(c -> new ConfigMapBuilder(c).addToData("k", value).build());
      }
      // fabric8's Vert.x client stalls on a message split into frames once it has asked for a second message
      org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() -> {
        ConfigMap seen = informer.getStore().getByKey("large/big");
        return seen != null && seen.getData().get("k").startsWith("3");
      });
    } finally {
      informer.close();
    }
  }

  @Test
  void aWatchWhoseClientStopsReadingIsEndedBeforeItsEventsExhaustTheEmulatorsMemory() throws Exception {
    try (Emulator own = Emulator.start(EmulatorOptions.defaults().withExecutor(EmulatorOptions.ExecutorKind.NONE));
         java.net.Socket stalled = new java.net.Socket()) {
      var configMaps = own.client().configMaps().inNamespace("stall");
      configMaps.resource(new ConfigMapBuilder().withNewMetadata().withName("big").endMetadata().build()).create();
      java.net.URI url = java.net.URI.create(own.url());
      stalled.setReceiveBufferSize(64 * 1024);
      stalled.connect(new java.net.InetSocketAddress(url.getHost(), url.getPort()));
      stalled.getOutputStream().write(("GET /api/v1/namespaces/stall/configmaps?watch=1 HTTP/1.1\r\nHost: x\r\n\r\n")
          .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() -> own.openWatches() == 1);
      String megabyte = "x".repeat(1 << 20);
      for (int i = 0; i < 60 && own.openWatches() == 1; i++) { // the client never reads a byte
        String value = i + megabyte;
        configMaps.withName("big").edit(c -> new ConfigMapBuilder(c).addToData("k", value).build());
      }
      org.awaitility.Awaitility.await("the stalled watch ended").atMost(java.time.Duration.ofSeconds(20))
          .until(() -> own.openWatches() == 0);
    }
  }

  @Test
  void informersListAndFollow() throws Exception {
    BlockingQueue<String> seen = new LinkedBlockingQueue<>();
    client.batch().v1().jobs().inNamespace("inf").resource(job("before", null)).create();
    SharedIndexInformer<Job> informer = client.batch().v1().jobs().inNamespace("inf").inform(new ResourceEventHandler<>() {
      @Override
      public void onAdd(Job j) {
        seen.add("add " + j.getMetadata().getName());
      }

      @Override
      public void onUpdate(Job o, Job j) {
        if (!o.getMetadata().getResourceVersion().equals(j.getMetadata().getResourceVersion())) {
          seen.add("update " + j.getMetadata().getName());
        }
      }

      @Override
      public void onDelete(Job j, boolean unknown) {
        seen.add("delete " + j.getMetadata().getName());
      }
    });
    try {
      assertEquals("add before", seen.poll(10, TimeUnit.SECONDS));
      client.batch().v1().jobs().inNamespace("inf").resource(job("after", null)).create();
      assertEquals("add after", seen.poll(10, TimeUnit.SECONDS));
      client.batch().v1().jobs().inNamespace("inf").withName("after").editStatus(j -> {
        j.setStatus(new io.fabric8.kubernetes.api.model.batch.v1.JobStatusBuilder().withActive(1).build());
        return j;
      });
      assertEquals("update after", seen.poll(10, TimeUnit.SECONDS));
      client.batch().v1().jobs().inNamespace("inf").withName("before").delete();
      assertEquals("delete before", seen.poll(10, TimeUnit.SECONDS));

      // The watch drops (resumable), then drops with its history gone (410 Gone: the informer relists).
      emulator.dropWatches(false);
      client.batch().v1().jobs().inNamespace("inf").resource(job("after-drop", null)).create();
      assertEquals("add after-drop", seen.poll(20, TimeUnit.SECONDS));
      emulator.dropWatches(true);
      client.batch().v1().jobs().inNamespace("inf").resource(job("after-gone", null)).create();
      assertEquals("add after-gone", seen.poll(20, TimeUnit.SECONDS));
      client.batch().v1().jobs().inNamespace("inf").withName("after-drop").delete();
      assertEquals("delete after-drop", seen.poll(20, TimeUnit.SECONDS));
    } finally {
      informer.close();
    }
  }

  static List<String> names(List<? extends io.fabric8.kubernetes.api.model.HasMetadata> items) {
    return items.stream().map(i -> i.getMetadata().getName()).sorted().toList();
  }
}
