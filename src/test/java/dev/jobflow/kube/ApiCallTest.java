package dev.jobflow.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jobflow.api.JobFlow;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.authentication.TokenReviewBuilder;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ApiCallTest {

  @ParameterizedTest
  @CsvSource(delimiter = '|', nullValues = "-", value = {
      "GET    | /apis/jobflow.dev/v1alpha1/jobflows?resourceVersion=0           | jobflow.dev | jobflows          | list   | -    | -",
      "GET    | /apis/jobflow.dev/v1alpha1/jobflows?watch=true&allowWatchBookmarks=true | jobflow.dev | jobflows | watch | - | -",
      "GET    | /apis/jobflow.dev/v1alpha1/namespaces/data/jobflows/etl          | jobflow.dev | jobflows          | get    | data | etl",
      "PATCH  | /apis/jobflow.dev/v1alpha1/namespaces/data/jobflows/etl/status   | jobflow.dev | jobflows/status   | patch  | data | etl",
      "PUT    | /apis/jobflow.dev/v1alpha1/namespaces/data/jobflows/etl/finalizers | jobflow.dev | jobflows/finalizers | update | data | etl",
      "POST   | /apis/batch/v1/namespaces/data/jobs                              | batch       | jobs              | create | data | -",
      "DELETE | /apis/batch/v1/namespaces/data/jobs/etl-extract-1                | batch       | jobs              | delete | data | etl-extract-1",
      "DELETE | /apis/batch/v1/namespaces/data/jobs                              | batch       | jobs              | deletecollection | data | -",
      "GET    | /apis/batch/v1/jobs?labelSelector=jobflow.dev%2Fmanaged-by&watch=1 | batch     | jobs              | watch  | -    | -",
      "POST   | /api/v1/namespaces/data/events                                   | ''          | events            | create | data | -",
      "GET    | /api/v1/namespaces/data                                          | ''          | namespaces        | get    | data | data",
      "GET    | /api/v1/pods                                                     | ''          | pods              | list   | -    | -",
      "POST   | /apis/authentication.k8s.io/v1/tokenreviews                      | authentication.k8s.io | tokenreviews | create | - | -",
  })
  void classifiesRequestsAsRbacDoes(String method, String path, String group, String resource, String verb,
      String namespace, String name) {
    ApiCall call = ApiCall.parse(method.strip(), path.strip()).orElseThrow();
    assertEquals(new ApiCall(group.strip(), resource.strip(), verb.strip(), namespace, name), call);
  }

  @Test
  void discoveryIsNotAResourceRequest() {
    for (String path : List.of("/api", "/apis", "/api/v1", "/apis/batch/v1", "/version", "/openapi/v3")) {
      assertEquals(Optional.empty(), ApiCall.parse("GET", path), path);
    }
  }

  @Test
  void controllerPermissionsAreNarrow() {
    assertTrue(ApiPermissions.allows("batch", "jobs", "create"));
    assertTrue(ApiPermissions.allows("", "pods/log", "get"), "the web view streams step logs");
    assertFalse(ApiPermissions.allows("", "pods", "get"), "pods are only listed, to find a step's log");
    assertFalse(ApiPermissions.allows("", "pods", "delete"), "the controller never touches pods");
    assertTrue(ApiPermissions.allows("", "secrets", "get"), "a trigger's token Secret is read by name");
    assertFalse(ApiPermissions.allows("", "secrets", "list"), "Secrets are never listed");
    assertFalse(ApiPermissions.allows("", "secrets", "watch"), "Secrets are never watched");
    assertFalse(ApiPermissions.allows("batch", "jobs", "update"), "Jobs are created and deleted, never edited");
    assertTrue(ApiPermissions.allows("jobflow.dev", "jobflows", "create"), "schedules create their runs");
    assertFalse(ApiPermissions.allows("jobflow.dev", "jobflowtemplates", "list"), "templates are read one by one");
    assertFalse(ApiPermissions.allows("jobflow.dev", "cronjobflows", "update"), "users edit schedules, not the controller");
  }

  /**
   * The controller's kinds of calls, made by the real fabric8 client against the API-server emulator: every
   * request on the wire is one {@link ApiPermissions} allows, and a call outside them is recognised as such.
   */
  @Test
  void everyRequestOfTheControllersCallPatternsIsPermitted() throws Exception {
    KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
        new KubernetesCrudDispatcher(List.of()), false);
    server.init(InetAddress.getLoopbackAddress(), 0);
    try (KubernetesClient client = server.createClient()) {
      // Generic objects: the request paths are what matters here, and they are the same as JobFlow.class's.
      var flows = client.genericKubernetesResources(ResourceDefinitionContext.fromResourceType(JobFlow.class));
      GenericKubernetesResource flow = new GenericKubernetesResourceBuilder().withApiVersion(JobFlow.API_VERSION)
          .withKind(JobFlow.KIND).withNewMetadata().withName("etl").withNamespace("data").endMetadata()
          .addToAdditionalProperties("spec", Map.of("steps", List.of())).build();
      flows.inNamespace("data").resource(flow).create(); // the user's calls, not the controller's
      dev.jobflow.api.CronJobFlow cron = new dev.jobflow.api.CronJobFlow();
      cron.getMetadata().setName("nightly");
      cron.getMetadata().setNamespace("data");
      client.resources(dev.jobflow.api.CronJobFlow.class).inNamespace("data").resource(cron).create();
      drain(server);

      Watch flowWatch = flows.inAnyNamespace().watch(new Ignore<>());
      Watch jobWatch = client.batch().v1().jobs().inAnyNamespace()
          .withLabel("jobflow.dev/managed-by", "jobflow").watch(new Ignore<>());
      flows.inAnyNamespace().list();
      GenericKubernetesResource seen = flows.inNamespace("data").withName("etl").get();
      seen.getMetadata().getFinalizers().add("jobflow.dev/journal");
      flows.inNamespace("data").resource(seen).update();
      GenericKubernetesResource latest = flows.inNamespace("data").withName("etl").get();
      latest.getAdditionalProperties().put("status", Map.of("phase", "Running"));
      flows.inNamespace("data").resource(latest).patchStatus();
      Job job = new JobBuilder().withNewMetadata().withName("etl-extract-1").withNamespace("data").endMetadata()
          .withNewSpec().withNewTemplate().withNewSpec().addNewContainer().withName("main").withImage("busybox")
          .endContainer().withRestartPolicy("Never").endSpec().endTemplate().endSpec().build();
      client.batch().v1().jobs().inNamespace("data").resource(job).create();
      client.batch().v1().jobs().inNamespace("data").withName("etl-extract-1").get();
      client.batch().v1().jobs().inAnyNamespace().withLabel("jobflow.dev/managed-by").list();
      client.batch().v1().jobs().inNamespace("data").withName("etl-extract-1").delete();
      client.v1().events().inNamespace("data").resource(new EventBuilder().withNewMetadata().withName("etl.1")
          .withNamespace("data").endMetadata().withReason("StepStarted").build()).create();
      client.resource(new TokenReviewBuilder().withNewMetadata().withName("review").endMetadata().withNewSpec().withToken("t").endSpec().build()).create();
      client.resource(new SubjectAccessReviewBuilder().withNewMetadata().withName("review").endMetadata().withNewSpec().withUser("u").endSpec().build()).create();
      // Templates resolved at acceptance; schedules: their informer, status, runs created, a replaced run cancelled.
      new dev.jobflow.template.ClusterTemplates(client).find("data", "nightly");
      var crons = client.resources(dev.jobflow.api.CronJobFlow.class);
      Watch cronWatch = crons.inAnyNamespace().watch(new Ignore<>());
      crons.inAnyNamespace().list();
      crons.inNamespace("data").withName("nightly").subresource("status").patch(
          io.fabric8.kubernetes.client.dsl.base.PatchContext.of(io.fabric8.kubernetes.client.dsl.base.PatchType.JSON_MERGE),
          "{\"status\":{\"observedGeneration\":1}}");
      JobFlow run = new JobFlow();
      run.getMetadata().setName("nightly-29923205");
      run.getMetadata().setNamespace("data");
      run.getMetadata().setLabels(Map.of(dev.jobflow.schedule.ScheduledFlows.SCHEDULE_UID_LABEL, "u"));
      var runtime = new KubeScheduleRuntime(client, Runnable::run);
      runtime.createIfAbsent(run).toCompletableFuture().get();
      runtime.createIfAbsent(run).toCompletableFuture().get(); // adopted: create, then get
      runtime.terminate("data", "nightly-29923205", null).toCompletableFuture().get();
      runtime.delete("data", "nightly-29923205", null).toCompletableFuture().get();
      cronWatch.close();
      // The web view: a step attempt's Pods, then one's log.
      client.pods().inNamespace("data").withLabel("job-name", "etl-extract-1").list();
      try {
        client.pods().inNamespace("data").withName("etl-extract-1-abcde").tailingLines(10).withReadyWaitTimeout(0)
            .getLog();
      } catch (KubernetesClientException absent) {
        // no such pod here: the request is what counts
      }
      flows.inNamespace("data").withName("etl").delete();
      flowWatch.close();
      jobWatch.close();

      List<ApiCall> calls = drain(server);
      assertTrue(calls.size() >= 24, "the emulator recorded the calls: " + calls);
      for (String resource : List.of("jobflowtemplates", "cronjobflows", "cronjobflows/status")) {
        assertTrue(calls.stream().anyMatch(c -> c.resource().equals(resource)), resource + " among " + calls);
      }
      List<String> denied = calls.stream().filter(c -> !ApiPermissions.allows(c)).map(ApiCall::toString).toList();
      assertEquals(List.of(), denied, "requests the controller's ClusterRole would deny");
      for (String verb : List.of("watch", "list", "get", "update", "patch", "create", "delete")) {
        assertTrue(calls.stream().anyMatch(c -> c.verb().equals(verb)), verb + " among " + calls);
      }

      client.secrets().inNamespace("data").list();
      List<ApiCall> secrets = drain(server);
      assertEquals(1, secrets.size());
      assertFalse(ApiPermissions.allows(secrets.get(0)), "listing secrets is outside the controller's rights");
    } finally {
      server.destroy();
    }
  }

  private static List<ApiCall> drain(KubernetesMockServer server) throws InterruptedException {
    List<ApiCall> calls = new ArrayList<>();
    RecordedRequest r;
    while ((r = server.takeRequest(200, TimeUnit.MILLISECONDS)) != null) {
      ApiCall.parse(r.getMethod(), r.getPath()).ifPresent(calls::add);
    }
    return calls;
  }

  private static final class Ignore<T> implements Watcher<T> {
    @Override
    public void eventReceived(Action action, T resource) {
    }

    @Override
    public void onClose(WatcherException cause) {
    }
  }
}
